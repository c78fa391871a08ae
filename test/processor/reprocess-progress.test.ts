import type { Transaction } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProducer } from '../../src/kafka/producer.ts';
import { PartitionProducer } from '../../src/processor/partition-producer.ts';
import { progressRecord, restoreProgress } from '../../src/processor/reprocess-progress.ts';
import type { ReprocessorProgress } from '../../src/processor/reprocess-progress.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function progress(requestPartition: number, chunksDone: number): ReprocessorProgress {
  return { requestPartition, run: 3, start: 10, end: 12, rawEnds: new Map([[0, 100]]), chunks: 5, chunksDone, updatedAt: 1_700_000_000_000 };
}

/**
 * restoreProgress on the real broker. The progress topic has one partition that every request partition's producer
 * writes to, and a re-processor killed mid-transaction leaves its transactions open until they are fenced or time out.
 * A restore must still return the last progress its partition committed (an older one makes the task redo a committed
 * chunk with the same revision: the same (key, revision) twice on the output topic), and must fence the partition's
 * previous producer so that nothing it still has open can commit afterwards.
 */
describe('restoreProgress', () => {
  let pipeline: TestPipeline;
  const open: Transaction[] = [];
  const producers: { disconnect(): Promise<void> }[] = [];

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((transaction) => transaction.abort()));
    await Promise.allSettled(producers.map((producer) => producer.disconnect()));
    await pipeline?.close();
  });

  async function openTransaction(transactionalId: string, record: ReturnType<typeof progressRecord>): Promise<Transaction> {
    const producer = createProducer(pipeline.kafka, { transactionalId });
    producers.push(producer);
    await producer.connect();
    const transaction = await producer.transaction();
    open.push(transaction);
    await transaction.send({ topic: record.topic, acks: -1, messages: [{ key: record.key, value: await pipeline.serde.encode(record.topic, record.value) }] });
    return transaction;
  }

  async function partitionProducer(transactionalId: string): Promise<PartitionProducer> {
    const producer = await PartitionProducer.open(pipeline.kafka, pipeline.serde, transactionalId);
    producers.push({ disconnect: () => producer.close() });
    return producer;
  }

  it('returns the last committed progress even when another partition committed a transaction that started earlier and is still open', { timeout: 60_000 }, async () => {
    const { reprocessorProgress, reprocessRequests } = pipeline.topics;
    const other = await openTransaction(`${pipeline.id}-other`, progressRecord(reprocessorProgress, reprocessRequests, progress(1, 4)));
    const own = await partitionProducer(`${pipeline.id}-own`);
    await own.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(0, 1))], null);
    await own.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(0, 2))], null);
    await own.close();

    let settled = false;
    const restoring = restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(`${pipeline.id}-own`), reprocessorProgress, reprocessRequests, 0, 30_000)
      .finally(() => (settled = true));
    await sleep(1_500);
    expect(settled, 'the restore waits for the transaction that was open when it began').toBe(false);
    await other.commit();
    const restored = await restoring;
    expect(restored?.chunksDone).toBe(2);
    expect(restored?.run).toBe(3);
  });

  it("fences the partition's previous producer: its open transaction is aborted and can no longer commit", { timeout: 60_000 }, async () => {
    const { reprocessorProgress, reprocessRequests } = pipeline.topics;
    const id = `${pipeline.id}-zombie`;
    const before = await partitionProducer(id);
    await before.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(2, 1))], null);
    await before.close();
    const zombie = await openTransaction(id, progressRecord(reprocessorProgress, reprocessRequests, progress(2, 2)));

    const restored = await restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(id), reprocessorProgress, reprocessRequests, 2, 30_000);
    expect(restored?.chunksDone).toBe(1);
    await expect(zombie.commit(), 'the zombie cannot commit after the restore').rejects.toThrow();
    const again = await restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(id), reprocessorProgress, reprocessRequests, 2, 30_000);
    expect(again?.chunksDone).toBe(1);
  });
});

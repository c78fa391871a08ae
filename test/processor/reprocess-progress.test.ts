import type { Transaction } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { createProducer } from '../../src/kafka/producer.ts';
import type { PartitionProducer } from '../../src/processor/partition-producer.ts';
import { KafkajsPartitionProducer } from '../../src/processor/partition-producer-kafkajs.ts';
import { progressKey, progressRecord, restoreProgress } from '../../src/processor/reprocess-progress.ts';
import type { ReprocessorProgress } from '../../src/processor/reprocess-progress.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

function progress(requestPartition: number, chunksDone: number): ReprocessorProgress {
  return { requestPartition, run: 3, start: 10, end: 12, rawEnds: new Map([[0, 100]]), chunks: 5, chunksDone, updatedAt: 1_700_000_000_000 };
}

/**
 * restoreProgress on the real broker. The progress topic has one partition that every request partition's producer
 * writes to, and a re-processor killed mid-transaction leaves its transactions open until they are fenced or time out.
 * A restore must return the last progress its partition committed: an older one makes the task commit a chunk again
 * with the same revision (the same (key, revision) twice on the output topic), one from an aborted transaction makes
 * it skip a chunk. It must not wait for other partitions' transactions, and must fence the partition's previous
 * producer so that nothing it still has open can commit afterwards.
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
    const producer = await KafkajsPartitionProducer.open(pipeline.kafka, pipeline.serde, transactionalId);
    producers.push({ disconnect: () => producer.close() });
    return producer;
  }

  it('returns the last committed progress while another partition has a transaction open that began before it', { timeout: 60_000 }, async () => {
    const { reprocessorProgress, reprocessRequests } = pipeline.topics;
    const other = await openTransaction(`${pipeline.id}-other`, progressRecord(reprocessorProgress, reprocessRequests, progress(1, 4)));
    const own = await partitionProducer(`${pipeline.id}-own`);
    await own.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(0, 1))], null);
    await own.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(0, 2))], null);
    await own.close();

    const restored = await restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(`${pipeline.id}-own`), reprocessorProgress, reprocessRequests, 0, 15_000);
    expect(restored?.chunksDone, 'the progress committed behind the open transaction').toBe(2);
    expect(restored?.run).toBe(3);
    await other.commit();
  });

  it("fences the partition's previous producer: its open transaction is aborted and can no longer commit", { timeout: 60_000 }, async () => {
    const { reprocessorProgress, reprocessRequests } = pipeline.topics;
    const id = `${pipeline.id}-zombie`;
    const before = await partitionProducer(id);
    await before.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(2, 1))], null);
    await before.close();
    const zombie = await openTransaction(id, progressRecord(reprocessorProgress, reprocessRequests, progress(2, 2)));

    const restored = await restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(id), reprocessorProgress, reprocessRequests, 2, 15_000);
    expect(restored?.chunksDone).toBe(1);
    await expect(zombie.commit(), 'the zombie cannot commit after the restore').rejects.toThrow();
    const again = await restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(id), reprocessorProgress, reprocessRequests, 2, 15_000);
    expect(again?.chunksDone).toBe(1);
  });

  it('ignores a progress of an aborted transaction that overlaps another aborted one (plain kafkajs read_committed returned it)', { timeout: 60_000 }, async () => {
    const { reprocessorProgress, reprocessRequests } = pipeline.topics;
    const id = `${pipeline.id}-overlap`;
    const before = await partitionProducer(id);
    await before.commit([progressRecord(reprocessorProgress, reprocessRequests, progress(3, 1))], null);
    await before.close();
    // the killed owner's transaction begins first and is aborted last (by the restore's fencing), the other one in between
    await openTransaction(id, progressRecord(reprocessorProgress, reprocessRequests, progress(3, 2)));
    const other = await openTransaction(`${pipeline.id}-overlap-other`, progressRecord(reprocessorProgress, reprocessRequests, progress(4, 9)));
    await other.abort();

    const restored = await restoreProgress(pipeline.kafka, pipeline.serde, await partitionProducer(id), reprocessorProgress, reprocessRequests, 3, 15_000);
    expect(restored?.chunksDone, 'the last committed progress, not the aborted one').toBe(1);

    // kafkajs 2.2.4's own filter returned [1, 2] here; createKafka's client applies src/kafka/kafkajs-read-committed-fix.ts
    const readCommittedView: number[] = [];
    await readCommittedToEnd(pipeline.kafka, reprocessorProgress, async (message) => {
      if (message.key?.toString('utf8') === progressKey(reprocessRequests, 3) && message.value !== null) readCommittedView.push((await pipeline.serde.decode<{ chunksDone: number }>(message.value)).chunksDone);
    });
    expect(readCommittedView, 'a read_committed read through createKafka agrees with the markers').toEqual([1]);
  });
});

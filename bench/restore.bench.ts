/**
 * Restore time of the processor state of 10k agents from the changelog.
 *
 *   node bench/restore.bench.ts [agents=10000] [runs=3]
 *
 * Builds state once: generates raw records of `agents` agents (test/processor/support/raw-history.ts, seed 11, one
 * 30-minute session each, cut at minute 20 so every agent is mid-session), produces them and a poll watermark at
 * minute 15 into a fresh `bench-<uuid>.` topic set, and runs a processor instance (Redis sink off) until its
 * committed offsets reach the end of the raw topic; so every agent has an open session, open windows and buffered
 * events past the watermark in the changelog. Then, alternating `runs` times:
 *   (read)    a plain kafkajs consumer reads the whole changelog (read_committed, no decoding): records, bytes, keys;
 *   (restore) a fresh processor instance of the same group starts; timed from startProcessorInstance until every
 *             partition reports restored (processor.status()), with the per-partition restoreMs the tasks measure.
 * Reports medians. Deletes its topics, subjects, groups and Redis keys at the end.
 */
import { randomUUID } from 'node:crypto';
import { startProcessorInstance } from '../src/processor/processor-instance.ts';
import { createLogger } from '../src/runtime/logger.ts';
import { generateRawHistory, sinchTimestamp } from '../test/processor/support/raw-history.ts';
import {
  cleanupOnSignal, committedReached, createBenchStack, encodeRaw, endOffsets, machineLine, median, produceMessages, sleep, watermarkMessage,
} from './support/bench-stack.ts';
import type { BenchStack } from './support/bench-stack.ts';
import { processorSource } from '../src/cli/processor-sources.ts';

const AGENTS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 3);
const START = Date.parse('2026-03-02T08:00:00Z');
const CUT = START + 20 * 60_000;
const WATERMARK = START + 15 * 60_000;

interface ChangelogRead {
  readonly ms: number;
  readonly records: number;
  readonly bytes: number;
  readonly keys: number;
}

async function readChangelog(stack: BenchStack, ends: ReadonlyMap<number, number>): Promise<ChangelogRead> {
  const groupId = `${stack.id}-read-${randomUUID()}`;
  const consumer = stack.kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  const keys = new Set<string>();
  let records = 0;
  let bytes = 0;
  const started = performance.now();
  await consumer.connect();
  await consumer.subscribe({ topics: [stack.topics.changelog], fromBeginning: true });
  const remaining = new Map([...ends].filter(([, end]) => end > 0));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('changelog read timed out')), 120_000);
    void consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: ends.size,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          records++;
          bytes += (message.value?.length ?? 0) + (message.key?.length ?? 0);
          if (message.key !== null) keys.add(`${batch.partition}|${message.key.toString('latin1')}`);
        }
        const end = remaining.get(batch.partition);
        // Transaction markers take offsets too: the batch may end just before a partition's end offset.
        if (end !== undefined && Number(batch.lastOffset()) + 2 >= end) remaining.delete(batch.partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  const ms = performance.now() - started;
  await consumer.disconnect();
  await stack.admin.deleteGroups([groupId]).catch(() => undefined);
  return { ms, records, bytes, keys: keys.size };
}

async function restoreOnce(stack: BenchStack): Promise<{ ms: number; perPartition: Map<number, number | null>; entries: number }> {
  const started = performance.now();
  const instance = await startProcessorInstance(stack.config, processorSource(stack.config, 'sinch-rai'), createLogger('error'));
  try {
    for (;;) {
      const status = instance.processor.status();
      if (status.assigned.length === status.partitions && status.partitions > 0 && status.restored) break;
      if (performance.now() - started > 120_000) throw new Error('restore did not finish in 120 s');
      await Promise.race([sleep(10), instance.fatal]);
    }
    const ms = performance.now() - started;
    return { ms, perPartition: instance.processor.restoreTimes(), entries: instance.processor.metrics.total('restored_entries') };
  } finally {
    await instance.stop();
  }
}

async function main(): Promise<void> {
  console.log(`machine at start: ${machineLine()}`);
  const stack = await createBenchStack({ PROCESSOR_REDIS_SINK: 'false' });
  const cleanup = (): Promise<void> => stack.cleanup();
  cleanupOnSignal(cleanup);
  try {
    const cutStamp = sinchTimestamp(CUT);
    const records = generateRawHistory({ seed: 11, agents: AGENTS, start: START, spanMs: 30 * 60_000, sessionsPerAgent: 1 }).filter((r) => (r['changeTimestamp'] ?? '') < cutStamp);
    const agents = new Set(records.map((r) => r['userId'])).size;
    await produceMessages(stack, stack.topics.raw, await encodeRaw(stack, records));
    await produceMessages(stack, stack.topics.watermarks, [await watermarkMessage(stack, WATERMARK)]);
    const rawEnds = await endOffsets(stack.admin, stack.topics.raw);
    console.log(`produced ${records.length} raw records of ${agents} agents`);

    const built = performance.now();
    const builder = await startProcessorInstance(stack.config, processorSource(stack.config, 'sinch-rai'), createLogger('error'));
    try {
      for (;;) {
        if (await committedReached(stack.admin, stack.config.processor.groupId, stack.topics.raw, rawEnds)) break;
        if (performance.now() - built > 150_000) throw new Error('building the state took over 150 s');
        await Promise.race([sleep(200), builder.fatal]);
      }
      // The watermark applies with the batch that reaches the end; give the last transactions a moment.
      await sleep(1_000);
      console.log(`state built in ${Math.round(performance.now() - built)} ms (watermarks applied: ${builder.processor.metrics.total('watermarks_applied')})`);
    } finally {
      await builder.stop();
    }
    const changelogEnds = await endOffsets(stack.admin, stack.topics.changelog);
    console.log(`changelog end offsets: ${[...changelogEnds].map(([p, o]) => `${p}:${o}`).join(' ')}`);

    const reads: ChangelogRead[] = [];
    const restores: { ms: number; perPartition: Map<number, number | null>; entries: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const read = await readChangelog(stack, changelogEnds);
      reads.push(read);
      console.log(`read    ${i + 1}: ${Math.round(read.ms)} ms, ${read.records} records, ${(read.bytes / 1e6).toFixed(1)} MB, ${read.keys} distinct keys`);
      const restore = await restoreOnce(stack);
      restores.push(restore);
      const parts = [...restore.perPartition].sort((a, b) => a[0] - b[0]).map(([p, ms]) => `${p}:${ms === null ? '?' : Math.round(ms)}`).join(' ');
      console.log(`restore ${i + 1}: ${Math.round(restore.ms)} ms until all partitions restored, ${restore.entries} entries; restoreMs per partition ${parts}`);
    }
    const last = reads[reads.length - 1]!;
    const perPartitionMedian = (p: number): number => median(restores.map((r) => r.perPartition.get(p) ?? NaN));
    const partitions = [...changelogEnds.keys()].sort((a, b) => a - b);
    console.log('');
    console.log(`agents: ${agents}; changelog: ${last.records} records (${last.keys} distinct keys), ${(last.bytes / 1e6).toFixed(1)} MB keys+values`);
    console.log(`median plain read of the changelog: ${Math.round(median(reads.map((r) => r.ms)))} ms`);
    console.log(`median restore (start → all ${partitions.length} partitions restored): ${Math.round(median(restores.map((r) => r.ms)))} ms`);
    console.log(`median restoreMs per partition: ${partitions.map((p) => `${p}:${Math.round(perPartitionMedian(p))}`).join(' ')}`);
    console.log(`machine at end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);

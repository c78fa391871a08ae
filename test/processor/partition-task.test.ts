import type { Batch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { AgentTimelinesError } from '../../src/errors/agent-timelines-error.ts';
import type { AvroSerde } from '../../src/kafka/avro-serde.ts';
import type { StoredRecord, ChangelogValue } from '../../src/processor/changelog-records.ts';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import type { ConsumedOffset, PartitionProducer } from '../../src/processor/partition-producer.ts';
import { restorePartitionState } from '../../src/processor/partition-state.ts';
import { PartitionTask } from '../../src/processor/partition-task.ts';
import type { PartitionTaskDeps } from '../../src/processor/partition-task.ts';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { processorTopics } from '../../src/processor/processor-topics.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateRawHistory } from './support/raw-history.ts';

const TENANT = 'default';
const topics = processorTopics('t.', 'raw.sinch.agent-status-history');
const engine = { allowedLatenessMs: 120_000, correctionHorizonMs: 21_600_000 };
const START = Date.UTC(2026, 10, 30, 8);
const raw = generateRawHistory({ seed: 7, agents: 12, start: START, spanMs: 4 * 3_600_000 });
const BATCH = 40;
/** A watermark after every this many records: the newest changeTimestamp before it (what a poll of them would publish). */
const WATERMARK_EVERY = 100;

/** What the broker keeps of committed transactions: the output records in order, the changelog by key, the group offset. */
interface Broker {
  readonly outputs: OutgoingRecord[];
  readonly changelog: Map<string, StoredRecord>;
  groupOffset: number | null;
  commits: number;
  /** The most batches a task applied while one of its transactions was in flight. */
  mostAppliedInFlight: number;
}

interface Run {
  readonly broker: Broker;
  readonly metrics: ReturnType<typeof createProcessorMetrics>;
  readonly restores: number;
  readonly reports: readonly { readonly watermark: number; readonly committed: number | null }[];
}

/**
 * Feeds the raw records to one task the way the kafkajs consumer does (batches from the resolved offset; a seek moves
 * the position), with a watermark after every {@link WATERMARK_EVERY} records. A transaction stays in flight until
 * the middle of the next batch is decoded, every third one until the middle of the one after (at the end: ticks); the
 * commits numbered in `failing` (1-based) fail then.
 */
async function run(failing: ReadonlySet<number>): Promise<Run> {
  const broker: Broker = { outputs: [], changelog: new Map(), groupOffset: null, commits: 0, mostAppliedInFlight: 0 };
  let attempts = 0;
  let applied = 0;
  let restores = 0;
  let decoded = 0;
  /** Each watermark reported as committed, with the one the committed changelog holds at that moment. */
  const reports: { watermark: number; committed: number | null }[] = [];
  /** Transactions in flight, and how many more of the driver's steps (mid-batch, or a tick at the end) they wait. */
  let waiting: { resolve: () => void; steps: number }[] = [];
  const step = (): void => {
    for (const transaction of waiting) if (--transaction.steps === 0) transaction.resolve();
    waiting = waiting.filter((transaction) => transaction.steps > 0);
  };
  const openProducer = (): Promise<PartitionProducer> =>
    Promise.resolve({
      commit: async (records: readonly OutgoingRecord[], consumed: ConsumedOffset | null) => {
        const attempt = ++attempts;
        const appliedBefore = applied;
        await new Promise<void>((resolve) => waiting.push({ resolve, steps: attempt % 3 === 0 ? 2 : 1 }));
        broker.mostAppliedInFlight = Math.max(broker.mostAppliedInFlight, applied - appliedBefore);
        if (failing.has(attempt)) throw new AgentTimelinesError('TRANSACTION_FAILED', `transaction ${attempt} failed (test)`);
        broker.commits++;
        for (const record of records) {
          if (record.topic !== topics.changelog) broker.outputs.push(record);
          else if (record.value === null) broker.changelog.delete(record.key);
          else broker.changelog.set(record.key, { key: record.key, value: record.value as ChangelogValue });
        }
        if (consumed !== null) broker.groupOffset = consumed.offset;
        return new Map();
      },
      close: () => Promise.resolve(),
    });
  const watermarks: { target: number; watermark: number }[] = [];
  let newest = 0;
  raw.forEach((record, offset) => {
    newest = Math.max(newest, parseTimestamp(record['changeTimestamp']!));
    if ((offset + 1) % WATERMARK_EVERY === 0 || offset === raw.length - 1) watermarks.push({ target: offset + 1, watermark: newest });
  });
  let published = 0;
  let position = 0;
  let seekTo: number | null = null;
  const metrics = createProcessorMetrics();
  const deps: PartitionTaskDeps = {
    openProducer,
    serde: {} as AvroSerde,
    decoder: {
      decode: (value) => {
        const record = JSON.parse(value!.toString('utf8')) as Record<string, string>;
        // the transactions in flight end while the middle of a batch is decoded
        if (++decoded % BATCH === BATCH / 2) step();
        return Promise.resolve({ tenant: TENANT, record });
      },
    },
    adapter: sinchAgentStatusHistoryAdapter,
    topics,
    groupId: 'g',
    engine,
    now: () => newest + 60_000,
    reprocess: null,
    stateEntryMaxBytes: 8 * 1024 * 1024,
    commitIntervalMs: 0,
    watermarks: {
      applicable: (_partition, at) => {
        const gated = watermarks.slice(0, published).filter((w) => w.target <= at);
        const last = gated[gated.length - 1];
        return new Map(last === undefined ? [] : [[TENANT, last.watermark]]);
      },
      firstSeen: () => null,
    },
    restore: () => {
      restores++;
      return Promise.resolve([...broker.changelog.values()]);
    },
    lowOffset: () => Promise.resolve(0),
    seek: (_partition, offset) => {
      seekTo = offset;
    },
    onCommitted: (_partition, reported) => {
      const committed = restorePartitionState([...broker.changelog.values()], engine).engines.get(TENANT)?.currentWatermark ?? null;
      const watermark = reported.get(TENANT);
      if (watermark !== undefined) reports.push({ watermark, committed });
    },
    metrics,
    logger: createLogger('silent'),
  };
  const task = new PartitionTask(0, deps);
  await task.ready;
  for (let guard = 0; guard < 10_000; guard++) {
    if (seekTo !== null) [position, seekTo] = [seekTo, null];
    while (published < watermarks.length && watermarks[published]!.target <= position + BATCH) published++;
    if (position >= raw.length) {
      await task.tick();
      step();
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (seekTo === null && broker.groupOffset === raw.length) break;
      continue;
    }
    const messages = raw.slice(position, position + BATCH).map((record, i) => ({ offset: String(position + i), key: Buffer.from(record['userId']!), value: Buffer.from(JSON.stringify(record)) }));
    const batch = { topic: topics.raw, partition: 0, highWatermark: String(raw.length), messages, firstOffset: () => messages[0]!.offset, lastOffset: () => messages[messages.length - 1]!.offset, fetchedOffset: String(position) };
    let resolved: number | null = null;
    await task.processBatch(batch as unknown as Batch, { isStale: () => false, heartbeat: () => Promise.resolve(), resolveOffset: (offset) => void (resolved = Number(offset)) });
    applied++;
    await new Promise((resolve) => setImmediate(resolve));
    if (resolved !== null) position = resolved + 1;
  }
  await task.close();
  return { broker, metrics, restores, reports };
}

/** The last value of every output key, as a compacted topic keeps it. */
function latestOutputs(outputs: readonly OutgoingRecord[]): Map<string, unknown> {
  return new Map(outputs.map((record) => [`${record.topic}|${record.key}`, record.value]));
}

describe('PartitionTask', () => {
  it('applies batches while its transaction is in flight, reports only committed watermarks, and after a transaction fails in flight commits what an uninterrupted run commits', async () => {
    const clean = await run(new Set());
    const failed = await run(new Set([3, 7]));


    expect(clean.broker.groupOffset).toBe(raw.length);
    expect(clean.broker.mostAppliedInFlight).toBeGreaterThan(0);
    expect(clean.metrics.total('transactions_aborted')).toBe(0);
    expect(failed.metrics.total('transactions_aborted')).toBe(2);
    expect(failed.restores).toBe(3);
    expect(failed.broker.groupOffset).toBe(raw.length);
    expect(latestOutputs(failed.broker.outputs)).toEqual(latestOutputs(clean.broker.outputs));
    const state = (broker: Broker) => restorePartitionState([...broker.changelog.values()], engine).engines.get(TENANT)?.snapshot();
    expect(state(failed.broker)).toEqual(state(clean.broker));
    expect(state(clean.broker)).toBeDefined();
    for (const { reports } of [clean, failed]) {
      expect(reports.length).toBeGreaterThan(10);
      expect(reports.filter(({ watermark, committed }) => committed === null || watermark > committed)).toEqual([]);
    }
  });
});

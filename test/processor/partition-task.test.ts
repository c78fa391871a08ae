import type { Batch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { AgentTimelinesError } from '../../src/errors/agent-timelines-error.ts';
import type { StoredRecord, ChangelogValue } from '../../src/processor/changelog-records.ts';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import type { ConsumedOffset, PartitionProducer } from '../../src/processor/partition-producer.ts';
import { restorePartitionState } from '../../src/processor/partition-state.ts';
import { PartitionTask } from '../../src/processor/partition-task.ts';
import type { PartitionTaskDeps } from '../../src/processor/partition-task-deps.ts';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import type { ProcessorMetrics } from '../../src/processor/processor-metrics.ts';
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
}

interface Run {
  readonly broker: Broker;
  readonly metrics: ProcessorMetrics;
  readonly restores: number;
  readonly reports: readonly { readonly watermark: number; readonly committed: number | null }[];
}

/**
 * Feeds the raw records to one task the way the kafkajs consumer does (batches from the resolved offset; a seek moves
 * the position), with a watermark after every {@link WATERMARK_EVERY} records. Every transaction takes a turn of the
 * event loop; the commits numbered in `failing` (1-based) fail then, as a broker or connection failure would.
 */
async function run(failing: ReadonlySet<number>, stateIntervalMs = 0): Promise<Run> {
  const broker: Broker = { outputs: [], changelog: new Map(), groupOffset: null };
  let attempts = 0;
  let restores = 0;
  /** Each watermark reported as committed, with the one the committed changelog holds at that moment. */
  const reports: { watermark: number; committed: number | null }[] = [];
  const openProducer = (): Promise<PartitionProducer> =>
    Promise.resolve({
      commit: async (records: readonly OutgoingRecord[], consumed: ConsumedOffset | null) => {
        const attempt = ++attempts;
        await new Promise((resolve) => setImmediate(resolve));
        if (failing.has(attempt)) throw new AgentTimelinesError('TRANSACTION_FAILED', `transaction ${attempt} failed (test)`);
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
  let decodes = 0;
  const metrics = createProcessorMetrics();
  const deps: PartitionTaskDeps = {
    openProducer,
    // no schema is ever loaded: the values reach the producer unencoded, as they were made
    serde: { encodeLoaded: () => null },
    decoder: {
      decode: (value) => Promise.resolve({ tenant: TENANT, record: JSON.parse(value!.toString('utf8')) as Record<string, unknown> }),
      // every other record without a promise, as the real decoder once a writer schema is known
      decodeIfKnown: (value) => (++decodes % 2 === 0 ? { tenant: TENANT, record: JSON.parse(value!.toString('utf8')) as Record<string, unknown> } : undefined),
    },
    adapter: sinchAgentStatusHistoryAdapter,
    topics,
    groupId: 'g',
    engine,
    // a wall clock a minute per record read on, so that the state commit comes due as the input goes on
    now: () => newest + 60_000 * (1 + position),
    reprocess: null,
    stateEntryMaxBytes: 8 * 1024 * 1024,
    commitIntervalMs: 0,
    stateIntervalMs,
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
      const restored = restorePartitionState([...broker.changelog.values()], engine);
      // the state's watermark, or a later one the journal holds (applied again at a restore)
      const journaled = (restored.journal?.steps ?? []).map((step) => step.watermark);
      const stateWatermark = restored.engines.get(TENANT)?.currentWatermark ?? null;
      const committed = journaled.length === 0 ? stateWatermark : Math.max(stateWatermark ?? -Infinity, ...journaled);
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
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (seekTo === null && broker.groupOffset === raw.length) break;
      continue;
    }
    const messages = raw.slice(position, position + BATCH).map((record, i) => ({ offset: String(position + i), key: Buffer.from(record['userId']!), value: Buffer.from(JSON.stringify(record)) }));
    const batch = { topic: topics.raw, partition: 0, highWatermark: String(raw.length), messages, firstOffset: () => messages[0]!.offset, lastOffset: () => messages[messages.length - 1]!.offset, fetchedOffset: String(position) };
    let resolved: number | null = null;
    await task.processBatch(batch as unknown as Batch, { isStale: () => false, heartbeat: () => Promise.resolve(), resolveOffset: (offset) => void (resolved = Number(offset)) });
    await new Promise((resolve) => setImmediate(resolve));
    if (resolved !== null) position = resolved + 1;
    // the processor ticks its tasks every PROCESSOR_TICK_MS, between batches too
    await task.tick();
  }
  await task.close();
  return { broker, metrics, restores, reports };
}

describe('PartitionTask', () => {
  it('reports only committed watermarks, and after transactions fail commits what an uninterrupted run commits', async () => {
    const clean = await run(new Set());
    const failed = await run(new Set([3, 7]));


    expect(clean.broker.groupOffset).toBe(raw.length);
    expect(clean.metrics.total('transactions_aborted')).toBe(0);
    expect(failed.metrics.total('transactions_aborted')).toBe(2);
    expect(failed.restores).toBe(3);
    expect(failed.broker.groupOffset).toBe(raw.length);
    // the input is re-read from the committed offset in the same batches, so the committed outputs are the same records
    expect(failed.broker.outputs.length).toBeGreaterThan(100);
    expect(failed.broker.outputs).toEqual(clean.broker.outputs);
    const state = (broker: Broker) => restorePartitionState([...broker.changelog.values()], engine).engines.get(TENANT)?.snapshot();
    expect(state(failed.broker)).toEqual(state(clean.broker));
    expect(state(clean.broker)).toBeDefined();
    for (const { reports } of [clean, failed]) {
      expect(reports.length).toBeGreaterThan(10);
      expect(reports.filter(({ watermark, committed }) => committed === null || watermark > committed)).toEqual([]);
    }
  });

  it('with the state committed every 200 minutes of its clock (200 records) and the input journal between, commits the outputs and final state of a run with the state in every transaction, whichever transactions fail', async () => {
    const clean = await run(new Set());
    const state = (broker: Broker) => restorePartitionState([...broker.changelog.values()], engine).engines.get(TENANT)?.snapshot();
    const transactions = clean.metrics.total('transactions_committed');
    let replayed = 0;
    for (const failing of [new Set<number>(), new Set([2]), new Set([3, 4]), new Set([5, 6, 7]), new Set([4, 11, 12, 20]), new Set([9, 10, 17, 30])]) {
      const journaled = await run(failing, 200 * 60_000);
      expect(journaled.metrics.total('transactions_aborted'), `failing ${[...failing].join()}`).toBe(failing.size);
      expect(journaled.broker.groupOffset).toBe(raw.length);
      expect(journaled.broker.outputs, `failing ${[...failing].join()}`).toEqual(clean.broker.outputs);
      // close() commits the state, so the changelog ends as the other run's does, without a journal, and in that state
      expect(state(journaled.broker), `failing ${[...failing].join()}`).toEqual(state(clean.broker));
      expect(restorePartitionState([...journaled.broker.changelog.values()], engine).journal).toBeNull();
      const stateCommits = journaled.metrics.total('state_commits');
      expect(stateCommits).toBeGreaterThan(2);
      expect(stateCommits).toBeLessThan(transactions / 3);
      if (failing.size === 0) expect(journaled.metrics.total('journal_records_replayed')).toBe(0);
      replayed += journaled.metrics.total('journal_records_replayed');
      expect(journaled.reports.filter(({ watermark, committed }) => committed === null || watermark > committed)).toEqual([]);
    }
    // some failures hit a transaction with a journal, so a restore applied its input again
    expect(replayed).toBeGreaterThan(0);
  });
});

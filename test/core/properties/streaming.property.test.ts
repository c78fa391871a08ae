/**
 * Property (e): the streaming TimelineEngine agrees with batch replay, and snapshot/restore is invisible.
 *
 * Records arrive in a bounded-disorder order (changeTimestamp order, some records delayed by up to the allowed
 * lateness; a few rows also arrive a second time as REPUBLISHED copies from a later poll — a greater vendorPoll —
 * before or after the original; the histories contain exact ties that only vendor positions order), with increasing watermarks interleaved (each = the largest changeTimestamp seen so far minus a random
 * slack, occasionally negative, so events regularly arrive with eventTime < watermark and windows get corrected). At random points the
 * engine is snapshotted → JSON.stringify → JSON.parse → TimelineEngine.restore and continues. Finally the watermark
 * is advanced far past the last event. Then:
 *   1. the latest 'window' emission per (user, window) equals replay(records, sinchAgentStatusHistoryAdapter, { until: finalWatermark })'s
 *      quarter-hour rows field by field (an all-zero latest emission = no row);
 *   2. the run with snapshots produced exactly the same emissions list (and rejections) as an uninterrupted run;
 *   3. per window the revisions strictly increase; once 'final' a window only changes via 'correction';
 *      'final' only once the watermark has passed end + allowedLateness; after the final watermark no window
 *      whose end + lateness is behind it is still provisional; the tenant is the configured one;
 *   4. stronger, separately: after EVERY advanceWatermark(W) the latest emission per window so far equals
 *      replay(records arrived so far, sinchAgentStatusHistoryAdapter, { until: W }) — provisional numbers and corrections included.
 * userName is compared everywhere: since spec §4 (amended) a row's name is "as of" the window end (the same event set
 * as maxChangeTimestamp), so a rename never changes a final window and streaming agrees with replay. The generated
 * histories rename users between sessions.
 *
 * Seed: fixed (support.ts PROPERTY_SEED, override with FC_SEED / FC_RUNS / FC_PATH).
 *
 * (f) Can it fail? Verified while developing: (i) dropping one random accepted record from the stream (but not
 * from the replay input) makes property 1 fail on the first run — automated below; (ii) comparing in property 4
 * against replay(arrived, sinchAgentStatusHistoryAdapter, { until: W + 1 }) instead of W fails on the first run (servingDuration off by 1 ms);
 * (iii) labelling every emitted window with the user's latest name (the pre-amendment rule) fails property 1 on renames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { breakdownMismatches } from '../../support/breakdown-checks.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { EngineConfig, EngineEmission, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { historyArb, QH } from '../generators/histories.ts';
import type { BuiltHistory } from '../generators/histories.ts';
import { assertRowsEqual, fcParams } from './support.ts';
import type { RowLike } from './support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

type Op = { kind: 'record'; record: unknown } | { kind: 'watermark'; at: number } | { kind: 'snapshot' };

interface StreamCase {
  history: BuiltHistory;
  allowedLatenessMs: number;
  /** A short idle limit (sessions end in the generated gaps), or the default. */
  sessionMaxIdleMs: number | undefined;
  delays: number[];
  advances: (number | null)[];
  snapshots: boolean[];
  /** Rows published again by a later poll: the original's index and the copy's arrival shift (ms). */
  republished: { index: number; shift: number }[];
  dropOne: number | null;
}

const caseArb: fc.Arbitrary<StreamCase> = fc
  .record({
    history: historyArb({ maxAgents: 3, maxSessions: 2, endWeight: 9 }),
    allowedLatenessMs: fc.constantFrom(0, 1_000, 30_000, 120_000),
    sessionMaxIdleMs: fc.constantFrom(undefined, undefined, 30_000, 90_000),
  })
  .chain(({ history, allowedLatenessMs, sessionMaxIdleMs }) => {
    const n = history.records.length;
    return fc.record({
      history: fc.constant(history),
      allowedLatenessMs: fc.constant(allowedLatenessMs),
      sessionMaxIdleMs: fc.constant(sessionMaxIdleMs),
      // bounded disorder: most records in changeTimestamp order, some delayed by up to the allowed lateness
      delays: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: Math.max(allowedLatenessMs, 500) }), weight: 1 }), { minLength: n, maxLength: n }),
      // after each arrival, maybe advance the watermark to (max changeTimestamp seen − slack); a negative slack
      // (up to 5 min) jumps ahead of the data, so many later records arrive late and final windows get corrected
      advances: fc.array(
        fc.option(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 60_000 }), weight: 4 }, { arbitrary: fc.integer({ min: -300_000, max: 0 }), weight: 1 }), { freq: 2 }),
        { minLength: n, maxLength: n },
      ),
      snapshots: fc.array(fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }), { minLength: n, maxLength: n }),
      republished: fc.array(fc.record({ index: fc.nat({ max: Math.max(0, n - 1) }), shift: fc.integer({ min: -60_000, max: 60_000 }) }), { maxLength: 3 }),
      dropOne: fc.constant(null),
    });
  });

function parseCt(history: BuiltHistory, index: number): number | undefined {
  return history.built[index]?.changeTimestamp;
}

/** Builds the operation list: arrivals in bounded-disorder order, watermarks, snapshot points; returns final watermark. */
function operations(c: StreamCase): { ops: Op[]; finalWatermark: number } {
  const { history } = c;
  const lastPoll = Math.max(-1, ...history.records.map((r) => Number((r as Record<string, unknown> | null)?.['vendorPoll'] ?? -1)));
  const copies = c.republished.flatMap(({ index, shift }, k) => {
    const record = history.records[index];
    if (typeof record !== 'object' || record === null || !('vendorPoll' in record)) return [];
    return [{ record: { ...record, vendorPoll: lastPoll + 1, vendorRow: k } as unknown, i: index, key: (parseCt(history, index) ?? history.maxEventTime) + shift }];
  });
  const arrivals = history.records
    .map((record, i) => ({ record, i, key: (parseCt(history, i) ?? history.maxEventTime) + (c.delays[i] ?? 0) }))
    .filter((a) => a.i !== c.dropOne)
    .concat(copies)
    .sort((a, b) => a.key - b.key || a.i - b.i);
  const ops: Op[] = [];
  let maxCtSeen = -Infinity;
  let watermark = -Infinity;
  arrivals.forEach((a, position) => {
    ops.push({ kind: 'record', record: a.record });
    maxCtSeen = Math.max(maxCtSeen, parseCt(history, a.i) ?? -Infinity);
    const slack = c.advances[position];
    if (slack !== null && slack !== undefined && Number.isFinite(maxCtSeen) && maxCtSeen - slack > watermark) {
      watermark = maxCtSeen - slack;
      ops.push({ kind: 'watermark', at: watermark });
    }
    if (c.snapshots[position] === true) ops.push({ kind: 'snapshot' });
  });
  const finalWatermark = Math.ceil(history.maxEventTime / QH) * QH + QH + c.allowedLatenessMs + 1;
  ops.push({ kind: 'watermark', at: Math.max(finalWatermark, watermark) });
  return { ops, finalWatermark: Math.max(finalWatermark, watermark) };
}

interface RunResult {
  emissions: EngineEmission[];
  /** watermark at which each emission was produced (parallel to emissions) */
  emittedAt: number[];
  rejections: (string | null)[];
  rejected: Record<string, number>;
  /** The engine's snapshot after the last operation, as JSON. */
  finalState: string;
}

function run(ops: readonly Op[], config: EngineConfig, withSnapshots: boolean): RunResult {
  let engine = new TimelineEngine(config);
  const emissions: EngineEmission[] = [];
  const emittedAt: number[] = [];
  const rejections: (string | null)[] = [];
  for (const op of ops) {
    if (op.kind === 'record') rejections.push(engine.ingestRecord(op.record, sinchAgentStatusHistoryAdapter));
    else if (op.kind === 'watermark') {
      for (const e of engine.advanceWatermark(op.at)) {
        emissions.push(e);
        emittedAt.push(op.at);
      }
    } else if (withSnapshots) {
      const restored: unknown = JSON.parse(JSON.stringify(engine.snapshot()));
      engine = TimelineEngine.restore(restored as ReturnType<TimelineEngine['snapshot']>, config);
    }
  }
  return { emissions, emittedAt, rejections, rejected: { ...engine.rejected }, finalState: JSON.stringify(engine.snapshot()) };
}

function isZero(w: QuarterHourEmission): boolean {
  return METRIC_FIELDS.every((f) => w.metrics[f] === 0 || w.metrics[f] === null);
}

function windowRows(emissions: readonly EngineEmission[]): RowLike[] {
  const latest = new Map<string, QuarterHourEmission>();
  for (const e of emissions) if (e.type === 'window') latest.set(`${e.window.userId}|${e.window.intervalStart}`, e.window);
  const rows: RowLike[] = [];
  for (const w of latest.values()) {
    if (isZero(w)) continue;
    rows.push({
      userId: w.userId,
      userName: w.userName,
      timeCategory: new Date(w.intervalStart).toISOString(),
      intervalStart: new Date(w.intervalStart).toISOString(),
      intervalEnd: new Date(w.intervalEnd).toISOString(),
      maxChangeTimestamp: new Date(w.maxChangeTimestamp).toISOString(),
      ...w.metrics,
    });
  }
  return rows.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.intervalStart < b.intervalStart ? -1 : a.intervalStart > b.intervalStart ? 1 : 0));
}

function assertRevisionDiscipline(result: RunResult, config: EngineConfig, finalWatermark: number): void {
  const history = new Map<string, { revision: number; status: string; at: number; end: number }[]>();
  result.emissions.forEach((e, i) => {
    if (e.type !== 'window') return;
    if (e.window.tenant !== config.tenant) throw new Error(`tenant ${e.window.tenant}`);
    if (e.window.intervalEnd - e.window.intervalStart !== QH || e.window.intervalStart % QH !== 0) throw new Error('window not a quarter-hour');
    const key = `${e.window.userId}|${e.window.intervalStart}`;
    const list = history.get(key) ?? [];
    list.push({ revision: e.window.revision, status: e.window.status, at: result.emittedAt[i] ?? NaN, end: e.window.intervalEnd });
    history.set(key, list);
  });
  for (const [key, list] of history) {
    let finalSeen = false;
    let previous = -Infinity;
    for (const item of list) {
      if (!(item.revision > previous)) throw new Error(`${key}: revision ${item.revision} after ${previous}`);
      previous = item.revision;
      if (finalSeen && item.status !== 'correction') throw new Error(`${key}: status ${item.status} after final`);
      if (item.status === 'final' || item.status === 'correction') {
        if (item.at < item.end + config.allowedLatenessMs) throw new Error(`${key}: ${item.status} at watermark ${item.at} < end + lateness ${item.end + config.allowedLatenessMs}`);
      }
      if (item.status === 'correction' && !finalSeen) throw new Error(`${key}: correction before final`);
      if (item.status === 'final') finalSeen = true;
    }
    const last = list.at(-1);
    if (last !== undefined && last.end + config.allowedLatenessMs <= finalWatermark && last.status === 'provisional') {
      throw new Error(`${key}: still provisional after the final watermark`);
    }
  }
}

function idleOf(c: StreamCase): { sessionMaxIdleMs?: number } {
  return c.sessionMaxIdleMs === undefined ? {} : { sessionMaxIdleMs: c.sessionMaxIdleMs };
}

function configOf(c: StreamCase, correctionHorizonMs: number): EngineConfig {
  return { allowedLatenessMs: c.allowedLatenessMs, correctionHorizonMs, tenant: 'tenant-a', ...idleOf(c) };
}

/** Emission rows vs replay rows, userName included. */
function check(c: StreamCase): void {
  const config = configOf(c, 24 * 3_600_000);
  const { ops, finalWatermark } = operations(c);
  const plain = run(ops, config, false);
  const restored = run(ops, config, true);
  // 2. snapshots are invisible
  expect(JSON.stringify(restored.emissions)).toBe(JSON.stringify(plain.emissions));
  expect(restored.rejections).toEqual(plain.rejections);
  expect(restored.rejected).toEqual(plain.rejected);
  expect(restored.finalState, 'the final state of the restored engine').toBe(plain.finalState);
  // 1. the latest emission per window equals batch replay at the final watermark
  const expected = replay(c.history.records, sinchAgentStatusHistoryAdapter, { until: finalWatermark, ...idleOf(c) }).rows;
  const actual = windowRows(plain.emissions);
  assertRowsEqual(actual, expected, `stream vs replay(until ${new Date(finalWatermark).toISOString()}, sinchAgentStatusHistoryAdapter)`);
  // 1b. and its agentHistory breakdown equals the replay's, part by part
  const latest = new Map<string, QuarterHourEmission>();
  for (const e of plain.emissions) if (e.type === 'window') latest.set(`${e.window.userId}|${new Date(e.window.intervalStart).toISOString()}`, e.window);
  for (const row of replay(c.history.records, sinchAgentStatusHistoryAdapter, { until: finalWatermark, ...idleOf(c), breakdown: true }).rows) {
    expect(latest.get(`${row.userId}|${row.intervalStart}`)?.breakdown, `breakdown of ${row.userId} ${row.intervalStart}`).toEqual(row.breakdown);
  }
  expect(breakdownMismatches(plain.emissions)).toEqual([]);
  // 3. revision discipline
  assertRevisionDiscipline(plain, config, finalWatermark);
}

/**
 * 4. Stronger: after EVERY advanceWatermark(W), the latest emission per window so far equals
 *    replay(records arrived so far, sinchAgentStatusHistoryAdapter, { until: W }) — provisional numbers and userName included.
 */
function checkEveryWatermark(c: StreamCase): void {
  const config = configOf(c, 24 * 3_600_000);
  const { ops } = operations(c);
  const engine = new TimelineEngine(config);
  const arrived: unknown[] = [];
  const emissions: EngineEmission[] = [];
  for (const op of ops) {
    if (op.kind === 'record') {
      arrived.push(op.record);
      engine.ingestRecord(op.record, sinchAgentStatusHistoryAdapter);
    } else if (op.kind === 'watermark') {
      emissions.push(...engine.advanceWatermark(op.at));
      const expected = replay(arrived, sinchAgentStatusHistoryAdapter, { until: op.at, ...idleOf(c) }).rows;
      const actual = windowRows(emissions);
      assertRowsEqual(actual, expected, `after advanceWatermark(${new Date(op.at).toISOString()}) with ${arrived.length} records`);
    }
  }
}

/**
 * 5. A short correction horizon (1 min): old windows can no longer be corrected and records behind the horizon are
 *    rejected `too-late`. The latest emissions still equal replay of the records the engine did not reject as too
 *    late — userName included, although the generated users are renamed between sessions (spec §4: "as of").
 */
function checkShortHorizon(c: StreamCase): void {
  const config = configOf(c, 60_000);
  const { ops, finalWatermark } = operations(c);
  const engine = new TimelineEngine(config);
  const kept: unknown[] = [];
  const emissions: EngineEmission[] = [];
  for (const op of ops) {
    if (op.kind === 'record') {
      if (engine.ingestRecord(op.record, sinchAgentStatusHistoryAdapter) !== 'too-late') kept.push(op.record);
    } else if (op.kind === 'watermark') emissions.push(...engine.advanceWatermark(op.at));
  }
  assertRowsEqual(windowRows(emissions), replay(kept, sinchAgentStatusHistoryAdapter, { until: finalWatermark, ...idleOf(c) }).rows, 'short horizon: stream vs replay(kept, sinchAgentStatusHistoryAdapter)');
}

describe('property: streaming engine = batch replay; snapshot/restore is invisible', () => {
  it('after every watermark, the latest emissions equal replay of the records so far', () => {
    fc.assert(fc.property(caseArb, (c) => checkEveryWatermark(c)), fcParams(400));
  }, 120_000);

  it('bounded-disorder arrivals, interleaved watermarks, snapshots at random points', () => {
    fc.assert(fc.property(caseArb, (c) => check(c)), fcParams(400));
  }, 120_000);

  // A short correction horizon: windows older than it can never be re-emitted, so a later rename must not change them.
  it('with a short correction horizon, the name of every emitted window is final (user renamed between sessions)', () => {
    fc.assert(fc.property(caseArb, (c) => checkShortHorizon(c)), fcParams(100));
  }, 120_000);

  // Deterministic edge found by property 4 (FC_SEED=11): a status change exactly AT the watermark ms. Batch replay
  // (and the oracle) take the state at ms W from events with eventTime <= W, so the Talking run has ended and is
  // counted; the streaming engine at the same watermark does not count it yet (it does one ms later).
  it('a run ended by a change exactly at the watermark is counted as replay counts it', () => {
    const rec = (status: string, at: string, user?: string): Record<string, unknown> => ({ sessionId: 'S'.repeat(32), userId: 'U'.repeat(32), userName: 'N', status, statusTimestamp: at, ...(user === undefined ? {} : { userStatus: user, userStatusTimestamp: at }), changeTimestamp: at });
    const records = [rec('Talking_Inbound', '2024-01-01 00:06:00.000', 'Ready'), rec('Wrap', '2024-01-01 00:06:30.000')];
    const watermark = Date.parse('2024-01-01T00:06:30.000Z');
    const engine = new TimelineEngine({ allowedLatenessMs: 30_000, correctionHorizonMs: 86_400_000, tenant: 't' });
    for (const r of records) expect(engine.ingestRecord(r, sinchAgentStatusHistoryAdapter)).toBeNull();
    const streamed = windowRows(engine.advanceWatermark(watermark)).map((r) => [r.callInDuration, r.countOfHandledCallIn]);
    const batch = replay(records, sinchAgentStatusHistoryAdapter, { until: watermark }).rows.map((r) => [r.callInDuration, r.countOfHandledCallIn]);
    expect(batch).toEqual([[30_000, 1]]);
    expect(streamed).toEqual(batch);
  });

  it('detects a record missing from the stream (the property can fail)', () => {
    const result = fc.check(
      fc.property(caseArb, fc.nat(), (c, drop) => {
        const accepted = c.history.built.flatMap((b, i) => (b.junk === undefined && !b.afterEnd ? [i] : []));
        check({ ...c, dropOne: accepted[drop % Math.max(accepted.length, 1)] ?? null });
      }),
      { ...fcParams(40), endOnFailure: true },
    );
    expect(result.failed).toBe(true);
  }, 60_000);
});

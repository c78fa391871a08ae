import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import { compareEvents, createAgentEvent, isSameChange } from '../../../src/core/events/agent-event.ts';
import { userStatusCode } from '../../../src/core/events/status.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { known } from '../../support/known-metrics.ts';

/**
 * Exact ties: two rows of one session with the same event time AND the same changeTimestamp (the simulator writes
 * "Ready, then Pause" at one millisecond when a break starts right after a not-ready period). The vendor's row order
 * decides (vendorPoll, then vendorRow), never the status names, and never the order records arrive in.
 */
const T = Date.UTC(2024, 2, 4, 9);
const MIN = 60_000;
const sinch = (ms: number): string => new Date(T + ms).toISOString().replace('T', ' ').replace('Z', '');

type Row = Record<string, unknown>;
const base = { sessionId: 'S1', userId: 'U1', userName: 'Agent' };
function userRow(value: string, at: number, changeAt: number, poll: number | null, row: number | null, profile = 'Office'): Row {
  const position = poll === null || row === null ? {} : { vendorPoll: poll, vendorRow: row };
  return { ...base, profile, userStatus: value, userStatusTimeStamp: sinch(at), changeTimeStamp: sinch(changeAt), ...position };
}
function statusRow(value: string, at: number, poll: number, row: number): Row {
  return { ...base, status: value, statusTimestamp: sinch(at), changeTimeStamp: sinch(at), vendorPoll: poll, vendorRow: row };
}

/** Sign on Ready/Waiting at 0; at 2 min the agent goes Ready (Office) and, in the same ms and changeTimestamp, Pause (Coffee); logout at 15 min. */
function history(readyFirst: boolean): Row[] {
  const ready = userRow('Ready', 2 * MIN, 2 * MIN + 500, 7, readyFirst ? 3 : 4);
  const pause = userRow('Pause', 2 * MIN, 2 * MIN + 500, 7, readyFirst ? 4 : 3, 'Coffee');
  return [
    { ...statusRow('Waiting', 0, 7, 0), userStatus: 'Ready', userStatusTimeStamp: sinch(0) },
    userRow('NotReady', MIN, MIN, 7, 1),
    ready,
    pause,
    statusRow('LoggedOut', 15 * MIN, 7, 9),
  ];
}

function streamed(records: readonly Row[]): QuarterHourEmission[] {
  const engine = new TimelineEngine({ allowedLatenessMs: MIN, correctionHorizonMs: 60 * MIN, tenant: 't' });
  const latest = new Map<number, QuarterHourEmission>();
  records.forEach((record, i) => {
    expect(engine.ingestRecord(record, sinchAgentStatusHistoryAdapter)).toBeNull();
    if (i % 2 === 1) for (const e of engine.advanceWatermark(T + 16 * MIN + i)) if (e.type === 'window') latest.set(e.window.intervalStart, e.window);
  });
  for (const e of engine.advanceWatermark(T + 60 * MIN)) if (e.type === 'window') latest.set(e.window.intervalStart, e.window);
  return [...latest.values()];
}

const permutations = (n: number): number[][] =>
  n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));

describe('exact ties follow the vendor row order', () => {
  it('compareEvents orders an exact tie by vendorPoll, then vendorRow, before kind and value; unknown positions first', () => {
    const ev = (value: string, poll?: number, row?: number): AgentEvent =>
      createAgentEvent({ sessionId: 'S', userId: 'U', userName: 'n', eventTime: 1, changeTime: 2, kind: 'userStatus', value: value as AgentEvent['value'], code: userStatusCode(value) ?? 0 }, { vendorPoll: poll, vendorRow: row });
    const sorted = [ev('Ready', 5, 0), ev('Pause', 4, 9), ev('NotReady', 5, 1), ev('Ready'), ev('Pause')].sort(compareEvents);
    expect(sorted.map((e) => [e.value, e.vendorPoll ?? null, e.vendorRow ?? null])).toEqual([
      ['Pause', null, null],
      ['Ready', null, null],
      ['Pause', 4, 9],
      ['Ready', 5, 0],
      ['NotReady', 5, 1],
    ]);
    expect(isSameChange(ev('Ready', 1, 1), ev('Ready', 9, 9))).toBe(true);
  });

  it('replay: "Ready, then Pause" in one ms is 13 minutes of Pause; listed the other way round, of Ready', () => {
    const pauseLast = replay(history(true), sinchAgentStatusHistoryAdapter).rows[0];
    expect(pauseLast).toMatchObject({ readyDuration: MIN, notReadyDuration: MIN, pauseDuration: 13 * MIN, servingDuration: 15 * MIN });
    const readyLast = replay(history(false), sinchAgentStatusHistoryAdapter).rows[0];
    expect(readyLast).toMatchObject({ readyDuration: 14 * MIN, notReadyDuration: MIN, pauseDuration: 0, servingDuration: 15 * MIN });
  });

  it('without vendor positions an exact tie falls back to kind and value (Pause < Ready)', () => {
    const unplaced = history(true).map(({ vendorPoll: _p, vendorRow: _r, ...rest }) => rest);
    expect(replay(unplaced, sinchAgentStatusHistoryAdapter).rows[0]).toMatchObject({ readyDuration: 14 * MIN, pauseDuration: 0 });
  });

  it('replay and the streaming engine give the same result for every arrival order', () => {
    const records = history(true);
    const expected = replay(records, sinchAgentStatusHistoryAdapter).rows[0];
    for (const order of permutations(records.length)) {
      const shuffled = order.map((i) => records[i] as Row);
      expect(replay(shuffled, sinchAgentStatusHistoryAdapter).rows[0]).toEqual(expected);
      const windows = streamed(shuffled).filter((w) => known(w.metrics).servingDuration > 0);
      expect(windows.map((w) => w.intervalStart)).toEqual([T]);
      expect(windows[0]?.metrics).toMatchObject({ pauseDuration: 13 * MIN, readyDuration: MIN, notReadyDuration: MIN });
    }
  });

  it('a copy of a row published again later (a higher vendorPoll) counts once, where the vendor first listed it', () => {
    const records = history(true);
    const ready = records[2] as Row;
    const copy = { ...ready, vendorPoll: 8, vendorRow: 0 };
    const withCopy = [...records, copy];
    expect(replay(withCopy, sinchAgentStatusHistoryAdapter).rows[0]).toMatchObject({ pauseDuration: 13 * MIN, readyDuration: MIN });
    expect(replay(withCopy, sinchAgentStatusHistoryAdapter).duplicates).toBe(1);
    for (const order of permutations(withCopy.length)) {
      const windows = streamed(order.map((i) => withCopy[i] as Row)).filter((w) => known(w.metrics).servingDuration > 0);
      expect(windows.map((w) => w.intervalStart)).toEqual([T]);
      expect(windows[0]?.metrics).toMatchObject({ pauseDuration: 13 * MIN, readyDuration: MIN });
    }
  });

  it('an end listed before a tied status change cuts it off; listed after it, the change is applied first', () => {
    const tiedEnd = (endRow: number): Row[] => [
      { ...statusRow('Waiting', 0, 1, 0), userStatus: 'Ready', userStatusTimeStamp: sinch(0) },
      userRow('Pause', 10 * MIN, 10 * MIN, 1, 2, 'Coffee'),
      { ...statusRow('LoggedOut', 10 * MIN, 1, endRow) },
    ];
    expect(replay(tiedEnd(1), sinchAgentStatusHistoryAdapter).rejected).toEqual({ 'after-session-end': 1 });
    expect(replay(tiedEnd(3), sinchAgentStatusHistoryAdapter).rejected).toEqual({});
    expect(replay(tiedEnd(1), sinchAgentStatusHistoryAdapter).rows[0]).toMatchObject({ servingDuration: 10 * MIN, readyDuration: 10 * MIN });
  });
});

/**
 * Spec §4 (amended): a quarter-hour's userName is "as of" the window end — the name of the user's accepted
 * event with the greatest changeTimestamp among those with eventTime < window end. A rename therefore never
 * changes a final window, and streaming agrees with replay even beyond the correction horizon.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const T = Date.UTC(2024, 0, 1, 9);
const MIN = 60_000;
const sinch = (ms: number): string => new Date(T + ms).toISOString().replace('T', ' ').replace('Z', '');

function rec(sessionId: string, userName: string, value: string, at: number, changeAt = at): Record<string, string> {
  if (value === 'Ready') return { sessionId, userId: 'U1', userName, userStatus: value, userStatusTimeStamp: sinch(at), changeTimeStamp: sinch(changeAt) };
  return { sessionId, userId: 'U1', userName, status: value, statusTimestamp: sinch(at), changeTimeStamp: sinch(changeAt) };
}
const windows = (out: EngineEmission[]) => out.flatMap((e) => (e.type === 'window' ? [e.window] : []));

// Session S1 as "Old" in 09:00–09:15, then (after the first window is final and beyond the horizon) S2 as "New".
const first = [rec('S1', 'Old', 'Ready', 0), rec('S1', 'Old', 'Waiting', 0), rec('S1', 'Old', 'LoggedOut', 10 * MIN)];
const second = [rec('S2', 'New', 'Ready', 60 * MIN), rec('S2', 'New', 'Waiting', 60 * MIN), rec('S2', 'New', 'LoggedOut', 70 * MIN)];

describe('userName per window (as of the window end)', () => {
  it('a rename across a final window re-emits nothing and equals replay', () => {
    const engine = new TimelineEngine({ allowedLatenessMs: MIN, correctionHorizonMs: 5 * MIN, tenant: 't' });
    for (const r of first) expect(engine.ingestRecord(r, sinchAgentStatusHistoryAdapter)).toBeNull();
    const early = windows(engine.advanceWatermark(T + 30 * MIN));
    expect(early.map((w) => [w.intervalStart - T, w.status, w.userName])).toEqual([[0, 'final', 'Old']]);
    for (const r of second) expect(engine.ingestRecord(r, sinchAgentStatusHistoryAdapter)).toBeNull();
    const late = windows(engine.advanceWatermark(T + 120 * MIN));
    // the 09:00 window is final and its name as of 09:15 is still "Old": not re-emitted
    expect(late.map((w) => [w.intervalStart - T, w.status, w.userName])).toEqual([[60 * MIN, 'final', 'New']]);
    const all = [...first, ...second];
    const rows = replay(all, sinchAgentStatusHistoryAdapter, { until: T + 120 * MIN }).rows;
    expect(rows.map((r) => [r.intervalStart, r.userName])).toEqual([
      [new Date(T).toISOString(), 'Old'],
      [new Date(T + 60 * MIN).toISOString(), 'New'],
    ]);
    // a roll-up takes the name of its quarter-hour with the greatest maxChangeTimestamp
    expect(replay(all, sinchAgentStatusHistoryAdapter, { until: T + 120 * MIN, timeCategory: 'day' }).rows.map((r) => r.userName)).toEqual(['New']);
    expect(replay(all, sinchAgentStatusHistoryAdapter, { until: T + 120 * MIN, timeCategory: 'hour' }).rows.map((r) => r.userName)).toEqual(['Old', 'New']);
  });

  it('a late record with eventTime inside the window and a newer name corrects the window, segment names follow', () => {
    const engine = new TimelineEngine({ allowedLatenessMs: MIN, correctionHorizonMs: 60 * MIN, tenant: 't' });
    for (const r of first) engine.ingestRecord(r, sinchAgentStatusHistoryAdapter);
    const out = engine.advanceWatermark(T + 20 * MIN);
    expect(out.flatMap((e) => (e.type === 'segment' ? [e.segment.userName] : []))).toEqual(['Old']);
    // OBJoin changes no metric; its record renames the user as of 09:05 with a newer changeTimestamp
    expect(engine.ingestRecord(rec('S1', 'Renamed', 'OBJoin', 5 * MIN, 25 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    const corrected = windows(engine.advanceWatermark(T + 26 * MIN));
    expect(corrected.map((w) => [w.status, w.revision, w.userName])).toEqual([['correction', 2, 'Renamed']]);
  });

  it('ties on changeTimestamp take the greatest name; empty names are ignored', () => {
    const records = [
      rec('S1', 'Bravo', 'Ready', 0, MIN),
      rec('S1', 'Alpha', 'Waiting', 0, MIN),
      rec('S1', '', 'Wrap', 2 * MIN, 3 * MIN),
      rec('S1', 'Zulu', 'LoggedOut', 20 * MIN),
    ];
    for (const order of [records, [...records].reverse()]) {
      expect(replay(order, sinchAgentStatusHistoryAdapter, { until: T + 30 * MIN }).rows.map((r) => r.userName)).toEqual(['Bravo', 'Zulu']);
    }
  });
});

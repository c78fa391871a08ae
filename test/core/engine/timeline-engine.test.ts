import { describe, expect, it } from 'vitest';
import type { EngineEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const T = Date.UTC(2024, 0, 1, 9);
const sinch = (ms: number): string => new Date(T + ms).toISOString().replace('T', ' ').replace('Z', '');
const MIN = 60_000;

function status(sessionId: string, value: string, at: number, changeAt = at): Record<string, string> {
  return { sessionId, userId: 'U1', userName: 'Agent', status: value, statusTimestamp: sinch(at), changeTimeStamp: sinch(changeAt) };
}
function user(sessionId: string, value: string, at: number, profile?: string): Record<string, string> {
  return { sessionId, userId: 'U1', userName: 'Agent', userStatus: value, userStatusTimeStamp: sinch(at), changeTimeStamp: sinch(at), ...(profile === undefined ? {} : { profile }) };
}
const windows = (out: EngineEmission[]) => out.flatMap((e) => (e.type === 'window' ? [e.window] : []));

describe('TimelineEngine', () => {
  it('emits provisional, then final once, then corrections for late changes', () => {
    const engine = new TimelineEngine({ allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN, tenant: 't' });
    expect(engine.ingestRecord(user('S1', 'Ready', 0), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.ingestRecord(status('S1', 'Waiting', 0), sinchAgentStatusHistoryAdapter)).toBeNull();
    const first = windows(engine.advanceWatermark(T + 5 * MIN));
    expect(first.map((w) => [w.status, w.revision, w.metrics.servingDuration])).toEqual([['provisional', 1, 5 * MIN]]);
    expect(windows(engine.advanceWatermark(T + 5 * MIN))).toEqual([]);
    expect(windows(engine.advanceWatermark(T + 4 * MIN))).toEqual([]);
    const atEnd = windows(engine.advanceWatermark(T + 17 * MIN));
    expect(atEnd.map((w) => [w.intervalStart - T, w.status, w.revision])).toEqual([
      [0, 'final', 2],
      [15 * MIN, 'provisional', 1],
    ]);
    expect(engine.ingestRecord(status('S1', 'Talking_Inbound', 10 * MIN, 18 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    const corrected = windows(engine.advanceWatermark(T + 18 * MIN));
    expect(corrected[0]).toMatchObject({ status: 'correction', revision: 3 });
    expect(corrected[0]?.metrics.callInDuration).toBe(5 * MIN);
    expect(corrected[0]?.maxChangeTimestamp).toBe(T + 18 * MIN);
  });

  it('rejects records older than watermark − lateness − horizon as too-late, and events after the session end', () => {
    const engine = new TimelineEngine({ allowedLatenessMs: MIN, correctionHorizonMs: 10 * MIN, tenant: 't' });
    engine.ingestRecord(user('S1', 'Ready', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'LoggedOut', 30 * MIN), sinchAgentStatusHistoryAdapter);
    engine.advanceWatermark(T + 60 * MIN);
    expect(engine.ingestRecord(status('S1', 'Waiting', 40 * MIN), sinchAgentStatusHistoryAdapter)).toBe('too-late');
    expect(engine.ingestRecord(status('S2', 'Waiting', 100 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.ingestRecord(status('S2', 'LoggedOut', 110 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.ingestRecord(status('S2', 'Wrap', 120 * MIN), sinchAgentStatusHistoryAdapter)).toBe('after-session-end');
    expect(engine.ingestRecord({ nope: true }, sinchAgentStatusHistoryAdapter)).toBe('missing-sessionId');
    expect(engine.rejected).toEqual({ 'too-late': 1, 'after-session-end': 1, 'missing-sessionId': 1 });
  });

  it('emits closed final segments and current-state changes', () => {
    const engine = new TimelineEngine({ allowedLatenessMs: MIN, correctionHorizonMs: 10 * MIN, tenant: 't' });
    engine.ingestRecord(user('S1', 'Ready', 0, 'Office'), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'Waiting', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord({ ...status('S1', 'OBJoin', 1 * MIN), OutboundServing: 'C1' }, sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'Dialing_Outbound_Campaign', 2 * MIN), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'Wrap', 3 * MIN), sinchAgentStatusHistoryAdapter);
    const out = engine.advanceWatermark(T + 5 * MIN);
    const segments = out.flatMap((e) => (e.type === 'segment' ? [e.segment] : []));
    expect(segments.map((s) => [s.start - T, s.end - T, s.userStatus, s.handlingStatus, s.profile, s.campaignId ?? null])).toEqual([
      [0, 2 * MIN, 'Ready', 'Waiting', 'Office', null],
      [2 * MIN, 3 * MIN, 'Ready', 'Dialing_Outbound_Campaign', 'Office', 'C1'],
    ]);
    const states = out.flatMap((e) => (e.type === 'agentState' ? [e.state] : []));
    expect(states).toEqual([
      {
        tenant: 't', source: 'sinch-rai', userId: 'U1', userName: 'Agent', sessionId: 'S1', loggedIn: true, userStatus: 'Ready', handlingStatus: 'Wrap',
        profile: 'Office', campaignId: 'C1', userStatusSince: T, handlingStatusSince: T + 3 * MIN, asOf: T + 5 * MIN,
      },
    ]);
    expect(engine.advanceWatermark(T + 6 * MIN).filter((e) => e.type === 'agentState')).toEqual([]);
    engine.ingestRecord(status('S1', 'LoggedOut', 7 * MIN), sinchAgentStatusHistoryAdapter);
    const end = engine.advanceWatermark(T + 8 * MIN).flatMap((e) => (e.type === 'agentState' ? [e.state] : []));
    expect(end).toMatchObject([{ loggedIn: false, userStatus: 'LoggedOut', handlingStatus: 'LoggedOut', userStatusSince: T + 7 * MIN }]);
  });

  it('evicts ended sessions and keeps the snapshot small', () => {
    const engine = new TimelineEngine({ allowedLatenessMs: MIN, correctionHorizonMs: 5 * MIN, tenant: 't' });
    for (let s = 0; s < 50; s++) {
      const base = s * 60 * MIN;
      engine.ingestRecord(user(`S${s}`, 'Ready', base), sinchAgentStatusHistoryAdapter);
      engine.ingestRecord(status(`S${s}`, 'Waiting', base), sinchAgentStatusHistoryAdapter);
      engine.ingestRecord(status(`S${s}`, 'LoggedOut', base + 30 * MIN), sinchAgentStatusHistoryAdapter);
      engine.advanceWatermark(T + base + 59 * MIN);
    }
    const snapshot = engine.snapshot();
    expect(snapshot.sessions.length).toBeLessThanOrEqual(1);
    expect(snapshot.users[0]?.windows.length ?? 0).toBeLessThanOrEqual(1);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

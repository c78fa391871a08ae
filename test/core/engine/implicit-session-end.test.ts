import { describe, expect, it } from 'vitest';
import type { EngineEmission, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { known, knownRows } from '../../support/known-metrics.ts';

/*
 * Review §11: a lost LoggedOut row must not leave a session open forever. A newer session of the same user ends
 * the older one at its first event; a session with no event for sessionMaxIdleMs ends that long after its last
 * event; a real LoggedOut that arrives later corrects the windows; implicitly ended sessions are evicted.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const QH = 15 * MIN;
const T = Date.UTC(2026, 10, 2, 9);
const iso = (ms: number): string => new Date(T + ms).toISOString();

function login(sessionId: string, at: number, userId = 'U1'): Record<string, string> {
  return { sessionId, userId, userName: 'Agent', userStatus: 'Ready', userStatusTimestamp: iso(at), status: 'Waiting', statusTimestamp: iso(at), changeTimestamp: iso(at) };
}
function status(sessionId: string, value: string, at: number, changeAt = at, userId = 'U1'): Record<string, string> {
  return { sessionId, userId, userName: 'Agent', status: value, statusTimestamp: iso(at), changeTimestamp: iso(changeAt) };
}

const config = { allowedLatenessMs: 2 * MIN, correctionHorizonMs: HOUR, tenant: 't' };

/** The latest emission per (user, window start − T). */
function latest(emissions: readonly EngineEmission[]): Map<string, QuarterHourEmission> {
  const out = new Map<string, QuarterHourEmission>();
  for (const e of emissions) if (e.type === 'window') out.set(`${e.window.userId}@${(e.window.intervalStart - T) / MIN}`, e.window);
  return out;
}
const sessionIds = (engine: TimelineEngine) => engine.snapshot().sessions.map((s) => s.sessionId).sort();

describe('implicit session ends', () => {
  it('a newer session of the same user ends the older one whose LoggedOut was lost; serving stays ≤ 900000 per quarter-hour and the old session is evicted', () => {
    const engine = new TimelineEngine(config);
    const emissions: EngineEmission[] = [];
    engine.ingestRecord(login('S1', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'Talking_Inbound', 5 * MIN), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'Waiting', 8 * MIN), sinchAgentStatusHistoryAdapter);
    // S1's LoggedOut is lost; the agent signs on again at 09:20 and works until 09:50
    engine.ingestRecord(login('S2', 20 * MIN), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S2', 'LoggedOut', 50 * MIN), sinchAgentStatusHistoryAdapter);
    emissions.push(...engine.advanceWatermark(T + 60 * MIN));
    const rows = latest(emissions);
    for (const w of rows.values()) expect(w.metrics.servingDuration).toBeLessThanOrEqual(QH);
    expect(rows.get('U1@0')?.metrics.servingDuration).toBe(QH);
    expect(rows.get('U1@15')?.metrics.servingDuration).toBe(QH);
    expect(rows.get('U1@45')?.metrics.servingDuration).toBe(5 * MIN);
    const states = emissions.flatMap((e) => (e.type === 'agentState' ? [e.state] : []));
    expect(states.filter((s) => s.sessionId === 'S1').at(-1)).toMatchObject({ loggedIn: false, userStatusSince: T + 20 * MIN });
    emissions.push(...engine.advanceWatermark(T + 3 * HOUR));
    expect(sessionIds(engine)).toEqual([]);
    const tooMuch = [...latest(emissions).values()].filter((w) => known(w.metrics).servingDuration > QH);
    expect(tooMuch).toEqual([]);
  });

  it('when one advance ends the older session and starts the newer, the newer session\'s state is the user\'s last agentState emission (the compacted out.agent-state key tenant|userId keeps it)', () => {
    const engine = new TimelineEngine(config);
    engine.ingestRecord(login('Z-older', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(login('A-newer', 20 * MIN), sinchAgentStatusHistoryAdapter);
    const states = engine.advanceWatermark(T + 30 * MIN).flatMap((e) => (e.type === 'agentState' ? [e.state] : []));
    expect(states.map((s) => `${s.sessionId}:${s.loggedIn}`)).toEqual(['Z-older:false', 'A-newer:true']);
  });

  it('the real LoggedOut arriving later corrects the windows to the truth', () => {
    const engine = new TimelineEngine(config);
    engine.ingestRecord(login('S1', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(login('S2', 40 * MIN), sinchAgentStatusHistoryAdapter);
    const before = latest(engine.advanceWatermark(T + 50 * MIN));
    expect(before.get('U1@15')).toMatchObject({ status: 'final', metrics: { servingDuration: QH } });
    expect(before.get('U1@30')?.metrics.servingDuration).toBe(QH);
    // the LoggedOut of S1 at 09:10 shows up late (its row was written late)
    expect(engine.ingestRecord(status('S1', 'LoggedOut', 10 * MIN, 52 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    const after = latest(engine.advanceWatermark(T + 53 * MIN));
    expect(after.get('U1@0')).toMatchObject({ status: 'correction', revision: 2, metrics: { servingDuration: 10 * MIN } });
    expect(after.get('U1@15')).toMatchObject({ status: 'correction', metrics: { servingDuration: 0 } });
    expect(after.get('U1@30')?.metrics.servingDuration).toBe(5 * MIN);
  });

  it('a LoggedOut of the old session written after the new sign-on is accepted and changes nothing', () => {
    const engine = new TimelineEngine(config);
    engine.ingestRecord(login('S1', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(login('S2', 20 * MIN), sinchAgentStatusHistoryAdapter);
    expect(engine.ingestRecord(status('S1', 'LoggedOut', 21 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    const rows = latest(engine.advanceWatermark(T + 30 * MIN));
    expect(rows.get('U1@15')?.metrics.servingDuration).toBe(QH);
    expect(engine.rejected).toEqual({});
  });

  it('a session with no event for sessionMaxIdleMs ends that long after its last event and is evicted', () => {
    const engine = new TimelineEngine({ ...config, sessionMaxIdleMs: 2 * HOUR });
    const emissions: EngineEmission[] = [];
    engine.ingestRecord(login('S1', 0), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(status('S1', 'Wrap', 30 * MIN), sinchAgentStatusHistoryAdapter);
    emissions.push(...engine.advanceWatermark(T + 2 * HOUR + 30 * MIN));
    const rows = latest(emissions);
    const serving = [...rows.values()].reduce((sum, w) => sum + known(w.metrics).servingDuration, 0);
    expect(serving).toBe(2 * HOUR + 30 * MIN);
    emissions.push(...engine.advanceWatermark(T + 6 * HOUR));
    expect(sessionIds(engine)).toEqual([]);
    expect(latest(emissions).size).toBe(10);
    // a straggler of the evicted session is rejected like any event after a session end
    expect(engine.ingestRecord(status('S1', 'Waiting', 5 * HOUR + 30 * MIN), sinchAgentStatusHistoryAdapter)).toBe('after-session-end');
  });

  it('an idle end exactly at the watermark ends the run there, as replay counts it', () => {
    const records = [login('S1', 0), status('S1', 'Talking_Inbound', 10 * MIN)];
    const engine = new TimelineEngine({ ...config, sessionMaxIdleMs: HOUR });
    for (const r of records) expect(engine.ingestRecord(r, sinchAgentStatusHistoryAdapter)).toBeNull();
    const watermark = T + 70 * MIN;
    const calls = (rows: readonly { countOfHandledCallIn: number }[]) => rows.reduce((n, r) => n + r.countOfHandledCallIn, 0);
    const batch = calls(knownRows(replay(records, sinchAgentStatusHistoryAdapter, { until: watermark, sessionMaxIdleMs: HOUR }).rows));
    expect(batch).toBe(1);
    expect(calls([...latest(engine.advanceWatermark(watermark)).values()].map((w) => known(w.metrics)))).toBe(batch);
  });

  it('an idle gap ends the session in batch replay too; events after it count nothing', () => {
    const records = [login('S1', 0), status('S1', 'Talking_Inbound', 3 * HOUR), status('S1', 'LoggedOut', 3 * HOUR + 10 * MIN)];
    const rows = knownRows(replay(records, sinchAgentStatusHistoryAdapter, { sessionMaxIdleMs: 2 * HOUR, until: T + 4 * HOUR }).rows);
    expect(rows.reduce((sum, r) => sum + r.servingDuration, 0)).toBe(2 * HOUR);
    expect(rows.reduce((sum, r) => sum + r.callInDuration, 0)).toBe(0);
  });
});

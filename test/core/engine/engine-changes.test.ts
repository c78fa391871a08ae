import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../../../src/core/engine/engine-types.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';
import { CODE_LOGGED_OUT } from '../../../src/core/events/status.ts';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import type { WindowReport } from '../../../src/core/events/window-report.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { callSession, directContactOf } from '../direct/direct-calls.ts';
import type { Call } from '../direct/direct-calls.ts';
import { generateHistory, prng, recordTime } from '../support/history-generator.ts';

const MIN = 60_000;
const QH = 15 * MIN;

/**
 * The oracle: the users and sessions whose snapshot JSON differs from `before` (or that are new) must all be among
 * what persistedChanges() hands out; the ids it lists are exactly those the snapshot holds.
 */
function expectChangesCover(engine: TimelineEngine, before: EngineSnapshot | null, label: string): EngineSnapshot {
  const changes = engine.persistedChanges();
  const after = engine.snapshot();
  expect([...changes.userIds].sort(), label).toEqual(after.users.map((u) => u.userId).sort());
  expect([...changes.sessionIds].sort(), label).toEqual(after.sessions.map((s) => s.sessionId).sort());
  if (before === null || changes.complete) return after;
  const changedUsers = new Set(changes.users.map((u) => u.head.userId));
  const changedSessions = new Set(changes.sessions.map((s) => s.head.sessionId));
  const oldUsers = new Map(before.users.map((u) => [u.userId, JSON.stringify(u)]));
  const oldSessions = new Map(before.sessions.map((s) => [s.sessionId, JSON.stringify(s)]));
  for (const user of after.users) if (oldUsers.get(user.userId) !== JSON.stringify(user)) expect(changedUsers.has(user.userId), `${label}: user ${user.userId} changed`).toBe(true);
  for (const session of after.sessions) if (oldSessions.get(session.sessionId) !== JSON.stringify(session)) expect(changedSessions.has(session.sessionId), `${label}: session ${session.sessionId} changed`).toBe(true);
  return after;
}

describe('TimelineEngine.persistedChanges', () => {
  it('is complete on a new or restored engine, then lists only what changed', () => {
    const engine = new TimelineEngine({ tenant: 't', allowedLatenessMs: MIN, correctionHorizonMs: 60 * MIN });
    const { records } = generateHistory(prng(3), { users: 3 });
    for (const record of records) engine.ingestRecord(record, sinchAgentStatusHistoryAdapter);
    expect(engine.persistedChanges().complete).toBe(true);
    const quiet = engine.persistedChanges();
    expect([quiet.complete, quiet.users.length, quiet.sessions.length]).toEqual([false, 0, 0]);
    expect(TimelineEngine.restore(engine.snapshot(), { tenant: 't', allowedLatenessMs: MIN, correctionHorizonMs: 60 * MIN }).persistedChanges().complete).toBe(true);
  });

  it('covers every user and session whose snapshot changed, and snapshots as a fresh engine does (random histories, sessions reused by other users, watermarks)', () => {
    let partial = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const random = prng(seed * 7 + 1);
      const history = generateHistory(prng(seed), { users: 1 + (seed % 4) });
      // a vendor that reuses a session id for another user: its events are marks of that other user
      const records = history.records.map((r) => (random() < 0.1 ? { ...r, userId: 'U9'.padEnd(32, '0'), userName: 'Other' } : r));
      const order = records.map((r) => ({ r, key: recordTime(r) + random() * (random() < 0.3 ? 2_000_000 : 60_000) })).sort((a, b) => a.key - b.key);
      const config = { tenant: 't', allowedLatenessMs: 60_000, correctionHorizonMs: 900_000 };
      const engine = new TimelineEngine(config);
      // what was done so far, so that an engine that never snapshotted (no cached window snapshots) can redo it
      const done: ({ record: Record<string, unknown> } | { watermark: number })[] = [];
      const fresh = (): EngineSnapshot => {
        const again = new TimelineEngine(config);
        for (const step of done) if ('record' in step) again.ingestRecord(step.record, sinchAgentStatusHistoryAdapter);
        else again.advanceWatermark(step.watermark);
        return again.snapshot();
      };
      let before: EngineSnapshot | null = null;
      let watermark = Number.NEGATIVE_INFINITY;
      order.forEach(({ r }, i) => {
        engine.ingestRecord(r, sinchAgentStatusHistoryAdapter);
        done.push({ record: r });
        if (random() < 0.3) {
          watermark = Math.max(watermark, recordTime(r) - Math.floor(random() * 300_000));
          engine.advanceWatermark(watermark);
          done.push({ watermark });
        }
        if (random() < 0.4) {
          before = expectChangesCover(engine, before, `seed ${seed} record ${i}`);
          expect(before, `seed ${seed} record ${i}: the snapshot of an engine that never snapshotted`).toEqual(fresh());
          partial++;
        }
      });
      engine.advanceWatermark(history.maxEventTime + 86_400_000);
      expectChangesCover(engine, before, `seed ${seed} end`);
    }
    expect(partial).toBeGreaterThan(1_000);
  });

  it('covers the users of window reports', () => {
    const T0 = Date.UTC(2026, 10, 29, 8, 0);
    const engine = new TimelineEngine({ tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN });
    const report = (userId: string, windowStart: number, pauseMs: number): WindowReport => ({ userId, userName: userId, windowStart, changeTime: windowStart + QH + MIN, metrics: { pauseDuration: pauseMs }, extras: {} });
    let before = expectChangesCover(engine, null, 'start');
    expect(engine.ingestWindowReports([report('a', T0, 60_000), report('b', T0, 0)], 'thulium')).toBeNull();
    before = expectChangesCover(engine, before, 'two users reported');
    expect(engine.ingestWindowReports([report('a', T0, 120_000)], 'thulium')).toBeNull();
    const changes = engine.persistedChanges();
    expect(changes.users.map((u) => u.head.userId)).toEqual(['a']);
    const fresh = new TimelineEngine({ tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN });
    fresh.ingestWindowReports([report('a', T0, 60_000), report('b', T0, 0)], 'thulium');
    fresh.ingestWindowReports([report('a', T0, 120_000)], 'thulium');
    expect(engine.snapshot(), 'a replaced report is in the next snapshot').toEqual(fresh.snapshot());
    before = engine.snapshot();
    engine.advanceWatermark(T0 + QH + MIN);
    before = expectChangesCover(engine, before, 'emitted');
    engine.advanceWatermark(T0 + QH + 3 * MIN);
    expectChangesCover(engine, before, 'final');
  });

  it('covers the user and sessions a direct contact recomputes', () => {
    const T0 = Date.UTC(2026, 10, 30, 8, 0);
    const config = { tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN, directContacts: true };
    const call: Call = { contactId: 'C-IN', inbound: true, start: T0 + 2 * MIN, connect: T0 + 2 * MIN, disconnect: T0 + 20 * MIN, afterworkEnd: T0 + 21 * MIN };
    const engine = new TimelineEngine(config);
    expect(engine.ingestEvents(callSession('s1', 'u1', T0, [call], T0 + 30 * MIN))).toBeNull();
    engine.advanceWatermark(T0 + 25 * MIN);
    let before = expectChangesCover(engine, null, 'start');
    expect(engine.ingestDirectContacts([directContactOf('u1', call)])).toBeNull();
    before = expectChangesCover(engine, before, 'contact in');
    engine.advanceWatermark(T0 + 40 * MIN);
    expectChangesCover(engine, before, 'recomputed');
  });

  describe('a session id a vendor reuses for another user', () => {
    const T0 = Date.UTC(2026, 10, 30, 8, 0);
    const event = (userId: string, eventTime: number, value: 'Talking_Inbound' | 'Waiting' | 'LoggedOut', vendorPoll: number): AgentEvent =>
      createAgentEvent({ sessionId: 's1', userId, userName: userId, eventTime, changeTime: eventTime + 1_000, kind: 'handling', value, code: value === 'LoggedOut' ? CODE_LOGGED_OUT : 0 }, { vendorPoll, vendorRow: 0 });

    it('covers the other user whose event a copy listed first by the vendor displaces', () => {
      const engine = new TimelineEngine({ tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN });
      expect(engine.ingestEvents([event('u1', T0, 'Waiting', 1), event('u2', T0 + MIN, 'Talking_Inbound', 2)])).toBeNull();
      const before = expectChangesCover(engine, null, 'start');
      expect(engine.ingestEvents([event('u1', T0 + MIN, 'Talking_Inbound', 1)])).toBeNull();
      expect(engine.snapshot().users.find((u) => u.userId === 'u2')?.marks).toEqual([]);
      expectChangesCover(engine, before, 'displaced');
    });

    it('covers the other user whose event a new session end cuts off', () => {
      const engine = new TimelineEngine({ tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN });
      expect(engine.ingestEvents([event('u1', T0, 'Waiting', 1), event('u2', T0 + 2 * MIN, 'Talking_Inbound', 2)])).toBeNull();
      const before = expectChangesCover(engine, null, 'start');
      engine.ingestEvents([event('u1', T0 + MIN, 'LoggedOut', 1)]);
      expect(engine.snapshot().users.find((u) => u.userId === 'u2')?.marks).toEqual([]);
      expectChangesCover(engine, before, 'cut');
    });
  });
});

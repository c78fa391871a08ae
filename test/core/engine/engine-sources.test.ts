import { describe, expect, it } from 'vitest';
import { decodeSessionState } from '../../../src/core/engine/compact-session-state.ts';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';
import { handlingStatusCode, userStatusCode } from '../../../src/core/events/status.ts';
import type { HandlingStatus, UserStatus } from '../../../src/core/events/status.ts';
import type { EngineEmission, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../../src/core/statistic/agent-statistic-fields.ts';

const MIN = 60_000;
const T = Date.UTC(2026, 10, 2, 8);
const config = { allowedLatenessMs: MIN, correctionHorizonMs: 60 * MIN, tenant: 't' };

function handling(sessionId: string, value: HandlingStatus, at: number, userId = 'U1'): AgentEvent {
  return createAgentEvent({ sessionId, userId, userName: 'Agent', eventTime: T + at, changeTime: T + at, kind: 'handling', value, code: handlingStatusCode(value) as number });
}

function presence(sessionId: string, value: UserStatus, at: number, userId = 'U1'): AgentEvent {
  return createAgentEvent({ sessionId, userId, userName: 'Agent', eventTime: T + at, changeTime: T + at, kind: 'userStatus', value, code: userStatusCode(value) as number });
}

const windows = (emissions: readonly EngineEmission[]): QuarterHourEmission[] => emissions.flatMap((e) => (e.type === 'window' ? [e.window] : []));

/** Every metric null except `known`, which have the given values (0 where not given). */
function published(knownFields: readonly MetricField[], values: Partial<Record<MetricField, number>>): Record<MetricField, number | null> {
  const out = {} as Record<MetricField, number | null>;
  for (const field of METRIC_FIELDS) out[field] = knownFields.includes(field) ? (values[field] ?? 0) : null;
  return out;
}

/** The HostedSuite declaration (research vendors.md §3.4), written out here apart from src/core/source. */
const HOSTEDSUITE_KNOWN: MetricField[] = [
  'contactHandlingDuration', 'afterworkDuration', 'callInDuration', 'callOutDuration', 'afterworkCallInDuration', 'afterworkCallOutDuration', 'countOfHandledCallIn', 'countOfHandledCallOut',
];
/** Sinch RAI: every field but resting and the Direct split (docs/metrics.md), written out here apart from src/core/source. */
const SINCH_UNKNOWN: MetricField[] = ['restingDuration', 'callInDirectDuration', 'callOutDirectDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect'];
const SINCH_KNOWN: MetricField[] = METRIC_FIELDS.filter((field) => !SINCH_UNKNOWN.includes(field));
const EVO_KNOWN: MetricField[] = ['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut'];

/** Handling only, as HostedSuite's call records give it: an inbound call, wrap-up, idle, an outbound call, logout. */
const CALLS = [
  handling('H1', 'Talking_Inbound', 0),
  handling('H1', 'Wrap', 5 * MIN),
  handling('H1', 'Waiting', 7 * MIN),
  handling('H1', 'Talking_Outbound', 20 * MIN),
  handling('H1', 'LoggedOut', 22 * MIN),
];

describe('TimelineEngine sources', () => {
  it('counts handling time without any user status for a source whose presence is unknown; presence fields are null', () => {
    const engine = new TimelineEngine(config);
    for (const event of CALLS) expect(engine.ingestEvents([event], 'hostedsuite')).toBeNull();
    const out = engine.advanceWatermark(T + 40 * MIN);
    // Q0 [0,15): inbound talk 5 min (one handled call, ended at 5 min), wrap-up after it 2 min, idle 8 min (not a known field).
    // Q1 [15,30): idle 5 min, outbound talk 2 min (one handled call, ended by the logout at 22 min).
    expect(windows(out).map((w) => [w.intervalStart - T, w.source, w.status, w.metrics])).toEqual([
      [0, 'hostedsuite', 'final', published(HOSTEDSUITE_KNOWN, { contactHandlingDuration: 5 * MIN, callInDuration: 5 * MIN, countOfHandledCallIn: 1, afterworkDuration: 2 * MIN, afterworkCallInDuration: 2 * MIN })],
      [15 * MIN, 'hostedsuite', 'final', published(HOSTEDSUITE_KNOWN, { contactHandlingDuration: 2 * MIN, callOutDuration: 2 * MIN, countOfHandledCallOut: 1 })],
    ]);
    const segments = out.flatMap((e) => (e.type === 'segment' ? [e.segment] : []));
    expect(segments.map((s) => [s.source, s.start - T, s.end - T, s.userStatus, s.handlingStatus])).toEqual([
      ['hostedsuite', 0, 5 * MIN, 'Unknown', 'Talking_Inbound'],
      ['hostedsuite', 5 * MIN, 7 * MIN, 'Unknown', 'Wrap'],
      ['hostedsuite', 7 * MIN, 20 * MIN, 'Unknown', 'Waiting'],
      ['hostedsuite', 20 * MIN, 22 * MIN, 'Unknown', 'Talking_Outbound'],
    ]);
    const states = out.flatMap((e) => (e.type === 'agentState' ? [e.state] : []));
    expect(states).toMatchObject([{ source: 'hostedsuite', loggedIn: false, userStatus: 'LoggedOut' }]);
  });

  it('counts nothing before the first user status for a source that reports presence (Sinch RAI, as before)', () => {
    const engine = new TimelineEngine(config);
    for (const event of CALLS) expect(engine.ingestEvents([event])).toBeNull();
    const out = engine.advanceWatermark(T + 40 * MIN);
    expect(windows(out)).toEqual([]);
    expect(out.filter((e) => e.type === 'segment')).toEqual([]);
  });

  it('publishes what the source knows and null for the rest, with the source, on every emission', () => {
    const engine = new TimelineEngine(config);
    const events = [presence('E1', 'Ready', 0), handling('E1', 'Waiting', 0), presence('E1', 'NotReady', 10 * MIN), presence('E1', 'Ready', 16 * MIN), handling('E1', 'Talking_Outbound', 16 * MIN), handling('E1', 'Wrap', 18 * MIN), handling('E1', 'LoggedOut', 20 * MIN)];
    for (const event of events) expect(engine.ingestEvents([event], 'evo-voice')).toBeNull();
    const out = engine.advanceWatermark(T + 40 * MIN);
    expect(windows(out).map((w) => [w.intervalStart - T, w.source, w.metrics])).toEqual([
      [0, 'evo-voice', published(EVO_KNOWN, { servingDuration: 15 * MIN, readyDuration: 10 * MIN, notReadyDuration: 5 * MIN })],
      [15 * MIN, 'evo-voice', published(EVO_KNOWN, { servingDuration: 5 * MIN, readyDuration: 4 * MIN, notReadyDuration: MIN, callOutDuration: 2 * MIN, countOfHandledCallOut: 1, afterworkDuration: 2 * MIN })],
    ]);
    expect(out.every((e) => (e.type === 'window' ? e.window.source : e.type === 'segment' ? e.segment.source : e.state.source) === 'evo-voice')).toBe(true);
    expect(out.filter((e) => e.type === 'segment').length).toBeGreaterThan(0);
  });

  it('publishes null for what Sinch RAI cannot supply (resting, the Direct split) and the same numbers as before for the rest', () => {
    const engine = new TimelineEngine(config);
    const events = [presence('S1', 'Ready', 0), handling('S1', 'Waiting', 0), handling('S1', 'Talking_Inbound', 5 * MIN), handling('S1', 'Wrap', 8 * MIN), handling('S1', 'LoggedOut', 10 * MIN)];
    for (const event of events) expect(engine.ingestEvents([event], 'sinch-rai')).toBeNull();
    const out = engine.advanceWatermark(T + 40 * MIN);
    expect(windows(out).map((w) => [w.intervalStart - T, w.source, w.metrics])).toEqual([
      [0, 'sinch-rai', published(SINCH_KNOWN, {
        servingDuration: 10 * MIN, readyDuration: 10 * MIN, waitingDuration: 5 * MIN, freeDuration: 5 * MIN, contactHandlingDuration: 3 * MIN,
        callInDuration: 3 * MIN, countOfHandledCallIn: 1, afterworkDuration: 2 * MIN, afterworkCallInDuration: 2 * MIN,
      })],
    ]);
  });

  it('refuses records of another source for a user or a session it already holds', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestEvents([presence('E1', 'Ready', 0)], 'evo-voice')).toBeNull();
    expect(engine.ingestEvents([handling('E1', 'Waiting', MIN)], 'sinch-rai')).toBe('source-conflict');
    expect(engine.ingestEvents([handling('S2', 'Waiting', MIN)], 'hostedsuite')).toBe('source-conflict');
    expect(engine.ingestEvents([handling('E1', 'Waiting', MIN, 'U2')], 'sinch-rai')).toBe('source-conflict');
    expect(engine.ingestEvents([handling('S3', 'Waiting', MIN, 'U3')], 'sinch-rai')).toBeNull();
    expect(engine.rejected).toEqual({ 'source-conflict': 3 });
  });

  it('keeps the source and the counting rule through snapshot and restore', () => {
    const straight = new TimelineEngine(config);
    const restarted = new TimelineEngine(config);
    const first = CALLS.slice(0, 3);
    const rest = CALLS.slice(3);
    for (const event of first) {
      straight.ingestEvents([event], 'hostedsuite');
      restarted.ingestEvents([event], 'hostedsuite');
    }
    expect(restarted.advanceWatermark(T + 10 * MIN)).toEqual(straight.advanceWatermark(T + 10 * MIN));
    const snapshot = JSON.parse(JSON.stringify(restarted.snapshot())) as ReturnType<TimelineEngine['snapshot']>;
    expect(snapshot.users.map((u) => u.source)).toEqual(['hostedsuite']);
    expect(snapshot.sessions.map((s) => [decodeSessionState(s.checkpoint).presenceKnown, decodeSessionState(s.live).presenceKnown])).toEqual([[false, false]]);
    const restored = TimelineEngine.restore(snapshot, config);
    for (const event of rest) {
      straight.ingestEvents([event], 'hostedsuite');
      expect(restored.ingestEvents([event], 'hostedsuite')).toBeNull();
    }
    expect(restored.ingestEvents([handling('H1', 'Waiting', 23 * MIN)], 'sinch-rai')).toBe('source-conflict');
    const expected = straight.advanceWatermark(T + 40 * MIN);
    expect(windows(expected).length).toBeGreaterThan(0);
    expect(restored.advanceWatermark(T + 40 * MIN)).toEqual(expected);
    expect(restored.snapshot().users).toEqual(straight.snapshot().users);
  });
});

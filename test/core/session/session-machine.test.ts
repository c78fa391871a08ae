import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';
import { handlingStatusCode, userStatusCode } from '../../../src/core/events/status.ts';
import type { OpenSegment } from '../../../src/core/session/session-state.ts';
import { advanceSession, applySessionEvent, settleRun } from '../../../src/core/session/session-machine.ts';
import { initialSessionState } from '../../../src/core/session/session-state.ts';
import { metricIndex } from '../../../src/core/statistic/metric-vector.ts';
import { WindowAccumulator } from '../../../src/core/statistic/window-accumulator.ts';

const T = Date.UTC(2024, 0, 1, 9);

function ev(kind: 'userStatus' | 'handling', value: string, at: number, profile?: string): AgentEvent {
  const code = (kind === 'userStatus' ? userStatusCode(value) : handlingStatusCode(value)) ?? 0;
  return createAgentEvent({ sessionId: 'S', userId: 'U', userName: 'n', eventTime: T + at, changeTime: T + at, kind, value: value as AgentEvent['value'], code }, { profile });
}

function runMachine(events: AgentEvent[], horizon: number) {
  const state = initialSessionState();
  const acc = new WindowAccumulator();
  const segments: { start: number; end: number; open: OpenSegment }[] = [];
  const sink = { closeSegment: (open: OpenSegment, end: number) => segments.push({ start: open.start - T, end: end - T, open }) };
  for (const e of events) {
    advanceSession(state, e.eventTime, acc, sink);
    applySessionEvent(state, e);
  }
  advanceSession(state, T + horizon, acc, sink);
  const total = (field: Parameters<typeof metricIndex>[0]): number => {
    let sum = 0;
    for (const v of acc.windows.values()) sum += v[metricIndex(field)] ?? 0;
    return sum;
  };
  return { state, acc, segments, total };
}

describe('session machine', () => {
  it('counts only with both dimensions known and the session open', () => {
    const { total } = runMachine([ev('handling', 'Waiting', 0), ev('userStatus', 'Ready', 100), ev('handling', 'LoggedOut', 1_000)], 5_000);
    expect(total('servingDuration')).toBe(900);
    expect(total('freeDuration')).toBe(900);
  });
  it('counts a handled run once, when it ends, and attributes following Wrap', () => {
    const { total } = runMachine(
      [ev('userStatus', 'Ready', 0), ev('handling', 'Talking_Inbound', 0), ev('userStatus', 'NotReady', 50), ev('handling', 'Waiting', 100), ev('handling', 'Wrap', 110), ev('handling', 'Waiting', 200)],
      1_000,
    );
    expect(total('countOfHandledCallIn')).toBe(1);
    expect(total('callInDuration')).toBe(100);
    expect(total('afterworkCallInDuration')).toBe(90);
    expect(total('notReadyDuration')).toBe(950);
  });
  it('does not count a run still going at the horizon, unless the horizon rule settles it', () => {
    const { state, acc, total } = runMachine([ev('userStatus', 'Ready', 0), ev('handling', 'Chatting_Outbound', 0)], 1_000);
    expect(total('countOfHandledChatOut')).toBe(0);
    settleRun(state, acc);
    expect(total('countOfHandledChatOut')).toBe(0);
    applySessionEvent(state, ev('handling', 'LoggedOut', 1_000));
    settleRun(state, acc);
    settleRun(state, acc);
    expect(total('countOfHandledChatOut')).toBe(1);
    advanceSession(state, T + 2_000, acc, null);
    expect(total('countOfHandledChatOut')).toBe(1);
  });
  it('is piecewise: advancing in steps equals one advance', () => {
    const events = [ev('userStatus', 'Ready', 0), ev('handling', 'Emailing_Inbound', 0), ev('handling', 'Wrap', 2_000_000)];
    const one = runMachine(events, 3_000_000);
    const state = initialSessionState();
    const acc = new WindowAccumulator();
    for (const e of events) {
      for (let t = state.cursor ?? e.eventTime; t < e.eventTime; t += 123_457) advanceSession(state, Math.min(t, e.eventTime), acc, null);
      advanceSession(state, e.eventTime, acc, null);
      applySessionEvent(state, e);
    }
    advanceSession(state, T + 3_000_000, acc, null);
    expect([...acc.windows.entries()].map(([k, v]) => [k, Array.from(v)])).toEqual([...one.acc.windows.entries()].map(([k, v]) => [k, Array.from(v)]));
  });
  it('closes segments on any change of (user, handling, profile, profileReason), not on A→B→A within one ms', () => {
    const { segments } = runMachine(
      [
        ev('userStatus', 'Ready', 0, 'Office'),
        ev('handling', 'Waiting', 0),
        ev('handling', 'Preview', 100),
        ev('handling', 'Waiting', 100),
        ev('userStatus', 'Ready', 200, 'Home'),
        ev('handling', 'OBJoin', 300),
        ev('handling', 'LoggedOut', 400),
      ],
      1_000,
    );
    expect(segments.map((s) => [s.start, s.end, s.open.profile])).toEqual([
      [0, 200, 'Office'],
      [200, 400, 'Home'],
    ]);
  });
});

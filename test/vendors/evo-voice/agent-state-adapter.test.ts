import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { EngineEmission } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { DEFAULT_EVENT_TIME_LIMITS } from '../../../src/core/time/time-limits.ts';
import { adaptEvoAgentStateRow, evoVoiceAgentStateAdapter } from '../../../src/vendors/evo-voice/agent-state-adapter.ts';

const MIN = 60_000;
/** 2026-11-29T08:00:00Z; the rows below render their times in Europe/Helsinki (+02:00), as the workbook does. */
const T8 = Date.UTC(2026, 10, 29, 8, 0);
const at = (utcHour: number, minute: number, second = 0): string =>
  `2026-11-29T${String(utcHour + 2).padStart(2, '0')}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000+02:00`;

function row(state: string, startTime: string, reason: string | null = null, sheetRow = 2): Record<string, unknown> {
  return { agentId: 'A1', agentName: 'Ada Lovelace', extension: '101', state, reason, startTime, endTime: null, reportId: 'r1', accountId: 'acct-1', timeZoneId: 'Europe/Helsinki', windowStart: T8, windowEnd: T8 + 60 * MIN, sheetRow };
}

/** Ready → Outgoing (across 08:15) → WrapUp → NotReady(MissedCall) → LoggedOut → Ready. */
const DAY = [
  row('Ready', at(8, 5), null, 2),
  row('Outgoing', at(8, 12), null, 3),
  row('WrapUp', at(8, 20, 30), null, 4),
  row('NotReady', at(8, 22), 'MissedCall', 5),
  row('LoggedOut', at(8, 40), 'SetByUser', 6),
  row('Ready', at(9, 0), null, 2),
];

const rejection = (record: unknown): string | undefined => {
  const result = adaptEvoAgentStateRow(record);
  return 'rejection' in result ? result.rejection : undefined;
};

/** The fields the contract says Evo Voice knows, of each quarter-hour row. */
const known = (rows: ReturnType<typeof replay>['rows']) =>
  rows.map((r) => ({
    intervalStart: r.intervalStart, userName: r.userName, servingDuration: r.servingDuration, readyDuration: r.readyDuration, notReadyDuration: r.notReadyDuration,
    afterworkDuration: r.afterworkDuration, callOutDuration: r.callOutDuration, countOfHandledCallOut: r.countOfHandledCallOut, maxChangeTimestamp: r.maxChangeTimestamp,
  }));

describe('evoVoiceAgentStateAdapter', () => {
  it('maps each AgentStates name per the contract table, all events at the row start', () => {
    const mapped = (state: string, reason: string | null = null) => {
      const result = evoVoiceAgentStateAdapter.adapt(row(state, at(8, 5), reason), DEFAULT_EVENT_TIME_LIMITS);
      if ('rejection' in result) throw new Error(result.rejection);
      return result.events.map((e) => [e.kind, e.value, e.profile ?? null, e.profileReason ?? null]);
    };
    expect(mapped('Ready')).toEqual([['userStatus', 'Ready', null, null], ['handling', 'Waiting', null, null]]);
    expect(mapped('NotReady', 'MissedCall')).toEqual([['userStatus', 'NotReady', 'MissedCall', null], ['handling', 'Waiting', null, null]]);
    expect(mapped('NotReady')).toEqual([['userStatus', 'NotReady', null, null], ['handling', 'Waiting', null, null]]);
    expect(mapped('Other', 'SetBySystem')).toEqual([['userStatus', 'NotReady', 'Other', 'SetBySystem'], ['handling', 'Waiting', null, null]]);
    expect(mapped('Unknown')).toEqual([['userStatus', 'NotReady', 'Unknown', null], ['handling', 'Waiting', null, null]]);
    expect(mapped('WrapUp')).toEqual([['userStatus', 'Ready', null, null], ['handling', 'Wrap', null, null]]);
    expect(mapped('Outgoing')).toEqual([['userStatus', 'Ready', null, null], ['handling', 'Talking_Outbound', null, null]]);
    expect(mapped('LoggedOut', 'SetByUser')).toEqual([['userStatus', 'LoggedOut', null, 'SetByUser']]);
    const result = adaptEvoAgentStateRow(row('Ready', at(8, 5, 3)));
    if ('rejection' in result) throw new Error(result.rejection);
    const start = T8 + 5 * MIN + 3_000;
    for (const event of result.events) {
      expect(event).toMatchObject({ sessionId: `A1|${start}`, userId: 'A1', userName: 'Ada Lovelace', eventTime: start, changeTime: start, vendorPoll: T8, vendorRow: 2 });
    }
  });

  it('adapts the Avro contract fixture (offset times are absolute instants)', () => {
    const fixture = JSON.parse(readFileSync(new URL('../../fixtures/avro/evo-voice-agent-state.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const result = adaptEvoAgentStateRow(fixture);
    if ('rejection' in result) throw new Error(result.rejection);
    expect(result.events.map((e) => [e.value, e.eventTime])).toEqual([['NotReady', Date.UTC(2026, 10, 29, 8, 15, 3, 250)], ['Waiting', Date.UTC(2026, 10, 29, 8, 15, 3, 250)]]);
    expect(result.events[0]?.profile).toBe('SetByUser');
  });

  it('rejects unusable rows with stable reasons, checked in a fixed order', () => {
    expect(rejection(null)).toBe('not-an-object');
    expect(rejection([row('Ready', at(8, 5))])).toBe('not-an-object');
    expect(rejection({ ...row('Ready', at(8, 5)), agentId: '' })).toBe('missing-agentId');
    expect(rejection({ ...row('Busy', 'nonsense'), agentId: undefined })).toBe('missing-agentId');
    expect(rejection(row('Busy', at(8, 5)))).toBe('unknown-state');
    expect(rejection(row('ready', at(8, 5)))).toBe('unknown-state');
    expect(rejection(row('Busy', 'nonsense'))).toBe('unknown-state');
    expect(rejection({ ...row('Ready', at(8, 5)), startTime: undefined })).toBe('missing-startTime');
    expect(rejection(row('Ready', 'yesterday'))).toBe('bad-timestamp');
    expect(rejection(row('Ready', '2026-11-29T25:00:00.000+02:00'))).toBe('bad-timestamp');
    expect(rejection(row('Ready', '2026-02-30T10:00:00.000+02:00'))).toBe('bad-timestamp');
    expect(rejection(row('Ready', at(8, 5)))).toBeUndefined();
  });

  it('gives the hand-computed quarter-hours of a scripted day, duplicate rows counting once', () => {
    const until = T8 + 70 * MIN;
    // 08:00–08:15  Ready 08:05–08:12 (7 min) + Outgoing 08:12–08:15 (3 min).
    // 08:15–08:30  Outgoing 08:15–08:20:30 (5.5 min, the call ends here: 1 handled) + WrapUp to 08:22 (1.5 min)
    //              + NotReady(MissedCall) 08:22–08:30 (8 min).
    // 08:30–08:45  NotReady 08:30–08:40 (10 min); the LoggedOut row at 08:40 ends it and counts nothing.
    // 08:45–09:00  logged out: no row.  09:00–09:15  Ready 09:00 to the horizon 09:10 (10 min).
    const expected = [
      { intervalStart: '2026-11-29T08:00:00.000Z', servingDuration: 10 * MIN, readyDuration: 10 * MIN, notReadyDuration: 0, afterworkDuration: 0, callOutDuration: 3 * MIN, countOfHandledCallOut: 0, maxChangeTimestamp: '2026-11-29T08:12:00.000Z' },
      { intervalStart: '2026-11-29T08:15:00.000Z', servingDuration: 15 * MIN, readyDuration: 7 * MIN, notReadyDuration: 8 * MIN, afterworkDuration: 90_000, callOutDuration: 330_000, countOfHandledCallOut: 1, maxChangeTimestamp: '2026-11-29T08:22:00.000Z' },
      { intervalStart: '2026-11-29T08:30:00.000Z', servingDuration: 10 * MIN, readyDuration: 0, notReadyDuration: 10 * MIN, afterworkDuration: 0, callOutDuration: 0, countOfHandledCallOut: 0, maxChangeTimestamp: '2026-11-29T08:40:00.000Z' },
      { intervalStart: '2026-11-29T09:00:00.000Z', servingDuration: 10 * MIN, readyDuration: 10 * MIN, notReadyDuration: 0, afterworkDuration: 0, callOutDuration: 0, countOfHandledCallOut: 0, maxChangeTimestamp: '2026-11-29T09:00:00.000Z' },
    ].map((r) => ({ ...r, userName: 'Ada Lovelace' }));
    const once = replay(DAY, evoVoiceAgentStateAdapter, { until });
    expect(known(once.rows)).toEqual(expected);
    expect(once.rejected).toEqual({});
    const withCopies = replay([DAY[3], ...DAY, DAY[1], { ...DAY[4] }], evoVoiceAgentStateAdapter, { until });
    expect(withCopies.rows).toEqual(once.rows);
    expect(withCopies.duplicates).toBe(5);
  });

  it('streams the same day: a LoggedOut row ends the previous interval at its start and starts nothing', () => {
    const engine = new TimelineEngine({ tenant: 't', allowedLatenessMs: 0, correctionHorizonMs: 3_600_000 });
    for (const record of DAY.slice(0, 5)) expect(engine.ingestRecord(record, evoVoiceAgentStateAdapter)).toBeNull();
    const states = (emissions: EngineEmission[]) => emissions.flatMap((e) => (e.type === 'agentState' ? [e.state] : []));
    const first = engine.advanceWatermark(T8 + 50 * MIN);
    const segments = first.flatMap((e) => (e.type === 'segment' ? [[e.segment.start, e.segment.end, e.segment.userStatus, e.segment.handlingStatus, e.segment.profile ?? null]] : []));
    expect(segments).toEqual([
      [T8 + 5 * MIN, T8 + 12 * MIN, 'Ready', 'Waiting', null],
      [T8 + 12 * MIN, T8 + 20 * MIN + 30_000, 'Ready', 'Talking_Outbound', null],
      [T8 + 20 * MIN + 30_000, T8 + 22 * MIN, 'Ready', 'Wrap', null],
      [T8 + 22 * MIN, T8 + 40 * MIN, 'NotReady', 'Waiting', 'MissedCall'],
    ]);
    const now = states(first).at(-1);
    expect(now).toMatchObject({ userId: 'A1', loggedIn: false, sessionId: `A1|${T8 + 40 * MIN}`, userStatusSince: T8 + 40 * MIN });
    expect(engine.ingestRecord(DAY[5], evoVoiceAgentStateAdapter)).toBeNull();
    const later = states(engine.advanceWatermark(T8 + 70 * MIN));
    expect(later.at(-1)).toMatchObject({ loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting', userStatusSince: T8 + 60 * MIN });
  });
});

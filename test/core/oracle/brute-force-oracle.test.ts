/**
 * Self-test of the brute-force oracle on tiny histories whose figures were computed BY HAND
 * (see the comments), so that the oracle itself is checked before it is used to judge the engine.
 */
import { describe, expect, it } from 'vitest';
import {
  localIso,
  oraclePeriodOf,
  oracleReplay,
  oracleRollup,
  parseOracleRecord,
  parseOracleTimestamp,
} from './brute-force-oracle.ts';
import type { OracleRow } from './brute-force-oracle.ts';
import { SEED_RECORDS } from './seed-records.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import type { AgentMetrics } from '../../../src/core/statistic/agent-statistic-fields.ts';

import { S, U } from './seed-records.ts';

function metrics(partial: Partial<AgentMetrics>): AgentMetrics {
  const out: Partial<AgentMetrics> = {};
  for (const field of METRIC_FIELDS) out[field] = partial[field] ?? 0;
  return out as AgentMetrics;
}

function row(start: string, end: string, maxCt: string, m: Partial<AgentMetrics>, userId = U, userName = 'Fox, John', label = start): OracleRow {
  return { userId, userName, timeCategory: label, intervalStart: start, intervalEnd: end, maxChangeTimestamp: maxCt, ...metrics(m) };
}

/*
 * Hand computation of the seed (all 2019-12-03, UTC). Effective state changes in spec order:
 *   07:19:59.127 Ready+Waiting | 59.160 NotReady | 07:20:12.960 Ready | 16.027 OBJoin, Preview, Dialing (Dialing wins)
 *   21.250 Waiting | 21.907 Talking_OC | 37.387 Waiting | 37.390 Wrap | 42.230 Waiting | 45.053 Dialing (Preview never seen)
 *   07:21:08.223 Waiting | 27.600 Wrap (same ms as Waiting, later ct) | 07:22:40.587 Waiting | 07:40:58.870 LoggedOut
 * Segments in 07:15–07:30: Waiting 33 (Ready) + 13800 (NotReady) + 3067 + 657 + 3 + 2823 + 19377 + 439413 = 479173,
 *   Dialing 5223 + 23170, Talking_OC 15480 (contact 43873), Wrap 4840 + 72987 = 77827 (K = CallOut both times:
 *   after Talking_OC, and after the unanswered Dialing). serving = 07:30:00.000 − 07:19:59.127 = 600873.
 *   One CallOut run (Talking_OC) ends at 07:20:37.386. maxChangeTimestamp = 07:22:41.483.
 * 07:30–07:45: Waiting+Ready 07:30:00.000 → 07:40:58.870 = 658870; maxChangeTimestamp 07:40:59.600.
 */
const SEED_QH1 = metrics({
  servingDuration: 600873,
  readyDuration: 587073,
  notReadyDuration: 13800,
  waitingDuration: 479173,
  freeDuration: 465373,
  contactHandlingDuration: 43873,
  callOutDuration: 15480,
  afterworkDuration: 77827,
  afterworkCallOutDuration: 77827,
  countOfHandledCallOut: 1,
});
const SEED_QH2 = metrics({ servingDuration: 658870, readyDuration: 658870, waitingDuration: 658870, freeDuration: 658870 });

describe('brute-force oracle self-test', () => {
  it('parses both timestamp formats, offsets and truncates fractions', () => {
    expect(parseOracleTimestamp('2019-12-03 07:19:59.127')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseOracleTimestamp('2019-12-03 07:19:59.1')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 100));
    expect(parseOracleTimestamp('2019-12-03 07:19:59')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 0));
    expect(parseOracleTimestamp('2019-12-03T07:19:59.127Z')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseOracleTimestamp('2019-12-03T09:19:59.127+02:00')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseOracleTimestamp('2019-12-03T02:49:59.127-0430')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseOracleTimestamp('2019-12-03T07:19:59.127999Z')).toBe(Date.UTC(2019, 11, 3, 7, 19, 59, 127));
    expect(parseOracleTimestamp('2019-02-30 07:19:59.127')).toBeUndefined();
    expect(parseOracleTimestamp('2020-02-29 07:19:59')).toBe(Date.UTC(2020, 1, 29, 7, 19, 59));
    expect(parseOracleTimestamp('2019-12-03 24:00:00')).toBeUndefined();
    expect(parseOracleTimestamp('2019-12-03T07:19:59')).toBeUndefined();
    expect(parseOracleTimestamp('yesterday')).toBeUndefined();
  });

  it('rejects bad records with reasons', () => {
    expect(parseOracleRecord(null)).toEqual({ ok: false, reason: 'not-an-object' });
    expect(parseOracleRecord({ userId: U, status: 'Waiting', statusTimestamp: '2019-12-03 07:19:59', changeTimestamp: '2019-12-03 07:19:59' })).toEqual({ ok: false, reason: 'missing-sessionId' });
    expect(parseOracleRecord({ sessionId: S, UserId: U, status: 'Sleeping', statusTimestamp: '2019-12-03 07:19:59', changeTimestamp: '2019-12-03 07:19:59' })).toEqual({ ok: false, reason: 'unknown-status' });
    expect(parseOracleRecord({ sessionId: S, UserId: U, status: 'Waiting', changeTimestamp: '2019-12-03 07:19:59' })).toEqual({ ok: false, reason: 'missing-statusTimestamp' });
    expect(parseOracleRecord({ sessionId: S, UserId: U, changeTimestamp: '2019-12-03 07:19:59' })).toEqual({ ok: false, reason: 'no-status-change' });
    const ok = parseOracleRecord(SEED_RECORDS[0]);
    expect(ok.ok && ok.events.map((e) => [e.kind, e.value])).toEqual([
      ['userStatus', 'Ready'],
      ['handling', 'Waiting'],
    ]);
  });

  it('reproduces the hand-computed seed quarter-hours', () => {
    const result = oracleReplay(SEED_RECORDS);
    expect(result.rejected).toEqual({});
    expect(result.rows).toEqual([
      row('2019-12-03T07:15:00.000Z', '2019-12-03T07:30:00.000Z', '2019-12-03T07:22:41.483Z', SEED_QH1),
      row('2019-12-03T07:30:00.000Z', '2019-12-03T07:45:00.000Z', '2019-12-03T07:40:59.600Z', SEED_QH2),
    ]);
    // shuffled + duplicated input gives the same
    const shuffled = [...SEED_RECORDS].reverse().concat(SEED_RECORDS.slice(3, 9));
    expect(oracleReplay(shuffled).rows).toEqual(result.rows);
  });

  it('cuts at --until and does not count a run still going there', () => {
    // until 07:20:30.000, inside the Talking_OC run (started 07:20:21.907): 30.000 − 59.127 = 30873 serving
    const until = Date.UTC(2019, 11, 3, 7, 20, 30);
    const result = oracleReplay(SEED_RECORDS, { until });
    expect(result.rows).toEqual([
      row('2019-12-03T07:15:00.000Z', '2019-12-03T07:30:00.000Z', '2019-12-03T07:22:41.483Z', {
        servingDuration: 30873,
        readyDuration: 30873 - 13800,
        notReadyDuration: 13800,
        waitingDuration: 33 + 13800 + 3067 + 657,
        freeDuration: 33 + 3067 + 657,
        contactHandlingDuration: 5223 + 8093,
        callOutDuration: 8093,
      }),
    ]);
  });

  it('hand-computed: boundary split, same-ms hidden state, afterwork kind, counts in the quarter of the last ms', () => {
    const u2 = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const s2 = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const r = (extra: Record<string, unknown>): Record<string, unknown> => ({ sessionId: s2, UserId: u2, userName: 'Doe, Jane', ...extra });
    const records = [
      // 00:14:59.995 Ready + Talking_Inbound
      r({ userStatus: 'Ready', userStatusTimestamp: '2024-01-01T00:14:59.995Z', status: 'Talking_Inbound', statusTimeStamp: '2024-01-01 00:14:59.995', changeTimestamp: '2024-01-01 00:15:00.100' }),
      // 00:15:00.005 Chatting_Inbound then (later ct) Wrap at the same ms: chat is never observed
      r({ status: 'Chatting_Inbound', statusTimestamp: '2024-01-01T02:15:00.005+02:00', changeTimestamp: '2024-01-01 00:15:00.200' }),
      r({ status: 'Wrap', statusTimestamp: '2024-01-01 00:15:00.005', changeTimeStamp: '2024-01-01 00:15:00.300' }),
      // 00:15:00.015 Waiting + Pause (separate records)
      r({ status: 'Waiting', statusTimestamp: '2024-01-01 00:15:00.015', changeTimestamp: '2024-01-01 00:15:00.400' }),
      r({ userStatus: 'Pause', userStatusTimeStamp: '2024-01-01 00:15:00.015', profile: 'Lunch', changeTimestamp: '2024-01-01 00:15:00.400' }),
      // 00:15:00.025 end; an event after it is rejected
      r({ status: 'LoggedOut', statusTimestamp: '2024-01-01 00:15:00.025', changeTimestamp: '2024-01-01 00:15:00.500' }),
      r({ status: 'Waiting', statusTimestamp: '2024-01-01 00:15:00.020', changeTimestamp: '2024-01-01 00:15:00.600' }),
    ];
    // the Waiting@.020 (ct .600) is ordered before the end (.025): accepted, no-op. Add a real after-end one:
    records.push(r({ status: 'Waiting', statusTimestamp: '2024-01-01 00:15:00.025', changeTimestamp: '2024-01-01 00:15:00.700' }));
    const result = oracleReplay(records);
    expect(result.rejected).toEqual({ 'after-session-end': 1 });
    expect(result.rows).toEqual([
      row('2024-01-01T00:00:00.000Z', '2024-01-01T00:15:00.000Z', '2024-01-01T00:15:00.100Z', {
        servingDuration: 5, readyDuration: 5, contactHandlingDuration: 5, callInDuration: 5,
      }, u2, 'Doe, Jane'),
      row('2024-01-01T00:15:00.000Z', '2024-01-01T00:30:00.000Z', '2024-01-01T00:15:00.600Z', {
        servingDuration: 25, readyDuration: 15, pauseDuration: 10, waitingDuration: 10,
        contactHandlingDuration: 5, callInDuration: 5, afterworkDuration: 10, afterworkCallInDuration: 10,
        countOfHandledCallIn: 1,
      }, u2, 'Doe, Jane'),
    ]);
    // watermark inside the talk (00:15:00.003): the run is still going, no count; 8 ms of talk
    const cut = oracleReplay(records, { until: Date.UTC(2024, 0, 1, 0, 15, 0, 3) });
    expect(cut.rows.map((x) => [x.servingDuration, x.callInDuration, x.countOfHandledCallIn])).toEqual([
      [5, 5, 0],
      [3, 3, 0],
    ]);
    // watermark exactly at the change to Wrap (00:15:00.005): the state AT the watermark ms is Wrap (events with
    // eventTime <= .005), so the run is not "still going at the watermark": it ended and counts
    const atChange = oracleReplay(records, { until: Date.UTC(2024, 0, 1, 0, 15, 0, 5) });
    expect(atChange.rows.map((x) => [x.servingDuration, x.countOfHandledCallIn])).toEqual([
      [5, 0],
      [5, 1],
    ]);
    const afterChange = oracleReplay(records, { until: Date.UTC(2024, 0, 1, 0, 15, 0, 6) });
    expect(afterChange.rows.map((x) => [x.servingDuration, x.countOfHandledCallIn, x.afterworkCallInDuration])).toEqual([
      [5, 0, 0],
      [6, 1, 1],
    ]);
  });

  it('a run ended by a session end exactly at the (default) watermark counts', () => {
    const r = (extra: Record<string, unknown>): Record<string, unknown> => ({ sessionId: 'C'.repeat(32), userId: 'D'.repeat(32), userName: 'X', ...extra });
    const records = [
      r({ userStatus: 'Ready', userStatusTimestamp: '2019-12-03 07:19:59.127', status: 'Chatting_Inbound', statusTimestamp: '2019-12-03 07:19:59.127', changeTimeStamp: '2019-12-03 07:19:59.128' }),
      r({ status: 'LoggedOut', statusTimestamp: '2019-12-03 07:20:00.127', changeTimestamp: '2019-12-03 07:20:00.128' }),
    ];
    // watermark = max eventTime = the end: 1000 ms of chat, and the run ended (session end at ms 07:20:00.127)
    expect(oracleReplay(records).rows.map((x) => [x.chatDuration, x.countOfHandledChatIn])).toEqual([[1000, 1]]);
    // cut before the end: still going
    expect(oracleReplay(records, { until: Date.UTC(2019, 11, 3, 7, 20, 0, 126) }).rows.map((x) => [x.chatDuration, x.countOfHandledChatIn])).toEqual([[999, 0]]);
  });

  it('rolls up with local periods and labels (hand-checked)', () => {
    const qh = oracleReplay(SEED_RECORDS).rows;
    const sum = (field: keyof AgentMetrics): number => SEED_QH1[field] + SEED_QH2[field];
    const day = oracleRollup(qh, 'day', 'Europe/Helsinki');
    expect(day).toHaveLength(1);
    expect(day[0]).toMatchObject({ timeCategory: '2019-12-03', intervalStart: '2019-12-02T22:00:00.000Z', intervalEnd: '2019-12-03T22:00:00.000Z', maxChangeTimestamp: '2019-12-03T07:40:59.600Z', servingDuration: sum('servingDuration') });
    expect(oracleRollup(qh, 'week')[0]).toMatchObject({ timeCategory: '2019-W49', intervalStart: '2019-12-02T00:00:00.000Z', intervalEnd: '2019-12-09T00:00:00.000Z' });
    expect(oracleRollup(qh, 'hour', 'Europe/Helsinki')[0]).toMatchObject({ timeCategory: '2019-12-03T09:00:00.000+02:00', intervalStart: '2019-12-03T07:00:00.000Z', intervalEnd: '2019-12-03T08:00:00.000Z', countOfHandledCallOut: 1 });
    expect(oracleRollup(qh, 'month', 'America/New_York')[0]).toMatchObject({ timeCategory: '2019-12', intervalStart: '2019-12-01T05:00:00.000Z', intervalEnd: '2020-01-01T05:00:00.000Z' });
    expect(oracleRollup(qh, 'year')[0]).toMatchObject({ timeCategory: '2019', intervalStart: '2019-01-01T00:00:00.000Z', intervalEnd: '2020-01-01T00:00:00.000Z' });
    expect(oracleRollup(qh, 'all', 'America/New_York')[0]).toMatchObject({ timeCategory: 'all', intervalStart: '2019-12-03T07:15:00.000Z', intervalEnd: '2019-12-03T07:45:00.000Z', waitingDuration: sum('waitingDuration') });
    expect(oracleRollup(qh, 'quarterHour', 'America/New_York')[1]?.timeCategory).toBe('2019-12-03T02:30:00.000-05:00');
  });

  it('local periods across DST are 23/25 hours and hours are distinct', () => {
    // Helsinki spring forward 2024-03-31 01:00Z (03:00 → 04:00 local): that local day is 23 h
    const helsinkiDay = oraclePeriodOf(Date.UTC(2024, 2, 31, 1, 0), 'day', 'Europe/Helsinki');
    expect(helsinkiDay.end - helsinkiDay.start).toBe(23 * 3_600_000);
    // New York fall back 2024-11-03 06:00Z (02:00 EDT → 01:00 EST): that local day is 25 h
    const nyDay = oraclePeriodOf(Date.UTC(2024, 10, 3, 6, 0), 'day', 'America/New_York');
    expect(nyDay.end - nyDay.start).toBe(25 * 3_600_000);
    const firstOne = oraclePeriodOf(Date.UTC(2024, 10, 3, 5, 30), 'hour', 'America/New_York');
    const secondOne = oraclePeriodOf(Date.UTC(2024, 10, 3, 6, 30), 'hour', 'America/New_York');
    expect([firstOne.label, secondOne.label]).toEqual(['2024-11-03T01:00:00.000-04:00', '2024-11-03T01:00:00.000-05:00']);
    expect(secondOne.start - firstOne.start).toBe(3_600_000);
    expect(localIso(Date.UTC(2024, 2, 31, 1, 0), 'Europe/Helsinki')).toBe('2024-03-31T04:00:00.000+03:00');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const seed: unknown[] = JSON.parse(
  readFileSync(new URL('../../fixtures/sinch-seed-agent-status-history.json', import.meta.url), 'utf8'),
) as unknown[];

const ZERO = {
  pauseDuration: 0,
  previewDuration: 0,
  callInDuration: 0,
  emailInDuration: 0,
  emailOutDuration: 0,
  chatDuration: 0,
  afterworkCallInDuration: 0,
  afterworkEmailInDuration: 0,
  afterworkChatInDuration: 0,
  countOfHandledCallIn: 0,
  countOfHandledEmailIn: 0,
  countOfHandledEmailOut: 0,
  countOfHandledChatIn: 0,
  countOfHandledChatOut: 0,
};

/** What Sinch RAI cannot supply: null, not 0 (docs/metrics.md, "Why restingDuration is null" and "Why the *Direct* fields are null"). */
const UNKNOWN = {
  restingDuration: null,
  callInDirectDuration: null,
  callOutDirectDuration: null,
  countOfHandledCallInDirect: null,
  countOfHandledCallOutDirect: null,
};

/** Figures worked out by hand in docs/metrics.md ("Worked example"). */
const EXPECTED = [
  {
    source: 'sinch-rai',
    timeCategory: '2019-12-03T07:15:00.000Z',
    userId: 'E936C474B22311D38FBE0090279A922E',
    userName: 'Fox, John',
    intervalStart: '2019-12-03T07:15:00.000Z',
    intervalEnd: '2019-12-03T07:30:00.000Z',
    ...ZERO,
    ...UNKNOWN,
    servingDuration: 600_873,
    readyDuration: 587_073,
    notReadyDuration: 13_800,
    freeDuration: 465_373,
    waitingDuration: 479_173,
    contactHandlingDuration: 43_873,
    afterworkDuration: 77_827,
    callOutDuration: 15_480,
    afterworkCallOutDuration: 77_827,
    countOfHandledCallOut: 1,
    maxChangeTimestamp: '2019-12-03T07:22:41.483Z',
  },
  {
    source: 'sinch-rai',
    timeCategory: '2019-12-03T07:30:00.000Z',
    userId: 'E936C474B22311D38FBE0090279A922E',
    userName: 'Fox, John',
    intervalStart: '2019-12-03T07:30:00.000Z',
    intervalEnd: '2019-12-03T07:45:00.000Z',
    ...ZERO,
    ...UNKNOWN,
    servingDuration: 658_870,
    readyDuration: 658_870,
    notReadyDuration: 0,
    freeDuration: 658_870,
    waitingDuration: 658_870,
    contactHandlingDuration: 0,
    afterworkDuration: 0,
    callOutDuration: 0,
    afterworkCallOutDuration: 0,
    countOfHandledCallOut: 0,
    maxChangeTimestamp: '2019-12-03T07:40:59.600Z',
  },
];

function shuffled<T>(items: readonly T[], seedValue: number): T[] {
  const out = [...items];
  let s = seedValue;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('seed document agentStatusHistory example', () => {
  it('has the 21 records of the seed document', () => {
    expect(seed).toHaveLength(21);
  });

  it('replays to the hand-checked quarter-hours', () => {
    const result = replay(seed, sinchAgentStatusHistoryAdapter);
    expect(result.rejected).toEqual({});
    expect(result.accepted).toBe(21);
    expect(result.rows).toEqual(EXPECTED);
  });

  it('gives the same rows for shuffled and duplicated input', () => {
    for (let k = 1; k <= 5; k++) {
      const input = shuffled([...seed, ...seed.slice(0, 7 * k)], k);
      expect(replay(input, sinchAgentStatusHistoryAdapter).rows).toEqual(EXPECTED);
    }
  });

  it('rolls the session up to one day, week, month, year and all', () => {
    const day = replay(seed, sinchAgentStatusHistoryAdapter, { timeCategory: 'day', timeZone: 'Europe/Helsinki' }).rows;
    expect(day).toHaveLength(1);
    expect(day[0]).toMatchObject({
      timeCategory: '2019-12-03',
      intervalStart: '2019-12-02T22:00:00.000Z',
      intervalEnd: '2019-12-03T22:00:00.000Z',
      servingDuration: 1_259_743,
      countOfHandledCallOut: 1,
      ...UNKNOWN,
      maxChangeTimestamp: '2019-12-03T07:40:59.600Z',
    });
    expect(replay(seed, sinchAgentStatusHistoryAdapter, { timeCategory: 'week' }).rows[0]?.timeCategory).toBe('2019-W49');
    expect(replay(seed, sinchAgentStatusHistoryAdapter, { timeCategory: 'month' }).rows[0]?.timeCategory).toBe('2019-12');
    expect(replay(seed, sinchAgentStatusHistoryAdapter, { timeCategory: 'year' }).rows[0]?.timeCategory).toBe('2019');
    expect(replay(seed, sinchAgentStatusHistoryAdapter, { timeCategory: 'all' }).rows[0]).toMatchObject({
      timeCategory: 'all',
      intervalStart: '2019-12-03T07:15:00.000Z',
      intervalEnd: '2019-12-03T07:45:00.000Z',
      servingDuration: 1_259_743,
    });
  });

  it('cuts the session at --until', () => {
    const until = Date.parse('2019-12-03T07:20:30.000Z');
    const rows = replay(seed, sinchAgentStatusHistoryAdapter, { until }).rows;
    expect(rows).toHaveLength(1);
    // 07:19:59.127 → 07:20:30.000 = 30873 ms; the Talking run is still going, so no count yet.
    expect(rows[0]).toMatchObject({ servingDuration: 30_873, callOutDuration: 8_093, countOfHandledCallOut: 0 });
  });
});

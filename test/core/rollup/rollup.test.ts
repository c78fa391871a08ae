import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { knownRows, SINCH_KNOWN_FIELDS, SINCH_UNKNOWN_FIELDS } from '../../support/known-metrics.ts';
import type { QuarterHourAggregate } from '../../../src/core/replay/quarter-hour-aggregation.ts';
import { rollUp } from '../../../src/core/rollup/rollup.ts';
import type { SourceId } from '../../../src/core/source/source-id.ts';
import { sourceProfile } from '../../../src/core/source/source-profiles.ts';
import { metricIndex, newMetricVector } from '../../../src/core/statistic/metric-vector.ts';
import { profileCoverage, publishCovered } from '../../../src/core/statistic/published-metrics.ts';

function rec(sessionId: string, at: string, fields: Record<string, string>): Record<string, string> {
  return { sessionId, userId: 'U1', userName: 'Agent', changeTimeStamp: at, ...fields };
}

/** A Helsinki agent working across the spring-forward night (2024-03-31 03:00 → 04:00 local). */
const RECORDS = [
  rec('S1', '2024-03-30 20:00:00', { userStatus: 'Ready', userStatusTimeStamp: '2024-03-30 20:00:00', status: 'Waiting', statusTimestamp: '2024-03-30 20:00:00' }),
  rec('S1', '2024-03-31 02:00:00', { status: 'Talking_Inbound', statusTimestamp: '2024-03-31 02:00:00' }),
  rec('S1', '2024-03-31 02:10:00', { status: 'Wrap', statusTimestamp: '2024-03-31 02:10:00' }),
  rec('S1', '2024-03-31 23:30:00', { status: 'LoggedOut', statusTimestamp: '2024-03-31 23:30:00' }),
];

describe('roll-ups', () => {
  it('are the field-wise sums of their quarter-hours, exact across a 23 h local day', () => {
    const quarters = replay(RECORDS, sinchAgentStatusHistoryAdapter).rows;
    const days = replay(RECORDS, sinchAgentStatusHistoryAdapter, { timeCategory: 'day', timeZone: 'Europe/Helsinki' }).rows;
    expect(days.map((d) => [d.timeCategory, d.intervalStart, d.intervalEnd])).toEqual([
      ['2024-03-30', '2024-03-29T22:00:00.000Z', '2024-03-30T22:00:00.000Z'],
      ['2024-03-31', '2024-03-30T22:00:00.000Z', '2024-03-31T21:00:00.000Z'],
      ['2024-04-01', '2024-03-31T21:00:00.000Z', '2024-04-01T21:00:00.000Z'],
    ]);
    expect(days[1]?.servingDuration).toBe(23 * 3_600_000);
    for (const day of days) {
      const inside = quarters.filter((q) => q.intervalStart >= day.intervalStart && q.intervalStart < day.intervalEnd);
      const [sinchDay] = knownRows([day]);
      for (const f of SINCH_KNOWN_FIELDS) expect(sinchDay?.[f], f).toBe(knownRows(inside).reduce((s, q) => s + q[f], 0));
      for (const f of SINCH_UNKNOWN_FIELDS) expect(day[f], f).toBeNull();
    }
    const all = replay(RECORDS, sinchAgentStatusHistoryAdapter, { timeCategory: 'all' }).rows;
    expect(all).toHaveLength(1);
    expect(all[0]?.servingDuration).toBe(27.5 * 3_600_000);
    expect(all[0]?.countOfHandledCallIn).toBe(1);
  });
  it('has a 25 h local day at the autumn change (America/New_York)', () => {
    const records = [
      rec('S2', '2024-11-03 03:00:00', { userStatus: 'Pause', userStatusTimeStamp: '2024-11-03 03:00:00', status: 'Waiting', statusTimestamp: '2024-11-03 03:00:00' }),
      // a status row within every 24 h keeps the session open (the idle rule, docs/metrics.md)
      rec('S2', '2024-11-03 20:00:00', { status: 'Waiting', statusTimestamp: '2024-11-03 20:00:00' }),
      rec('S2', '2024-11-04 06:00:00', { status: 'LoggedOut', statusTimestamp: '2024-11-04 06:00:00' }),
    ];
    const days = replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: 'day', timeZone: 'America/New_York' }).rows;
    expect(days.find((d) => d.timeCategory === '2024-11-03')?.pauseDuration).toBe(25 * 3_600_000);
    const hours = replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: 'hour', timeZone: 'America/New_York' }).rows;
    expect(hours.filter((h) => h.timeCategory.startsWith('2024-11-03T01:')).map((h) => h.timeCategory)).toEqual([
      '2024-11-03T01:00:00.000-04:00',
      '2024-11-03T01:00:00.000-05:00',
    ]);
  });
});

describe('rollUp over sources', () => {
  const Q = 900_000;
  const DAY = Date.UTC(2024, 4, 6);
  const aggregate = (userId: string, start: number, source: SourceId, serving: number): QuarterHourAggregate => {
    const vector = newMetricVector();
    vector[metricIndex('servingDuration')] = serving;
    vector[metricIndex('callInDuration')] = serving / 2;
    return { userId, userName: userId, start, vector, maxChangeTime: start, source, coverage: profileCoverage(sourceProfile(source)) };
  };

  it('keeps one source per user; across users the sources and the coverage of every component', () => {
    const rows = [aggregate('', DAY, 'sinch-rai', 600), aggregate('', DAY + Q, 'evo-voice', 300), aggregate('', DAY + 2 * Q, 'sinch-rai', 100)];
    const [day] = rollUp(rows, 'day', 'UTC');
    expect(day?.sources).toEqual(['evo-voice', 'sinch-rai']);
    const { metrics, partialFields } = publishCovered(day!.vector, day!.coverage);
    expect(metrics.servingDuration).toBe(1000);
    expect(metrics.callInDuration).toBeNull();
    expect(partialFields).toContain('callInDuration');
    const [evo] = rollUp([aggregate('U', DAY, 'evo-voice', 300), aggregate('U', DAY + Q, 'evo-voice', 300)], 'day', 'UTC');
    expect(evo?.sources).toEqual(['evo-voice']);
    expect(publishCovered(evo!.vector, evo!.coverage)).toMatchObject({ partialFields: [], metrics: { servingDuration: 600, callInDuration: null } });
  });
});

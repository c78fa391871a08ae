/**
 * statisticPage's shortcuts (src/http/statistic-rows.ts) answer exactly what the full path answers: timestamps sorted
 * as numbers only where that is the order of their text, and day rows of stored days taken as read only where the
 * roll-up would give them unchanged.
 */
import { describe, expect, it } from 'vitest';
import { periodOf } from '../../src/core/rollup/period.ts';
import type { PeriodAggregate } from '../../src/core/rollup/rollup.ts';
import type { SourceId } from '../../src/core/source/source-id.ts';
import { METRIC_COUNT } from '../../src/core/statistic/metric-vector.ts';
import { FIELD_KNOWN } from '../../src/core/statistic/published-metrics.ts';
import type { CompletenessView } from '../../src/http/completeness.ts';
import type { RowSelection } from '../../src/http/row-selection.ts';
import { statisticPage } from '../../src/http/statistic-rows.ts';
import { WildcardPattern } from '../../src/http/wildcard-match.ts';
import type { StatisticView } from '../../src/http/statistic-rows.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { qh } from './support/http-fixture.ts';

const ZONE = 'Europe/Helsinki';
const DAY = periodOf(Date.UTC(2024, 5, 3, 12), 'day', ZONE);
const VIEW: StatisticView = { category: 'day', zone: ZONE, showUser: true, showCompleteness: true, rangeEnd: DAY.end + 86_400_000 };
const COMPLETENESS: CompletenessView = { upTo: DAY.end, completeUpTo: DAY.end, allowedLatenessMs: 0, appliedPartitions: 1, expectedPartitions: 1, incomplete: null };

function storedDay(userId: string, maxChangeTime: number, sources: readonly SourceId[] = ['sinch-rai'], day = DAY): PeriodAggregate {
  return {
    userId, userName: `name ${userId}`, label: day.label, start: day.start, end: day.end, spanStart: day.start + 3_600_000, spanEnd: day.start + 7_200_000,
    vector: Float64Array.from({ length: METRIC_COUNT }, (_, i) => i * 1000 + userId.length), maxChangeTime, coverage: new Uint8Array(METRIC_COUNT).fill(FIELD_KNOWN), sources,
  };
}

function selection(sortField: string, extra: Partial<RowSelection> = {}): RowSelection {
  return { filters: [], sortField, descending: false, collator: undefined, offset: 0, limit: 10_000, ...extra };
}

/** A filter every row matches: statisticPage then formats every row before sorting (the reference path). */
const MATCH_ALL: RowSelection['filters'] = [{ field: 'intervalStart', value: '*', pattern: new WildcardPattern('*') }];

describe('statisticPage', () => {
  it('sorts timestamps outside the four-digit years by their text, as the fully formatted rows sort', () => {
    // "+010000-…" sorts before "2024-…" as text, after it as a number; "-000001-…" sorts before both as text
    const days = [storedDay('a', Date.UTC(2024, 0, 1)), storedDay('b', 8_640_000_000_000_000), storedDay('c', Date.UTC(2023, 0, 1)), storedDay('d', -62_198_755_200_000)];
    for (const descending of [false, true]) {
      for (const sortField of ['maxChangeTimestamp', 'intervalStart']) {
        const fast = statisticPage([], VIEW, COMPLETENESS, days, selection(sortField, { descending }));
        const full = statisticPage([], VIEW, COMPLETENESS, days, selection(sortField, { descending, filters: MATCH_ALL }));
        expect(fast.page.map((row) => row['userId']), `${sortField} ${descending}`).toEqual(full.page.map((row) => row['userId']));
      }
    }
    const ordered = statisticPage([], VIEW, COMPLETENESS, days, selection('maxChangeTimestamp')).page.map((row) => row['userId']);
    expect(ordered).toEqual(['b', 'd', 'c', 'a']);
  });

  it('sorts timestamps as numbers in the same order as their text, rows without one last, ties in user order', () => {
    const days = [storedDay('a', 5_000), storedDay('b', Number.NEGATIVE_INFINITY), storedDay('c', 3_000), storedDay('d', 5_000), storedDay('e', 1_000)];
    for (const descending of [false, true]) {
      for (const [offset, limit] of [[0, 10], [1, 2]] as const) {
        const fast = statisticPage([], VIEW, COMPLETENESS, days, selection('maxChangeTimestamp', { descending, offset, limit }));
        const full = statisticPage([], VIEW, COMPLETENESS, days, selection('maxChangeTimestamp', { descending, offset, limit, filters: MATCH_ALL }));
        expect(fast, `${descending} ${offset}`).toEqual(full);
      }
    }
    expect(statisticPage([], VIEW, COMPLETENESS, days, selection('maxChangeTimestamp', { descending: true })).page.map((row) => row['userId'])).toEqual(['a', 'd', 'c', 'e', 'b']);
  });

  it('answers day rows of stored days as the roll-up does: sources sorted, every field the same', () => {
    const days = [storedDay('a', 5_000, ['thulium-reports', 'sinch-rai'] as unknown as SourceId[]), storedDay('b', 6_000, ['sinch-rai'])];
    const alone = statisticPage([], VIEW, COMPLETENESS, days, selection('userId'));
    // a quarter-hour of another user on another day sends every row through the core roll-up
    const other: QuarterHourRow = qh('z', DAY.end + 3_600_000, 1_000);
    const rolled = statisticPage([other], VIEW, COMPLETENESS, days, selection('userId'));
    expect(rolled.page.slice(0, 2)).toEqual(alone.page);
    expect(alone.page[0]?.['source']).toBe('sinch-rai,thulium-reports');
  });
});

/**
 * Property: rolling quarter-hours up to local days first and the days up to weeks, months, years or `all`
 * (rollUpComponents over day periods, what the read-shaped store does) gives, row for row, what an independent
 * oracle computes from the quarter-hours directly: luxon local periods, field-wise sums, OR of coverages, sorted
 * distinct sources, summed extras, max change time with the user name of the latest component holding it, and the
 * span of the contributing quarter-hours. Zones with 30- and 45-minute offsets and DST changes are included;
 * quarter-hours are placed around DST changes and month and year ends.
 *
 * Can it fail? The last test feeds the days in the wrong zone and expects a mismatch.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { QuarterHourAggregate } from '../../../src/core/replay/quarter-hour-aggregation.ts';
import type { TimeCategory } from '../../../src/core/rollup/period.ts';
import type { PeriodAggregate } from '../../../src/core/rollup/rollup.ts';
import { periodComponent, rollUp, rollUpComponents } from '../../../src/core/rollup/rollup.ts';
import type { SourceId } from '../../../src/core/source/source-id.ts';
import { METRIC_COUNT } from '../../../src/core/statistic/metric-vector.ts';
import { fcParams } from '../properties/support.ts';

const ZONES = ['UTC', 'Europe/Helsinki', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu'] as const;
const COARSE: readonly TimeCategory[] = ['week', 'month', 'year', 'all'];
const Q = 900_000;
/** Anchors next to DST changes (Helsinki, St John's) and month/year ends. */
const ANCHORS = ['2024-03-30T12:00:00Z', '2024-03-09T12:00:00Z', '2024-10-26T12:00:00Z', '2024-11-02T12:00:00Z', '2024-12-30T00:00:00Z', '2025-01-31T10:00:00Z'].map(Date.parse);
const SOURCES: readonly SourceId[] = ['sinch-rai', 'thulium', 'hostedsuite'];

interface OracleRow {
  userId: string;
  userName: string;
  label: string;
  start: number;
  end: number;
  spanStart: number;
  spanEnd: number;
  vector: number[];
  maxChangeTime: number;
  coverage: number[];
  sources: string[];
  extras?: Record<string, number>;
}

const UNITS = { day: 'day', week: 'week', month: 'month', year: 'year' } as const;
const FORMATS = { day: 'yyyy-MM-dd', week: "kkkk-'W'WW", month: 'yyyy-MM', year: 'yyyy' } as const;

function oracleKey(start: number, category: TimeCategory, zone: string): { start: number; end: number; label: string } {
  if (category === 'all' || category === 'quarterHour' || category === 'hour') throw new Error('oracle: not a calendar category');
  const local = DateTime.fromMillis(start, { zone }).startOf(UNITS[category]);
  return { start: local.toMillis(), end: local.plus({ [UNITS[category]]: 1 }).startOf(UNITS[category]).toMillis(), label: local.toFormat(FORMATS[category]) };
}

/** Rows by userId, then start: the quarter-hours grouped as the API documents roll-ups, written without src/core/rollup. */
function oracle(quarterHours: readonly QuarterHourAggregate[], category: TimeCategory, zone: string): OracleRow[] {
  const groups = new Map<string, OracleRow>();
  for (const qh of quarterHours) {
    const period = category === 'all' ? { start: 0, end: 0, label: 'all' } : oracleKey(qh.start, category, zone);
    const key = `${qh.userId}|${period.start}`;
    let row = groups.get(key);
    if (row === undefined) {
      row = { userId: qh.userId, userName: qh.userName, ...period, spanStart: qh.start, spanEnd: qh.start + Q, vector: new Array<number>(METRIC_COUNT).fill(0), maxChangeTime: qh.maxChangeTime, coverage: new Array<number>(METRIC_COUNT).fill(0), sources: [] };
      groups.set(key, row);
    }
    qh.vector.forEach((value, i) => (row.vector[i]! += value));
    qh.coverage.forEach((value, i) => (row.coverage[i]! |= value));
    if (!row.sources.includes(qh.source)) row.sources.push(qh.source);
    if (qh.extras !== undefined) for (const [k, v] of Object.entries(qh.extras)) (row.extras ??= {})[k] = (row.extras[k] ?? 0) + v;
    if (qh.maxChangeTime >= row.maxChangeTime) {
      row.maxChangeTime = qh.maxChangeTime;
      row.userName = qh.userName;
    }
    row.spanStart = Math.min(row.spanStart, qh.start);
    row.spanEnd = Math.max(row.spanEnd, qh.start + Q);
  }
  const rows = [...groups.values()];
  for (const row of rows) {
    row.sources.sort();
    if (category === 'all') {
      row.start = row.spanStart;
      row.end = row.spanEnd;
    }
  }
  return rows.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.start - b.start));
}

function plain(row: PeriodAggregate): OracleRow {
  return {
    userId: row.userId, userName: row.userName, label: row.label, start: row.start, end: row.end, spanStart: row.spanStart, spanEnd: row.spanEnd,
    vector: [...row.vector], maxChangeTime: row.maxChangeTime, coverage: [...row.coverage], sources: [...row.sources], ...(row.extras === undefined ? {} : { extras: row.extras }),
  };
}

const quarterHoursArb = fc
  .tuple(
    fc.constantFrom(...ANCHORS),
    fc.array(
      fc.record({
        user: fc.constantFrom('A', 'B', 'C'),
        offset: fc.integer({ min: -4 * 96, max: 40 * 96 }),
        values: fc.array(fc.integer({ min: 0, max: 900_000 }), { minLength: METRIC_COUNT, maxLength: METRIC_COUNT }),
        unknown: fc.array(fc.boolean(), { minLength: METRIC_COUNT, maxLength: METRIC_COUNT }),
        source: fc.constantFrom(...SOURCES),
        change: fc.integer({ min: 0, max: 5 }),
        name: fc.constantFrom('x', 'y', 'z'),
        extra: fc.option(fc.record({ key: fc.constantFrom('k1', 'k2'), value: fc.integer({ min: 0, max: 1000 }) }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  )
  .map(([anchor, drafts]) => {
    const byKey = new Map<string, QuarterHourAggregate>();
    for (const d of drafts) {
      const start = Math.floor(anchor / Q) * Q + d.offset * Q;
      byKey.set(`${d.user}|${start}`, {
        userId: d.user,
        userName: d.name,
        start,
        vector: Float64Array.from(d.values),
        maxChangeTime: anchor + d.change * Q,
        source: d.source,
        coverage: Uint8Array.from(d.unknown, (u) => (u ? 2 : 1)),
        ...(d.extra === undefined ? {} : { extras: { [d.extra.key]: d.extra.value } }),
      });
    }
    return [...byKey.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.start - b.start));
  });

function viaDays(quarterHours: readonly QuarterHourAggregate[], category: TimeCategory, zone: string): PeriodAggregate[] {
  const days = rollUp(quarterHours, 'day', zone);
  return rollUpComponents(days.map(periodComponent), category, zone);
}

describe('roll-ups over day components', () => {
  for (const zone of ZONES) {
    it(`equal the oracle's roll-up of the quarter-hours for day, week, month, year and all in ${zone}`, () => {
      fc.assert(
        fc.property(quarterHoursArb, (quarterHours) => {
          expect(rollUp(quarterHours, 'day', zone).map(plain)).toEqual(oracle(quarterHours, 'day', zone));
          for (const category of COARSE) expect(viaDays(quarterHours, category, zone).map(plain), category).toEqual(oracle(quarterHours, category, zone));
        }),
        fcParams(100),
      );
    });
  }

  it('can fail: days of another zone do not add up to the periods of this one', () => {
    const qh = (iso: string): QuarterHourAggregate => ({ userId: 'A', userName: 'x', start: Date.parse(iso), vector: Float64Array.from({ length: METRIC_COUNT }, () => 1), maxChangeTime: 0, source: 'sinch-rai', coverage: new Uint8Array(METRIC_COUNT).fill(1) });
    // 23:30 on 31 January and 00:30 on 1 February in Kolkata, one UTC day
    const quarterHours = [qh('2024-01-31T18:00:00Z'), qh('2024-01-31T19:00:00Z')];
    const utcDays = rollUp(quarterHours, 'day', 'UTC');
    expect(() => rollUpComponents(utcDays.map(periodComponent), 'month', 'Asia/Kolkata')).toThrow(RangeError);
    expect(viaDays(quarterHours, 'month', 'Asia/Kolkata').map(plain)).toEqual(oracle(quarterHours, 'month', 'Asia/Kolkata'));
    expect(oracle(quarterHours, 'month', 'Asia/Kolkata')).toHaveLength(2);
  });

  it('refuses a component that crosses a period boundary', () => {
    const [day] = rollUp([{ userId: 'A', userName: 'x', start: Date.parse('2024-01-31T23:45:00Z'), vector: new Float64Array(METRIC_COUNT), maxChangeTime: 0, source: 'sinch-rai', coverage: new Uint8Array(METRIC_COUNT) }], 'day', 'UTC');
    expect(() => rollUpComponents([{ ...periodComponent(day!), spanEnd: day!.spanEnd + Q }], 'month', 'UTC')).toThrow(RangeError);
  });
});

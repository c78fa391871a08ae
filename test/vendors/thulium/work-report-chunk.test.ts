import { describe, expect, it } from 'vitest';
import { sumQuarterHour } from '../../../src/vendors/thulium/quarter-hour-sum.ts';
import { buildChunkRecords } from '../../../src/vendors/thulium/work-report-chunk.ts';
import { durationSeconds, parseWorkReportRow } from '../../../src/vendors/thulium/work-report-row.ts';
import { minuteRows } from './support/minute-rows.ts';

const WAW = 'Europe/Warsaw';
const ENVELOPE = { tenant: 'acme', source: 'thulium/agents-work-report', timeZone: WAW, outboundThreshold: 0, polledAt: 1, pollId: 'p1' };
const QH = 900_000;
const SEED_ROW = { agent: { login: 'jkowalski', name: 'Janko', surname: 'Walski' }, period: '2019-12', inbound: { count: 0, answered_count: 0, not_answered_count: 0, transferred_count: 0, sum: '00:00:00', average: '00:00:00', wait_sum: 0, wait_average: '00:00:00', calls_per_hour: 0 }, chat: { closed: 0, responded: 0 }, ticket: { closed: 0, responded: 0, total_responded: 0 }, outbound_above_threshold: { count: 0, sum: '00:00:00', average: '00:00:00' }, outbound_below_threshold: { count: 0, sum: '00:00:00', average: '00:00:00' }, login_date: '2019-12-01 09:00:18', logout_date: '2019-12-25 10:45:02', pauses: [{ id: 'all', count: 0, sum: '00:00:00', average: '00:00:00' }, { id: 'free', count: 0, sum: '00:00:00', average: '00:00:00' }, { id: 0, count: 0, sum: '00:00:00' }, { id: 1, count: 0, sum: '00:00:00', average: '00:00:00' }, { id: 2, count: 0, sum: '00:00:00', average: '00:00:00' }, { id: 3, count: 0, sum: '00:00:00' }, { id: 4, count: 0, sum: '00:00:00' }] };

describe('work report rows', () => {
  it('accepts the seed row (pause items without average) and reads durations with unbounded hours', () => {
    expect('row' in parseWorkReportRow(SEED_ROW)).toBe(true);
    expect(durationSeconds('123:45:06')).toBe(123 * 3600 + 45 * 60 + 6);
    for (const bad of ['1:2:3', '00:60:00', '00:00', '-1:00:00', '00:00:00.5']) expect(durationSeconds(bad), bad).toBeUndefined();
  });
});

describe('buildChunkRecords', () => {
  const from = Date.parse('2026-10-25T00:00:00Z');
  const to = Date.parse('2026-10-25T02:00:00Z');

  it('publishes one record per agent and UTC quarter-hour across the repeated hour, each minute once', () => {
    const rows = minuteRows(['anna', 'bob'], from, to, WAW);
    const built = buildChunkRecords({ start: from, end: to }, rows, ENVELOPE);
    expect(built.rejections).toEqual([]);
    expect(built.records.length).toBe(2 * 8);
    const starts = built.records.filter((r) => r.login === 'anna').map((r) => r.value['windowStart']);
    expect(starts).toEqual(Array.from({ length: 8 }, (_, i) => from + i * QH));
    const minutes = built.records.flatMap((r) => (r.value['minutes'] as Array<{ minuteStart: number; period: string }>).map((m) => `${r.login}|${m.minuteStart}`));
    expect(new Set(minutes).size).toBe(rows.length);
    const first = built.records.find((r) => r.login === 'anna' && r.value['windowStart'] === from + 4 * QH);
    const firstMinute = (first?.value['minutes'] as Array<{ period: string }>)[0];
    expect(firstMinute?.period).toBe('2026-10-25 02:00');
    expect(first?.value).toMatchObject({ tenant: 'acme', agentLogin: 'anna', windowEnd: from + 5 * QH, vendorPoll: to, vendorRow: 60, chunkStart: from, chunkEnd: to, timeZone: WAW });
    const bobFirst = built.records.find((r) => r.login === 'bob' && r.value['windowStart'] === from);
    expect(bobFirst?.value['vendorRow']).toBe(120);
  });

  it('dead-letters the whole agent (not others) when a duration, a label or a row shape is wrong', () => {
    const rows = minuteRows(['anna', 'bob', 'carl', 'dora'], from, to, WAW);
    const at = (login: string, i: number) => rows.filter((r) => (r['agent'] as { login: string }).login === login)[i] as Record<string, unknown>;
    (at('anna', 7)['inbound'] as Record<string, unknown>)['sum'] = '0:07';
    at('bob', 61)['period'] = '2026-10-25 02:00';
    delete at('carl', 3)['pauses'];
    const built = buildChunkRecords({ start: from, end: to }, [...rows, { agent: {}, period: 'x' }], ENVELOPE);
    expect(built.rejections.map((r) => [r.login, r.errorCode, r.rows.length])).toEqual([[null, 'no-login', 1], ['anna', 'bad-row', 120], ['bob', 'label-sequence', 120], ['carl', 'bad-row', 120]]);
    expect(built.records.every((r) => r.login === 'dora')).toBe(true);
    expect(built.records.length).toBe(8);
  });

  it('rejects a login_date outside its minute', () => {
    const rows = minuteRows(['anna'], from, from + 3_600_000, WAW);
    (rows[2] as Record<string, unknown>)['login_date'] = '2026-10-25 02:59:00';
    const built = buildChunkRecords({ start: from, end: from + 3_600_000 }, rows, ENVELOPE);
    expect(built.rejections.map((r) => r.errorCode)).toEqual(['bad-figures']);
  });
});

describe('sumQuarterHour', () => {
  it('sums counts and durations of 15 minutes; login instant is in the repeated run it was served in', () => {
    const start = Date.parse('2026-10-25T01:00:00Z');
    const rows = minuteRows(['anna'], start, start + QH, WAW).map((row, i) => ({ minuteStart: start + i * 60_000, row: (parseWorkReportRow(row) as { row: never }).row }));
    const figures = sumQuarterHour(start, rows, WAW);
    const parsed = rows.map((r) => r.row as { inbound: { answered_count: number; sum: string }; login_date: string | null; pauses: Array<{ id: string | number; sum: string }> });
    expect(figures.minutes).toBe(15);
    expect(figures.inbound.answered).toBe(parsed.reduce((n, r) => n + r.inbound.answered_count, 0));
    expect(figures.inbound.seconds).toBe(parsed.reduce((n, r) => n + (durationSeconds(r.inbound.sum) ?? Number.NaN), 0));
    const allSeconds = parsed.reduce((n, r) => n + (durationSeconds(r.pauses.find((p) => p.id === 'all')?.sum ?? '') ?? Number.NaN), 0);
    const freeSeconds = parsed.reduce((n, r) => n + (durationSeconds(r.pauses.find((p) => p.id === 'free')?.sum ?? '') ?? Number.NaN), 0);
    expect(figures.pauses.get('all')?.seconds).toBe(allSeconds);
    expect(figures.inbound.seconds + allSeconds + freeSeconds).toBe(15 * 60);
    const loginIndex = parsed.findIndex((r) => r.login_date !== null);
    expect(figures.loginAt).toBe(loginIndex < 0 ? null : start + loginIndex * 60_000 + 5_000);
  });

  it('throws on a minute outside the quarter-hour or given twice', () => {
    const start = Date.parse('2026-10-25T01:00:00Z');
    const rows = minuteRows(['anna'], start, start + 2 * 60_000, WAW).map((row, i) => ({ minuteStart: start + i * 60_000, row: (parseWorkReportRow(row) as { row: never }).row }));
    expect(() => sumQuarterHour(start, [rows[0] as never, rows[0] as never], WAW)).toThrow(/twice/);
    expect(() => sumQuarterHour(start + QH, rows, WAW)).toThrow(/not a minute/);
  });
});

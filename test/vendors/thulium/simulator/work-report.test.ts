import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningThuliumSimulator } from '../../../../src/vendors/thulium/simulator/index.ts';
import { allRows, get, pause, reportQuery, seconds, simulator } from './support.ts';
import type { Row } from './support.ts';

const SEED_FILE = '/work/shared/seeds/002_2e7f2b8bf91eb5a7.txt';

/** Key paths of a JSON value, in order (array items by index). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyPaths(item, `${prefix}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
  return [];
}

/** The seed's example row, its documentation typo (`"login": jkowalski` unquoted) repaired. */
async function seedRow(): Promise<Record<string, unknown>> {
  const text = await readFile(SEED_FILE, 'utf8');
  const example = /^\[ \{ "agent".*\] \}? ?\]$/m.exec(text)?.[0] ?? '';
  const rows = JSON.parse(example.replace('"login": jkowalski', '"login": "jkowalski"')) as Array<Record<string, unknown>>;
  return rows[0] ?? {};
}

describe('Thulium simulator: GET agents_work_report', () => {
  let sim: RunningThuliumSimulator;
  let logins: string[] = [];
  beforeAll(async () => {
    sim = await simulator();
    logins = sim.world.timelines.map((t) => t.agent.login);
  });
  afterAll(() => sim.close());

  it('a row has exactly the seed example row keys, in order (pause items 0, 3, 4 without average), values typed as in the seed', async () => {
    const seed = await seedRow();
    const rows = await allRows(sim, { agent_logins: logins, date_from: '2026-10-24', date_to: '2026-10-25', aggregate_by: 'day' });
    expect(rows).toHaveLength(logins.length * 2);
    for (const row of rows) {
      expect(keyPaths(row)).toEqual(keyPaths(seed));
      expect(typeof row.inbound.wait_sum).toBe('number');
      expect(typeof row.inbound.calls_per_hour).toBe('number');
      for (const d of [row.inbound.sum, row.inbound.average, row.inbound.wait_average, ...row.pauses.map((p) => p.sum)]) expect(d).toMatch(/^\d{2,}:\d{2}:\d{2}$/);
    }
    expect(rows.some((row) => row.inbound.answered_count > 0 && pause(row, 'all').count > 0)).toBe(true);
  });

  it('every aggregate_by has its period label; default month; rows by login, then period; all-zero rows included', async () => {
    const base = { agent_logins: logins.slice(0, 2), date_from: '2026-10-24 23:58', date_to: '2026-10-25 00:02' };
    const cases: Array<[string | undefined, RegExp, number]> = [
      ['minute', /^2026-10-2[45] \d{2}:\d{2}$/, 4],
      ['hour', /^2026-10-2[45] \d{2}$/, 2],
      ['day', /^2026-10-2[45]$/, 2],
      ['week', /^2026-W43$/, 1],
      ['month', /^2026-10$/, 1],
      [undefined, /^2026-10$/, 1],
      ['year', /^2026$/, 1],
      ['hour_of_day', /^(23|00)$/, 2],
    ];
    for (const [aggregate, label, perAgent] of cases) {
      const rows = await allRows(sim, aggregate === undefined ? base : { ...base, aggregate_by: aggregate });
      expect(rows.map((r) => r.agent.login)).toEqual([...logins.slice(0, 2)].sort().flatMap((l) => Array<string>(perAgent).fill(l)));
      for (const row of rows) expect(row.period).toMatch(label);
    }
    const minutes = await allRows(sim, { ...base, aggregate_by: 'minute', agent_logins: [logins[0] ?? ''] });
    expect(minutes.map((r) => r.period)).toEqual(['2026-10-24 23:58', '2026-10-24 23:59', '2026-10-25 00:00', '2026-10-25 00:01']);
    const hours = await allRows(sim, { ...base, aggregate_by: 'hour_of_day', agent_logins: [logins[0] ?? ''] });
    expect(hours.map((r) => r.period)).toEqual(['00', '23']);
    const weeks = await allRows(sim, { agent_logins: [logins[0] ?? ''], date_from: '2026-10-25', date_to: '2026-10-26', aggregate_by: 'week' });
    expect(weeks.map((r) => r.period)).toEqual(['2026-W43', '2026-W44']);
  });

  it('durations are clipped at the range edges: a day equals the sum of its hours, and the sum of minute rows of a partial hour', async () => {
    for (const login of logins) {
      const [day] = await allRows(sim, { agent_logins: [login], date_from: '2026-10-24 06:30:30', date_to: '2026-10-24 18:15:10', aggregate_by: 'day' });
      const hours = await allRows(sim, { agent_logins: [login], date_from: '2026-10-24 06:30:30', date_to: '2026-10-24 18:15:10', aggregate_by: 'hour' });
      expect(hours).toHaveLength(13);
      const total = (rows: Row[], pick: (r: Row) => number): number => rows.reduce((sum, r) => sum + pick(r), 0);
      for (const pick of [(r: Row) => seconds(pause(r, 'free').sum), (r: Row) => seconds(pause(r, 'all').sum), (r: Row) => seconds(r.inbound.sum), (r: Row) => r.inbound.count, (r: Row) => r.inbound.wait_sum, (r: Row) => seconds(r.outbound_above_threshold.sum), (r: Row) => r.chat.closed, (r: Row) => pause(r, 'free').count]) {
        expect(total(hours, pick)).toBe(total(day ? [day] : [], pick));
      }
      const firstHour = await allRows(sim, { agent_logins: [login], date_from: '2026-10-24 06:30:30', date_to: '2026-10-24 07:00', aggregate_by: 'minute' });
      expect(firstHour).toHaveLength(30);
      expect(firstHour.reduce((s, r) => s + seconds(pause(r, 'free').sum) + seconds(pause(r, 'all').sum), 0)).toBe(seconds(pause(hours[0] as Row, 'free').sum) + seconds(pause(hours[0] as Row, 'all').sum));
    }
  });

  it('invariants: pauses[all] = Σ numeric pauses; inbound.count = answered + not answered; averages = sum / count rounded', async () => {
    const rows = await allRows(sim, { agent_logins: logins, date_from: '2026-10-24', date_to: '2026-10-26', aggregate_by: 'hour' });
    let busy = 0;
    for (const row of rows) {
      const numeric = row.pauses.filter((p) => typeof p.id === 'number');
      expect(numeric.map((p) => p.id)).toEqual([0, 1, 2, 3, 4]);
      expect(numeric.reduce((s, p) => s + seconds(p.sum), 0)).toBe(seconds(pause(row, 'all').sum));
      expect(numeric.reduce((s, p) => s + p.count, 0)).toBe(pause(row, 'all').count);
      expect(row.inbound.count).toBe(row.inbound.answered_count + row.inbound.not_answered_count);
      expect(row.inbound.transferred_count).toBeLessThanOrEqual(row.inbound.answered_count);
      const avg = (sum: number, count: number): number => (count === 0 ? 0 : Math.round(sum / count));
      expect(seconds(row.inbound.average)).toBe(avg(seconds(row.inbound.sum), row.inbound.answered_count));
      expect(seconds(row.inbound.wait_average)).toBe(avg(row.inbound.wait_sum, row.inbound.answered_count));
      for (const item of [...row.pauses.filter((p) => p.average !== undefined), row.outbound_above_threshold, row.outbound_below_threshold]) {
        expect(seconds(item.average ?? '')).toBe(avg(seconds(item.sum), item.count));
      }
      const logged = seconds(pause(row, 'free').sum) + seconds(pause(row, 'all').sum) + seconds(row.inbound.sum) + seconds(row.outbound_above_threshold.sum) + seconds(row.outbound_below_threshold.sum);
      expect(logged).toBeLessThanOrEqual(3_600);
      if (logged > 0) busy += 1;
    }
    expect(busy).toBeGreaterThan(20);
  });

  it('outbound_threshold moves calls from above to below; with 0 an unanswered attempt is below with 0 s', async () => {
    const query = { agent_logins: logins, date_from: '2026-10-24', date_to: '2026-10-25', aggregate_by: 'month' };
    const zero = await allRows(sim, query);
    const high = await allRows(sim, { ...query, outbound_threshold: 120 });
    for (const [i, row] of zero.entries()) {
      const other = high[i] as Row;
      expect(row.outbound_above_threshold.count + row.outbound_below_threshold.count).toBe(other.outbound_above_threshold.count + other.outbound_below_threshold.count);
      expect(other.outbound_above_threshold.count).toBeLessThanOrEqual(row.outbound_above_threshold.count);
    }
    expect(zero.some((r) => r.outbound_below_threshold.count > 0 && r.outbound_below_threshold.sum === '00:00:00')).toBe(true);
    expect(high.reduce((s, r) => s + r.outbound_below_threshold.count, 0)).toBeGreaterThan(zero.reduce((s, r) => s + r.outbound_below_threshold.count, 0));
  });

  it('paging: pages of 7 concatenate to the same rows as pages of 100, twice alike; a page past the end is empty', async () => {
    const query = { agent_group_ids: ['1', '2', '3'], date_from: '2026-10-24 08:00', date_to: '2026-10-24 09:00', aggregate_by: 'minute' };
    const big = await allRows(sim, query, 100);
    expect(big).toHaveLength(60 * logins.length);
    expect(await allRows(sim, query, 7)).toEqual(big);
    expect(await allRows(sim, query, 100)).toEqual(big);
    expect((await get(sim, reportQuery({ ...query, offset: big.length, limit: 10 }))).json).toEqual([]);
  });
});

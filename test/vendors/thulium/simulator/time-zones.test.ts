import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningThuliumSimulator } from '../../../../src/vendors/thulium/simulator/index.ts';
import { parseRequestDate } from '../../../../src/vendors/thulium/simulator/index.ts';
import { allRows, get, pause, seconds, simulator } from './support.ts';
import type { Row } from './support.ts';

const WARSAW = 'Europe/Warsaw';

/** Logged-in seconds a row states (every duration but ringing, preview and internal calls). */
function busy(row: Row): number {
  return seconds(pause(row, 'free').sum) + seconds(pause(row, 'all').sum) + seconds(row.inbound.sum) + seconds(row.outbound_above_threshold.sum) + seconds(row.outbound_below_threshold.sum);
}

describe('Thulium simulator: local dates and DST', () => {
  it('request dates: ambiguous → the first instant, a gap → moved forward by the gap, date-only date_to → next midnight', () => {
    expect(parseRequestDate('2026-10-25 02:30', WARSAW, false)).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(parseRequestDate('2026-10-25 02:00:00', WARSAW, false)).toBe(Date.parse('2026-10-25T00:00:00Z'));
    expect(parseRequestDate('2026-10-25 03:00', WARSAW, false)).toBe(Date.parse('2026-10-25T02:00:00Z'));
    expect(parseRequestDate('2026-03-29 02:30', WARSAW, false)).toBe(Date.parse('2026-03-29T01:30:00Z'));
    expect(parseRequestDate('2026-10-25', WARSAW, true)).toBe(Date.parse('2026-10-25T23:00:00Z'));
    expect(parseRequestDate('2026-10-25', WARSAW, false)).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(parseRequestDate('2026-10-25', 'America/New_York', false)).toBe(Date.parse('2026-10-25T04:00:00Z'));
  });

  describe('fall-back day 2026-10-25 in Europe/Warsaw', () => {
    let sim: RunningThuliumSimulator;
    let logins: string[] = [];
    beforeAll(async () => {
      sim = await simulator();
      logins = sim.world.timelines.map((t) => t.agent.login);
    });
    afterAll(() => sim.close());

    it('minute rows cover 25 h × 60 × agents; the repeated 02:xx labels come twice, in time order; the day total is neither short nor doubled', async () => {
      const rows = await allRows(sim, { agent_group_ids: ['1', '2', '3'], date_from: '2026-10-25', date_to: '2026-10-25', aggregate_by: 'minute' });
      expect(rows).toHaveLength(25 * 60 * logins.length);
      const [day] = await allRows(sim, { agent_logins: [logins[0] ?? ''], date_from: '2026-10-25', date_to: '2026-10-25', aggregate_by: 'day' });
      const expectedLabels: string[] = [];
      for (let t = Date.parse('2026-10-24T22:00:00Z'); t < Date.parse('2026-10-25T23:00:00Z'); t += 60_000) expectedLabels.push(DateTime.fromMillis(t, { zone: WARSAW }).toFormat('yyyy-MM-dd HH:mm'));
      let nightWork = 0;
      for (const login of logins) {
        const mine = rows.filter((r) => r.agent.login === login);
        expect(mine.map((r) => r.period)).toEqual(expectedLabels);
        const labels = mine.map((r) => r.period);
        expect(labels.indexOf('2026-10-25 02:00')).toBe(120);
        expect(labels.lastIndexOf('2026-10-25 02:00')).toBe(180);
        nightWork += mine.slice(120, 240).reduce((s, r) => s + busy(r), 0);
        const [dayRow] = await allRows(sim, { agent_logins: [login], date_from: '2026-10-25', date_to: '2026-10-25', aggregate_by: 'day' });
        expect(mine.reduce((s, r) => s + busy(r), 0)).toBe(busy(dayRow as Row));
        expect(mine.reduce((s, r) => s + r.inbound.count + r.outbound_above_threshold.count + r.outbound_below_threshold.count, 0)).toBe((dayRow?.inbound.count ?? 0) + (dayRow?.outbound_above_threshold.count ?? 0) + (dayRow?.outbound_below_threshold.count ?? 0));
      }
      expect(nightWork).toBeGreaterThan(0);
      expect(day?.period).toBe('2026-10-25');
      const hours = await allRows(sim, { agent_logins: [logins[0] ?? ''], date_from: '2026-10-25', date_to: '2026-10-25', aggregate_by: 'hour' });
      expect(hours.map((r) => r.period.slice(11))).toEqual(['00', '01', '02', '02', ...Array.from({ length: 21 }, (_, i) => String(i + 3).padStart(2, '0'))]);
      const byHourOfDay = await allRows(sim, { agent_logins: [logins[0] ?? ''], date_from: '2026-10-25', date_to: '2026-10-25', aggregate_by: 'hour_of_day' });
      expect(byHourOfDay).toHaveLength(24);
      expect(busy(byHourOfDay[2] as Row)).toBe(busy(hours[2] as Row) + busy(hours[3] as Row));
    });

    it('a range starting in the repeated hour starts at its first pass; login/logout dates are local', async () => {
      const rows = await allRows(sim, { agent_logins: [logins[0] ?? ''], date_from: '2026-10-25 02:30', date_to: '2026-10-25 03:00', aggregate_by: 'minute' });
      expect(rows).toHaveLength(90);
      expect(rows[0]?.period).toBe('2026-10-25 02:30');
      expect(rows[30]?.period).toBe('2026-10-25 02:00');
      const statuses = (await get(sim, '/api/agents_statuses')).json as Array<{ last_change: string }>;
      for (const s of statuses) expect(s.last_change).toMatch(/^2026-10-2[4-7] \d{2}:\d{2}:\d{2}$/);
    });
  });

  describe('spring-forward day 2026-03-29 in Europe/Warsaw', () => {
    let sim: RunningThuliumSimulator;
    beforeAll(async () => {
      sim = await simulator({ from: Date.parse('2026-03-27T23:00:00Z'), to: Date.parse('2026-03-30T22:00:00Z') });
    });
    afterAll(() => sim.close());

    it('minute rows cover 23 h × 60 per agent with no 02:xx label; a date_from in the gap moves forward', async () => {
      const login = sim.world.timelines[0]?.agent.login ?? '';
      const rows = await allRows(sim, { agent_logins: [login], date_from: '2026-03-29', date_to: '2026-03-29', aggregate_by: 'minute' });
      expect(rows).toHaveLength(23 * 60);
      expect(rows.some((r) => r.period.startsWith('2026-03-29 02:'))).toBe(false);
      expect(rows[119]?.period).toBe('2026-03-29 01:59');
      expect(rows[120]?.period).toBe('2026-03-29 03:00');
      const gap = await allRows(sim, { agent_logins: [login], date_from: '2026-03-29 02:30', date_to: '2026-03-29 04:00', aggregate_by: 'minute' });
      expect(gap.map((r) => r.period)[0]).toBe('2026-03-29 03:30');
      expect(gap).toHaveLength(30);
      const hours = await allRows(sim, { agent_logins: [login], date_from: '2026-03-29', date_to: '2026-03-29', aggregate_by: 'hour' });
      expect(hours).toHaveLength(23);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { replay } from '../../src/core/replay/replay.ts';
import type { AgentStatisticRow } from '../../src/core/replay/replay.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateRawHistory } from '../processor/support/raw-history.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, rowsOf, TENANT, testServer } from './support/http-fixture.ts';

/**
 * The acceptance test of GET /api/agents_work_report: for a Sinch RAI tenant stored through the real Redis writer, the
 * Thulium-shaped report read the way a Thulium client reads it (default zone Europe/Warsaw, pages of 100) agrees with
 * /agentStatistic for the same agents and periods, including 2024-10-27, the day Warsaw falls back (100 quarter-hours,
 * the hour 02 twice). The expected buckets and the field mapping are written out here, not taken from src/http.
 */
const START = Date.UTC(2024, 9, 25, 20);
const records = generateRawHistory({ seed: 11, agents: 5, start: START, spanMs: 52 * 3_600_000, sessionsPerAgent: 4 });
const quarterRows = replay(records, sinchAgentStatusHistoryAdapter).rows;
const USERS = [...new Set(quarterRows.map((row) => row.userId))].sort();
const FROM = Date.UTC(2024, 9, 25, 22); // 2024-10-26 00:00 CEST
const TO = Date.UTC(2024, 9, 27, 23); // 2024-10-28 00:00 CET
const HOUR = 3_600_000;

function stored(row: AgentStatisticRow): QuarterHourRow {
  const metrics = Object.fromEntries(METRIC_FIELDS.map((field) => [field, row[field]]));
  return {
    ...(metrics as Record<(typeof METRIC_FIELDS)[number], number | null>),
    tenant: TENANT, source: 'sinch-rai', userId: row.userId, userName: row.userName,
    intervalStart: parseTimestamp(row.intervalStart), intervalEnd: parseTimestamp(row.intervalEnd),
    revision: 1, status: 'final', final: true, maxChangeTimestamp: parseTimestamp(row.maxChangeTimestamp),
  };
}

/** "HH:MM:SS" (hours unbounded) → seconds; null stays null. */
function seconds(text: unknown): number | null {
  if (text === null) return null;
  const match = /^(\d{2,}):([0-5]\d):([0-5]\d)$/.exec(String(text));
  if (match === null) throw new Error(`not a Thulium duration: ${String(text)}`);
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

const secondsOf = (ms: unknown): number | null => (ms === null ? null : Math.round(Number(ms) / 1000));
const averageOf = (ms: unknown, count: unknown): number | null => (ms === null || count === null ? null : count === 0 ? 0 : Math.round(Number(ms) / Number(count) / 1000));

/** The Thulium fields our mapping fills, from a /agentStatistic row (null: no row for that period). */
function expectedFields(row: Record<string, unknown> | undefined): Record<string, unknown> {
  const f = (name: string): unknown => (row === undefined ? null : row[name]);
  return {
    name: row === undefined ? undefined : row['userName'],
    answered: f('countOfHandledCallIn'), inSum: secondsOf(f('callInDuration')), inAverage: averageOf(f('callInDuration'), f('countOfHandledCallIn')),
    chatClosed: f('countOfHandledChatIn'), ticketClosed: f('countOfHandledEmailIn'),
    outCount: f('countOfHandledCallOut'), outSum: secondsOf(f('callOutDuration')), outAverage: averageOf(f('callOutDuration'), f('countOfHandledCallOut')),
    pauseSum: secondsOf(f('pauseDuration')), freeSum: secondsOf(f('freeDuration')),
  };
}

interface ThuliumRow {
  agent: { login: string; name: string | null; surname: null };
  period: string;
  inbound: Record<string, unknown>;
  chat: Record<string, unknown>;
  ticket: Record<string, unknown>;
  outbound_above_threshold: Record<string, unknown>;
  outbound_below_threshold: Record<string, unknown>;
  pauses: { id: string; count: null; sum: string | null; average: null }[];
}

function actualFields(row: ThuliumRow, withName: boolean): Record<string, unknown> {
  return {
    name: withName ? row.agent.name : undefined,
    answered: row.inbound['answered_count'], inSum: seconds(row.inbound['sum']), inAverage: seconds(row.inbound['average']),
    chatClosed: row.chat['closed'], ticketClosed: row.ticket['closed'],
    outCount: row.outbound_above_threshold['count'], outSum: seconds(row.outbound_above_threshold['sum']), outAverage: seconds(row.outbound_above_threshold['average']),
    pauseSum: seconds(row.pauses[0]?.sum ?? null), freeSum: seconds(row.pauses[1]?.sum ?? null),
  };
}

const WARSAW_LABEL = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
function warsawHour(ms: number): string {
  const parts = Object.fromEntries(WARSAW_LABEL.formatToParts(ms).map((part) => [part.type, part.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}`;
}

/** The expected buckets of [FROM, TO) in Warsaw: label and UTC start, in time order. */
const BUCKETS = {
  hour: Array.from({ length: (TO - FROM) / HOUR }, (_, k) => ({ label: warsawHour(FROM + k * HOUR), start: FROM + k * HOUR })),
  day: [{ label: '2024-10-26', start: FROM }, { label: '2024-10-27', start: FROM + 24 * HOUR }],
};

let store: StoreFixture;
let app: FastifyInstance;

/** Every row, read as a Thulium client does: pages of 100 until a short page. */
async function thuliumReport(aggregate: string): Promise<ThuliumRow[]> {
  const logins = USERS.map((user) => `agent_logins[]=${user}`).join('&');
  const out: ThuliumRow[] = [];
  for (let offset = 0; ; offset += 100) {
    const response = await app.inject(`/api/agents_work_report?${logins}&date_from=2024-10-26&date_to=2024-10-27&aggregate_by=${aggregate}&limit=100&offset=${offset}`);
    expect(response.statusCode, response.body).toBe(200);
    const page = JSON.parse(response.body) as ThuliumRow[];
    out.push(...page);
    if (page.length < 100) return out;
  }
}

async function agentStatistic(category: string): Promise<Record<string, unknown>[]> {
  const response = await app.inject(`/agentStatistic?startTime=${new Date(FROM).toISOString()}&endTime=${new Date(TO).toISOString()}&timeCategory=${category}&timeZone=Europe/Warsaw&limit=10000&sort=intervalStart`);
  expect(response.statusCode, response.body).toBe(200);
  return rowsOf(response.body);
}

beforeAll(async () => {
  store = await createStoreFixture();
  await store.quarterHours(quarterRows.map(stored));
  app = testServer(store.reader);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /api/agents_work_report agrees with /agentStatistic for a Sinch RAI tenant (Europe/Warsaw)', () => {
  it('has Sinch data with calls, pauses, chats and e-mails on both days, the fall-back night included', () => {
    const inRange = quarterRows.filter((row) => parseTimestamp(row.intervalStart) >= FROM && parseTimestamp(row.intervalStart) < TO);
    expect(USERS).toHaveLength(5);
    for (const field of ['callInDuration', 'callOutDuration', 'pauseDuration', 'freeDuration', 'countOfHandledChatIn', 'countOfHandledEmailIn'] as const) {
      expect(inRange.some((row) => (row[field] ?? 0) > 0), field).toBe(true);
    }
    expect(inRange.some((row) => ['2024-10-27T00:', '2024-10-27T01:'].some((hour) => row.intervalStart.startsWith(hour)))).toBe(true);
  });

  for (const category of ['hour', 'day'] as const) {
    it(`aggregate_by=${category}: every agent and bucket, fields as /agentStatistic's, nulls where it has no row`, async () => {
      const report = await thuliumReport(category);
      const statistic = await agentStatistic(category);
      const buckets = BUCKETS[category];
      expect(report).toHaveLength(USERS.length * buckets.length);
      let matched = 0;
      report.forEach((row, index) => {
        const user = USERS[Math.floor(index / buckets.length)]!;
        const bucket = buckets[index % buckets.length]!;
        expect(row.agent.login).toBe(user);
        expect(row.period).toBe(bucket.label);
        const source = statistic.find((s) => s['userId'] === user && parseTimestamp(String(s['intervalStart'])) === bucket.start);
        if (source !== undefined) matched++;
        expect(actualFields(row, source !== undefined), `${user} ${bucket.label} (#${index})`).toEqual(expectedFields(source));
        expect(row.agent.surname).toBeNull();
        expect([row.inbound['count'], row.inbound['not_answered_count'], row.inbound['wait_sum'], row.chat['responded'], row.outbound_below_threshold['count']]).toEqual([null, null, null, null, null]);
      });
      expect(matched).toBe(statistic.length);
      expect(matched).toBeGreaterThan(USERS.length);
      if (category === 'hour') expect(matched).toBeLessThan(report.length); // and some rows of nulls
    });
  }

  it('the fall-back day is 100 quarter-hours, neither short nor doubled, and its hour 02 comes twice in time order', async () => {
    const day = (await thuliumReport('day')).filter((row) => row.period === '2024-10-27');
    const hours = (await thuliumReport('hour')).filter((row) => row.period === '2024-10-27 02');
    expect(hours).toHaveLength(2 * USERS.length);
    for (const user of USERS) {
      const local = quarterRows.filter((row) => row.userId === user && parseTimestamp(row.intervalStart) >= FROM + 24 * HOUR && parseTimestamp(row.intervalStart) < TO);
      expect(new Set(local.map((row) => row.intervalStart)).size).toBeLessThanOrEqual(100);
      const free = local.reduce((sum, row) => sum + (row.freeDuration ?? 0), 0);
      const row = day.find((r) => r.agent.login === user)!;
      expect(seconds(row.pauses[1]?.sum ?? null), user).toBe(local.length === 0 ? null : Math.round(free / 1000));
      const [first, second] = hours.filter((r) => r.agent.login === user) as [ThuliumRow, ThuliumRow];
      const freeIn = (utcHour: number): number | null => {
        const rows = quarterRows.filter((r) => r.userId === user && Math.floor(parseTimestamp(r.intervalStart) / HOUR) * HOUR === Date.UTC(2024, 9, 27, utcHour));
        return rows.length === 0 ? null : Math.round(rows.reduce((sum, r) => sum + (r.freeDuration ?? 0), 0) / 1000);
      };
      expect([seconds(first.pauses[1]?.sum ?? null), seconds(second.pauses[1]?.sum ?? null)], user).toEqual([freeIn(0), freeIn(1)]);
    }
    expect(day.filter((row) => row.pauses[1]?.sum !== null).length).toBeGreaterThan(0);
    const bothRepeatedHours = USERS.filter((user) => [0, 1].every((h) => quarterRows.some((r) => r.userId === user && r.intervalStart.startsWith(`2024-10-27T0${h}:`))));
    expect(bothRepeatedHours.length).toBeGreaterThan(0);
  });
});

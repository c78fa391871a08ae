import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/core/replay/replay.ts';
import type { AgentStatisticRow } from '../../src/core/replay/replay.ts';
import { TIME_CATEGORIES } from '../../src/core/rollup/period.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { generateRawHistory } from '../processor/support/raw-history.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, rowsOf, TENANT, testServer } from './support/http-fixture.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { knownRows } from '../support/known-metrics.ts';

const START = Date.UTC(2024, 9, 26, 12);
const records = generateRawHistory({ seed: 5, agents: 6, start: START, spanMs: 30 * 3_600_000, sessionsPerAgent: 3 });
const quarterRows = replay(records, sinchAgentStatusHistoryAdapter).rows;

function stored(row: AgentStatisticRow): QuarterHourRow {
  const metrics = Object.fromEntries(METRIC_FIELDS.map((field) => [field, row[field]]));
  return {
    ...(metrics as Record<(typeof METRIC_FIELDS)[number], number | null>),
    tenant: TENANT,
    source: 'sinch-rai',
    userId: row.userId,
    userName: row.userName,
    intervalStart: parseTimestamp(row.intervalStart),
    intervalEnd: parseTimestamp(row.intervalEnd),
    revision: 1,
    status: 'final',
    final: true,
    maxChangeTimestamp: parseTimestamp(row.maxChangeTimestamp),
  };
}

const byUserAndStart = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String(a['userId']).localeCompare(String(b['userId'])) || String(a['intervalStart']).localeCompare(String(b['intervalStart']));

let store: StoreFixture;

beforeAll(async () => {
  store = await createStoreFixture();
  await store.quarterHours(quarterRows.map(stored));
});

afterAll(async () => store?.close());

describe('GET /agentStatistic roll-ups equal the core batch replay', () => {
  it('has data spanning the end of DST in Europe/Helsinki (2024-10-27)', () => {
    expect(quarterRows.length).toBeGreaterThan(200);
  });

  for (const zone of ['UTC', 'Europe/Helsinki', 'America/New_York']) {
    it(`every timeCategory in ${zone}, field by field`, async () => {
      const app = testServer(store.reader, { requestLimits: { maxQueryDays: 62 } });
      for (const category of TIME_CATEGORIES) {
        const response = await app.inject(`/agentStatistic?startTime=2024-10-01T00:00:00Z&endTime=2024-11-30T00:00:00Z&timeCategory=${category}&timeZone=${zone}&limit=10000`);
        expect(response.statusCode, response.body).toBe(200);
        const expected = replay(records, sinchAgentStatusHistoryAdapter, { timeCategory: category, timeZone: zone }).rows.map((row) => ({ ...row }));
        expect(rowsOf(response.body).sort(byUserAndStart), `${category} in ${zone}`).toEqual(expected.sort(byUserAndStart));
        // a roll-up of Sinch RAI rows: null where every quarter-hour is null (resting, the Direct split), numbers elsewhere
        expect(() => knownRows(rowsOf(response.body) as unknown as AgentStatisticRow[]), `${category} in ${zone}`).not.toThrow();
      }
      await app.close();
    });
  }
});

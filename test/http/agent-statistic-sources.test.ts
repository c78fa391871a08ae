import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { createStoreFixture, qh, rowsOf, testServer, USER_A, USER_B, USER_C } from './support/http-fixture.ts';

/**
 * /agentStatistic over sources that supply different fields: an Evo Voice agent's rows (null where Evo Voice has no
 * figure) next to Sinch RAI agents'. Expectations are computed here by hand from the stored rows.
 */
const Q = 900_000;
const T0 = Date.UTC(2024, 0, 15, 8);
/** docs/vendors/evo-voice-contract.md, written out here apart from src/core/source. */
const EVO_KNOWN = new Set<MetricField>(['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut']);
const EVO_NULLS = Object.fromEntries(METRIC_FIELDS.filter((f) => !EVO_KNOWN.has(f)).map((f) => [f, null]));
const RANGE = `startTime=2024-01-15T08:00:00.000Z&endTime=2024-01-15T09:00:00.000Z`;

let store: StoreFixture;
let app: FastifyInstance;

async function rows(url: string): Promise<Record<string, unknown>[]> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return rowsOf(response.body);
}

beforeAll(async () => {
  store = await createStoreFixture();
  await store.quarterHours([
    qh(USER_A, T0, 600_000, { source: 'evo-voice', ...EVO_NULLS, metrics: { notReadyDuration: 0, callOutDuration: 100_000, countOfHandledCallOut: 1 } }),
    qh(USER_A, T0 + Q, 900_000, { source: 'evo-voice', ...EVO_NULLS, metrics: { readyDuration: 300_000, notReadyDuration: 600_000, callOutDuration: 0, countOfHandledCallOut: 0 } }),
    qh(USER_B, T0, 500_000, { metrics: { waitingDuration: 500_000, countOfHandledCallIn: 2 } }),
    qh(USER_C, T0 + Q, 200_000, { metrics: { waitingDuration: 200_000 } }),
  ]);
  app = testServer(store.reader);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /agentStatistic with sources that supply different fields', () => {
  it('answers null, not 0, for what the source cannot supply, and names the source on every row', async () => {
    const quarterHours = await rows(`/agentStatistic?${RANGE}&userId=${USER_A}`);
    expect(quarterHours).toHaveLength(2);
    for (const row of quarterHours) {
      expect(row['source']).toBe('evo-voice');
      for (const field of METRIC_FIELDS) expect(row[field] === null, field).toBe(!EVO_KNOWN.has(field));
      expect(row).not.toHaveProperty('partialFields');
    }
    expect(quarterHours[0]).toMatchObject({ servingDuration: 600_000, readyDuration: 600_000, notReadyDuration: 0, callOutDuration: 100_000, countOfHandledCallOut: 1, pauseDuration: null, countOfHandledCallIn: null });
  });

  it('a roll-up of one source sums what it supplies and keeps null for the rest', async () => {
    const [hour] = await rows(`/agentStatistic?${RANGE}&userId=${USER_A}&timeCategory=hour`);
    expect(hour).toMatchObject({ source: 'evo-voice', servingDuration: 1_500_000, readyDuration: 900_000, notReadyDuration: 600_000, callOutDuration: 100_000, countOfHandledCallOut: 1, waitingDuration: null, callInDuration: null });
    expect(hour).not.toHaveProperty('partialFields');
  });

  it('a roll-up over sources never hides a partial sum: a field some rows lack is null and listed in partialFields', async () => {
    const all = await rows(`/agentStatistic?${RANGE}&timeCategory=hour&showUser=false`);
    expect(all).toHaveLength(1);
    const [row] = all as [Record<string, unknown>];
    expect(row['source']).toBe('evo-voice,sinch-rai');
    expect(row).toMatchObject({ servingDuration: 600_000 + 900_000 + 500_000 + 200_000, readyDuration: 600_000 + 300_000 + 500_000 + 200_000, callOutDuration: 100_000, countOfHandledCallOut: 1 });
    expect(row).toMatchObject({ waitingDuration: null, countOfHandledCallIn: null, pauseDuration: null });
    expect(row['partialFields']).toEqual(METRIC_FIELDS.filter((f) => !EVO_KNOWN.has(f)));
  });

  it('Sinch RAI rows alone stay complete numbers without partialFields', async () => {
    const sinch = await rows(`/agentStatistic?${RANGE}&userId=${USER_B},${USER_C}&timeCategory=hour&showUser=false`);
    expect(sinch).toHaveLength(1);
    expect(sinch[0]).toMatchObject({ source: 'sinch-rai', servingDuration: 700_000, waitingDuration: 700_000, countOfHandledCallIn: 2 });
    expect(sinch[0]).not.toHaveProperty('partialFields');
    for (const field of METRIC_FIELDS) expect(typeof sinch[0]?.[field], field).toBe('number');
  });

  it('can filter and sort by source', async () => {
    const evo = await rows(`/agentStatistic?${RANGE}&source=evo*`);
    expect(evo.map((r) => r['userId'])).toEqual([USER_A, USER_A]);
  });
});

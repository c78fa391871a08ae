import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportInfo, RunningEvoSimulator } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { AGENT_STATE_HEADERS, worldOf } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { call, CREDENTIALS, download, FROM, listed, postJson, sheetRows, simulator, submitAgentState, TO, waitForStatus } from '../support.ts';

const HOUR = 3_600_000;
const WINDOW = { startDate: new Date(FROM + 8 * HOUR).toISOString(), endDate: new Date(FROM + 12 * HOUR).toISOString() };

describe('Evo Voice simulator: report jobs', () => {
  let sim: RunningEvoSimulator;
  beforeAll(async () => {
    sim = await simulator();
  });
  afterAll(() => sim.close());

  it('Queued, then Running (dateUpdated changes), then Completed (dateUpdated changes again)', async () => {
    const slow = await simulator({ jobs: { queuedMs: 50, runningMs: 60_000 } });
    try {
      const info = await submitAgentState(slow, WINDOW);
      expect(info.status).toBe('Queued');
      const running = await waitForStatus(slow, info.id, ['Running']);
      expect(Date.parse(running.dateUpdated)).toBeGreaterThan(Date.parse(info.dateUpdated));
      expect(running.dateCreated).toBe(info.dateCreated);
      const early = await call(slow, 'GET', `/reports/${info.id}.xlsx`);
      expect(early.status).toBe(409);
      expect(early.json?.['responseStatus']).toMatchObject({ errorCode: 'ReportNotReady' });
    } finally {
      await slow.close();
    }
    const queuedForever = await simulator({ jobs: { queuedMs: 60_000, runningMs: 10 } });
    try {
      const info = await submitAgentState(queuedForever, WINDOW);
      expect((await listed(queuedForever, info.id))?.status).toBe('Queued');
      expect((await call(queuedForever, 'GET', `/reports/${info.id}.xlsx`)).status).toBe(409);
    } finally {
      await queuedForever.close();
    }
    const info = await submitAgentState(sim, WINDOW);
    const done = await waitForStatus(sim, info.id, ['Completed']);
    expect(done.statusMessage).toBeNull();
    expect(Date.parse(done.dateUpdated)).toBeGreaterThan(Date.parse(info.dateUpdated));
    expect(sim.stats()).toMatchObject({ 'job:Queued': expect.any(Number), 'job:Running': expect.any(Number), 'job:Completed': expect.any(Number) });
  });

  it('GET /reports lists this user’s reports for the account, newest first; other users see none of them', async () => {
    const account = { id: 'cccccccccccccccccccccccc', name: 'Shared' };
    const two = await simulator({ accounts: [account], users: [
      { userName: 'one', password: 'p1', displayName: 'One', roles: ['Manager'], accountIds: [account.id] },
      { userName: 'two', password: 'p2', displayName: 'Two', roles: ['Customer'], accountIds: [account.id] },
    ] });
    try {
      const as = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
      const mine = await postJson(two, '/reports/agent-state', WINDOW, as('one', 'p1'));
      expect(mine.status).toBe(200);
      const listOf = async (user: string, password: string): Promise<string[]> => ((await call(two, 'GET', `/reports?accountId=${account.id}`, { headers: as(user, password) })).json?.['reports'] as ReportInfo[]).map((r) => r.id);
      expect(await listOf('one', 'p1')).toEqual([mine.json?.['id']]);
      expect(await listOf('two', 'p2')).toEqual([]);
      expect((await call(two, 'DELETE', `/reports/${String(mine.json?.['id'])}`, { headers: as('two', 'p2') })).status).toBe(404);
    } finally {
      await two.close();
    }
    const first = await submitAgentState(sim, WINDOW);
    const second = await submitAgentState(sim, { ...WINDOW, accountId: sim.accounts[0]?.id });
    const list = await call(sim, 'GET', `/reports?accountId=${sim.accounts[0]?.id ?? ''}`);
    const ids = (list.json?.['reports'] as ReportInfo[]).map((r) => r.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(ids.indexOf(second.id)).toBe(0);
    // without accountId: the user's only account
    const implicit = await call(sim, 'GET', '/reports');
    expect((implicit.json?.['reports'] as ReportInfo[]).map((r) => r.id)).toEqual(ids);
  });

  it('download: a real XLSX (content type, attachment name) with the contract’s sheet and headers; rows start in the window', async () => {
    const info = await submitAgentState(sim, { ...WINDOW, timeZoneId: 'America/New_York' });
    await waitForStatus(sim, info.id, ['Completed']);
    const response = await fetch(`${sim.url}/reports/${info.id}.xlsx`, { headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Agent-State-Report-${info.id}.xlsx"`);
    const rows = await sheetRows(Buffer.from(await response.arrayBuffer()), 'Agent States');
    expect(rows[0]).toEqual([...AGENT_STATE_HEADERS]);
    const body = rows.slice(1);
    expect(body.length).toBeGreaterThan(20);
    const world = worldOf({ seed: 7, agents: 6, from: FROM, to: TO, clock: { mode: 'historical' } });
    const expected = (world.accounts[0]?.intervals ?? []).filter((i) => i.start >= FROM + 8 * HOUR && i.start < FROM + 12 * HOUR);
    expect(body).toHaveLength(expected.length);
    body.forEach((row, k) => {
      const interval = expected[k];
      expect(row[0]).toBe(interval?.agentId);
      expect(row[3]).toBe(interval?.state);
      expect(row[4]).toBe(interval?.reason ?? null);
      expect(Date.parse(String(row[5]))).toBe(interval?.start);
      expect(String(row[5])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-05:00$/);
      expect(Date.parse(String(row[6]))).toBe(interval?.end);
      expect(row[7]).toBeCloseTo(((interval?.end ?? 0) - (interval?.start ?? 0)) / 1000, 6);
      expect(typeof row[5]).toBe('string');
    });
    // sorted by start, then agent id
    const keys = body.map((r) => `${String(Date.parse(String(r[5]))).padStart(15, '0')}|${String(r[0])}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('DELETE removes the report and its workbook: 200 {}, gone from the list, 404 on download and on a second delete', async () => {
    const info = await submitAgentState(sim, WINDOW);
    await waitForStatus(sim, info.id, ['Completed']);
    expect((await download(sim, info.id)).length).toBeGreaterThan(0);
    const deleted = await call(sim, 'DELETE', `/reports/${info.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({});
    expect(await listed(sim, info.id)).toBeUndefined();
    expect((await call(sim, 'GET', `/reports/${info.id}.xlsx`)).status).toBe(404);
    expect((await call(sim, 'DELETE', `/reports/${info.id}`)).status).toBe(404);
  });

  it('deleting a job before it runs stops it for good: it never reaches Running or Completed', async () => {
    const slow = await simulator({ jobs: { queuedMs: 1_000, runningMs: 10 } });
    try {
      const queued = await submitAgentState(slow, WINDOW);
      expect((await call(slow, 'DELETE', `/reports/${queued.id}`)).status).toBe(200);
      // long enough for the job to have run and completed, had it not been deleted
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await listed(slow, queued.id)).toBeUndefined();
      expect(slow.stats()).toMatchObject({ 'job:Queued': 1, 'job:deleted': 1 });
      expect(slow.stats()['job:Running']).toBeUndefined();
      expect(slow.stats()['job:Completed']).toBeUndefined();
    } finally {
      await slow.close();
    }
  });

  it('re-submitting the same window gives the same rows', async () => {
    const a = await submitAgentState(sim, WINDOW);
    const b = await submitAgentState(sim, WINDOW);
    await waitForStatus(sim, a.id, ['Completed']);
    await waitForStatus(sim, b.id, ['Completed']);
    expect(await sheetRows(await download(sim, a.id), 'Agent States')).toEqual(await sheetRows(await download(sim, b.id), 'Agent States'));
  });

  it('billing: one row per (date, customer, service); Customer Id only with includeCustomerIds; Amount = Quantity × Unit Price to 4 decimals', async () => {
    const plain = await postJson(sim, '/reports/billing', { startDate: '2026-11-02T13:45:00', endDate: '2026-11-04' });
    const withIds = await postJson(sim, '/reports/billing', { startDate: '2026-11-02', endDate: '2026-11-04', includeCustomerIds: true });
    const plainRows = await completedBilling(sim, String(plain.json?.['id']));
    const idRows = await completedBilling(sim, String(withIds.json?.['id']));
    expect(plainRows[0]).toEqual(['Date', 'Account Name', 'Customer Name', 'Service', 'Description', 'Quantity', 'Unit', 'Unit Price', 'Amount']);
    expect(idRows[0]).toEqual(['Date', 'Account Name', 'Customer Name', 'Customer Id', 'Service', 'Description', 'Quantity', 'Unit', 'Unit Price', 'Amount']);
    const dates = new Set(plainRows.slice(1).map((r) => r[0]));
    expect(dates).toEqual(new Set(['2026-11-02', '2026-11-03']));
    const keys = idRows.slice(1).map((r) => `${String(r[0])}|${String(r[3])}|${String(r[4])}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(idRows.length).toBe(plainRows.length);
    for (const row of idRows.slice(1)) {
      expect(row[3]).toMatch(/^[0-9a-f]{24}$/);
      expect(row[1]).toBe(sim.accounts[0]?.name);
      expect(row[9]).toBe(Math.round(Number(row[6]) * Number(row[8]) * 10_000) / 10_000);
    }
  });
});

async function completedBilling(sim: RunningEvoSimulator, id: string): Promise<unknown[][]> {
  await waitForStatus(sim, id, ['Completed']);
  return sheetRows(await download(sim, id), 'Billing');
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHostedSuiteSimulator } from '../../../../src/vendors/hostedsuite/simulator/index.ts';
import { MAX_ITEMS_PER_PAGE, startHostedSuiteSimulator } from '../../../../src/vendors/hostedsuite/simulator/index.ts';

const LOGIN = { CustomerName: 'acme', UserName: 'reports', Password: 'pw' };
const from = Date.parse('2025-03-04T06:00:00.000Z');
const to = Date.parse('2025-03-05T06:00:00.000Z');

type Page = { Items: Record<string, unknown>[]; Page: number; TotalCount?: number; TotalPages?: number; ResponseStatus?: { ErrorCode?: string } };

describe('HostedSuite simulator: ListCallRecordsRequest over HTTP', () => {
  let simulator: RunningHostedSuiteSimulator;

  const post = async (body: Record<string, unknown>, path = '/api/calls'): Promise<{ status: number; json: Page }> => {
    const response = await fetch(`${simulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as Page };
  };
  const day = { ...LOGIN, StartDate: '2025-03-04T00:00:00', EndDate: '2025-03-05T00:00:00' };

  beforeAll(async () => {
    simulator = await startHostedSuiteSimulator({ seed: 7, agents: 4, from, to, zone: 'America/Chicago', clock: { mode: 'manual', now: to }, credentials: { customerName: 'acme', userName: 'reports', password: 'pw' }, lateWorkShare: 0.3 });
  });
  afterAll(async () => simulator?.close());

  it('answers bad credentials 401 with ResponseStatus.ErrorCode Unauthorized, on both routes', async () => {
    for (const path of ['/api/calls', '/api/json/reply/ListCallRecordsRequest']) {
      const answer = await post({ ...day, Password: 'wrong' }, path);
      expect(answer.status, path).toBe(401);
      expect(answer.json.ResponseStatus?.ErrorCode, path).toBe('Unauthorized');
    }
  });

  it('pages are 0-based, disjoint and complete: their concatenation is the one-page answer, sorted by StartTime', async () => {
    const whole = await post({ ...day, ItemsPerPage: MAX_ITEMS_PER_PAGE });
    expect(whole.status).toBe(200);
    const total = whole.json.TotalCount ?? -1;
    expect(total).toBeGreaterThan(20);
    expect(whole.json.Items).toHaveLength(total);
    const ids: unknown[] = [];
    const first = await post({ ...day, ItemsPerPage: 7, Page: 0 });
    expect(first.json.TotalPages).toBe(Math.ceil(total / 7));
    for (let page = 0; page < (first.json.TotalPages ?? 0); page++) {
      const answer = await post({ ...day, ItemsPerPage: 7, Page: page });
      expect(answer.json.Page).toBe(page);
      ids.push(...answer.json.Items.map((item) => item['Id']));
    }
    expect(ids).toEqual(whole.json.Items.map((item) => item['Id']));
    expect(new Set(ids).size).toBe(total);
    const starts = whole.json.Items.map((item) => String(item['StartTime']));
    expect(starts).toEqual([...starts].sort());
    const past = await post({ ...day, ItemsPerPage: 7, Page: first.json.TotalPages ?? 0 });
    expect(past.json.Items).toEqual([]);
  });

  it('DisableStats leaves out TotalCount and TotalPages; the same route answers the same items', async () => {
    const plain = await post({ ...day, ItemsPerPage: 10 });
    const noStats = await post({ ...day, ItemsPerPage: 10, DisableStats: true }, '/api/json/reply/ListCallRecordsRequest');
    expect(noStats.json.TotalCount).toBeUndefined();
    expect(noStats.json.TotalPages).toBeUndefined();
    expect(noStats.json.Items).toEqual(plain.json.Items);
  });

  it('filters by CallType, CallRecordId, talk time and StartDate ≤ StartTime < EndDate (local time)', async () => {
    const incoming = await post({ ...day, ItemsPerPage: 1000, CallType: 'Incoming' });
    const outgoing = await post({ ...day, ItemsPerPage: 1000, CallType: 'Outgoing' });
    const all = await post({ ...day, ItemsPerPage: 1000 });
    expect(incoming.json.Items.every((item) => item['Type'] === 'Incoming')).toBe(true);
    expect(outgoing.json.Items.every((item) => item['Type'] === 'Outgoing')).toBe(true);
    expect((incoming.json.TotalCount ?? 0) + (outgoing.json.TotalCount ?? 0)).toBe(all.json.TotalCount);
    const one = all.json.Items[3];
    const byId = await post({ ...day, CallRecordId: one?.['Id'] });
    expect(byId.json.Items).toEqual([one]);
    const long = await post({ ...day, ItemsPerPage: 1000, MinCallDuration: 120 });
    expect(long.json.Items.every((item) => Number(item['TalkTimeInSeconds']) >= 120)).toBe(true);
    const morning = await post({ ...LOGIN, StartDate: '2025-03-04T09:00:00', EndDate: '2025-03-04T10:00:00', ItemsPerPage: 1000 });
    expect(morning.json.Items.length).toBeGreaterThan(0);
    expect(morning.json.Items.every((item) => String(item['StartTime']) >= '2025-03-04T09:00:00' && String(item['StartTime']) < '2025-03-04T10:00:00')).toBe(true);
    expect((await post({ ...day, CallType: 'Sideways' })).status).toBe(400);
  });

  it('missed calls have no AnsweredBy; a late work time is 0 until it is recorded, then the record shows it', async () => {
    const all = await post({ ...day, ItemsPerPage: 1000 });
    const missed = all.json.Items.filter((item) => item['AnsweredBy'] === null || item['AnsweredBy'] === undefined || item['AnsweredBy'] === '');
    expect(missed.length).toBeGreaterThan(0);
    expect(missed.every((item) => Number(item['TalkTimeInSeconds']) === 0)).toBe(true);
    const late = simulator.calls.find((c) => c.workMs > 0 && c.workRecordedAt > c.hangupAt + c.workMs);
    expect(late).toBeDefined();
    if (late === undefined) return;
    simulator.setNow(late.workRecordedAt - 1);
    const before = await post({ ...LOGIN, CallRecordId: late.id });
    simulator.setNow(late.workRecordedAt);
    const after = await post({ ...LOGIN, CallRecordId: late.id });
    simulator.setNow(to);
    expect(before.json.Items[0]?.['WorkTimeInSeconds']).toBe(0);
    expect(after.json.Items[0]?.['WorkTimeInSeconds']).toBe(late.workMs / 1000);
  });
});

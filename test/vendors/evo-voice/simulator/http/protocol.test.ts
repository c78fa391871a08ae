import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEvoSimulator } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { call, FROM, postJson, simulator } from '../support.ts';

const HOUR = 3_600_000;
const START = new Date(FROM).toISOString();
const END = new Date(FROM + HOUR).toISOString();

function responseStatus(answer: { json: Record<string, unknown> | undefined }): Record<string, unknown> {
  return answer.json?.['responseStatus'] as Record<string, unknown>;
}

describe('Evo Voice simulator: ServiceStack protocol', () => {
  let sim: RunningEvoSimulator;
  beforeAll(async () => {
    sim = await simulator({ agents: 2 });
  });
  afterAll(() => sim.close());

  it('JSON by Accept (json, */*, application/*, none), by a .json suffix or by ?format=json', async () => {
    for (const accept of ['application/json', '*/*', 'application/*', 'text/html, application/json;q=0.9', '']) {
      const answer = await call(sim, 'GET', '/auth/status', { headers: { accept } });
      expect(answer.status, accept).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect((await call(sim, 'GET', '/auth/status.json', { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await call(sim, 'GET', '/auth/status?format=json', { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await call(sim, 'GET', '/reports.json')).status).toBe(200);
  });

  it('406 NotAcceptable for other formats: ?format=xml|csv|jsv, an Accept without JSON, an .xml/.csv suffix', async () => {
    for (const [path, accept] of [['/auth/status?format=xml', 'application/json'], ['/auth/status?format=csv', '*/*'], ['/auth/status?format=jsv', '*/*'], ['/auth/status', 'application/xml'], ['/auth/status', 'text/csv'], ['/auth/status.xml', '*/*'], ['/reports.csv', '*/*']] as const) {
      const answer = await call(sim, 'GET', path, { headers: { accept } });
      expect(answer.status, `${path} ${accept}`).toBe(406);
      expect(responseStatus(answer)['errorCode']).toBe('NotAcceptable');
    }
  });

  it('/reports/agent-state takes every verb but DELETE (405 with Allow); fields from the query, a JSON body or a form, any name case', async () => {
    const query = `?startDate=${START}&endDate=${END}`;
    for (const method of ['GET', 'POST', 'PUT', 'PATCH']) {
      const answer = await call(sim, method, `/reports/agent-state${query}`);
      expect(answer.status, method).toBe(200);
      expect(answer.json?.['status']).toBe('Queued');
    }
    const json = await postJson(sim, '/reports/agent-state', { StartDate: START, ENDDATE: END, timezoneid: 'UTC' });
    expect(json.status).toBe(200);
    const form = await call(sim, 'POST', '/reports/agent-state', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ startdate: START, EndDate: END }).toString() });
    expect(form.status).toBe(200);
    // the body wins over the query
    const bodyWins = await postJson(sim, `/reports/agent-state?endDate=not-a-date`, { startDate: START, endDate: END });
    expect(bodyWins.status).toBe(200);
    const viaReplyRoute = await postJson(sim, '/json/reply/AgentStateReport', { startDate: START, endDate: END });
    expect(viaReplyRoute.status).toBe(200);
    const del = await call(sim, 'DELETE', `/reports/agent-state${query}`);
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST, PUT, PATCH');
    expect(responseStatus(del)['errorCode']).toBe('MethodNotAllowed');
    expect((await call(sim, 'DELETE', '/reports/billing?startDate=2026-11-01&endDate=2026-11-02')).status).toBe(405);
  });

  it('ReportInfo: 24-hex id, name, Queued, null statusMessage, ISO dates with ms and Z, absolute downloadLink, UUID jobId, server, echoed email', async () => {
    const answer = await postJson(sim, '/reports/agent-state', { startDate: START, endDate: END, emailAddressToNotify: 'ops@example.com' });
    const info = answer.json ?? {};
    expect(Object.keys(info)).toEqual(['id', 'name', 'status', 'statusMessage', 'dateCreated', 'dateUpdated', 'downloadLink', 'jobId', 'emailAddressToNotify', 'server']);
    expect(info['id']).toMatch(/^[0-9a-f]{24}$/);
    expect(info).toMatchObject({ name: 'Agent State Report', status: 'Queued', statusMessage: null, emailAddressToNotify: 'ops@example.com', server: 'sim-1' });
    expect(info['dateCreated']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(info['dateUpdated']).toBe(info['dateCreated']);
    expect(info['downloadLink']).toBe(`${sim.url}/reports/${String(info['id'])}.xlsx`);
    expect(info['jobId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const billing = await postJson(sim, '/reports/billing', { startDate: '2026-11-02', endDate: '2026-11-03' });
    expect(billing.json).toMatchObject({ name: 'Billing Report', status: 'Queued' });
  });

  it('400 with the failing field: missing, unparsable, end not after start, over 31 days, a non-IANA TimeZoneId', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ endDate: END }, 'StartDate', 'NotEmpty'],
      [{ startDate: START }, 'EndDate', 'NotEmpty'],
      [{ startDate: 'yesterday', endDate: END }, 'StartDate', 'ArgumentException'],
      [{ startDate: START, endDate: '2026-13-01' }, 'EndDate', 'ArgumentException'],
      [{ startDate: END, endDate: START }, 'EndDate', 'ArgumentException'],
      [{ startDate: START, endDate: START }, 'EndDate', 'ArgumentException'],
      [{ startDate: '2026-01-01', endDate: '2026-02-01T00:00:00.001' }, 'EndDate', 'ArgumentException'],
      [{ startDate: START, endDate: END, timeZoneId: 'FLE Standard Time' }, 'TimeZoneId', 'ArgumentException'],
      [{ startDate: START, endDate: END, timeZoneId: 'Mars/Olympus' }, 'TimeZoneId', 'ArgumentException'],
      [{ startDate: START, endDate: END, webhookUrl: 'not a url' }, 'WebhookUrl', 'ArgumentException'],
    ];
    for (const [body, fieldName, errorCode] of cases) {
      const answer = await postJson(sim, '/reports/agent-state', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const status = responseStatus(answer);
      expect(status['errorCode']).toBe(errorCode);
      expect(status['errors']).toEqual([{ errorCode, fieldName, message: status['message'] }]);
    }
    expect((await postJson(sim, '/reports/agent-state', { startDate: '2026-01-01', endDate: '2026-02-01' })).status).toBe(200);
    const billing = await postJson(sim, '/reports/billing', { startDate: '2026-11-02', endDate: '2026-11-03', includeCustomerIds: 'maybe' });
    expect(billing.status).toBe(400);
    expect(responseStatus(billing)['errors']).toMatchObject([{ fieldName: 'IncludeCustomerIds' }]);
    const badJson = await call(sim, 'POST', '/reports/agent-state', { headers: { 'content-type': 'application/json' }, body: '{"startDate":' });
    expect(badJson.status).toBe(400);
    expect(responseStatus(badJson)['errorCode']).toBe('SerializationException');
  });

  it('404 NotFound for unknown routes and unknown report ids', async () => {
    const route = await call(sim, 'GET', '/reports/agent-state/extra');
    expect(route.status).toBe(404);
    expect(responseStatus(route)['errorCode']).toBe('NotFound');
    expect((await call(sim, 'GET', '/nothing-here')).status).toBe(404);
    expect((await call(sim, 'DELETE', '/reports/0123456789abcdef01234567')).status).toBe(404);
    expect((await call(sim, 'GET', '/reports/0123456789abcdef01234567.xlsx')).status).toBe(404);
  });
});

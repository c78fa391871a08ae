import { describe, expect, it } from 'vitest';
import { VendorError } from '../../../src/ingest/vendor-error.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';
import { evoClient } from './support/scripted-client.ts';

type Step = { status: number; body: string | Uint8Array; headers?: Record<string, string> } | Error;

function script(steps: Step[]) {
  const seen: Array<{ url: string; method: string; headers: Headers; body: string | undefined }> = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: typeof init?.body === 'string' ? init.body : undefined });
    const step = steps.shift();
    if (step === undefined) throw new Error('script exhausted');
    if (step instanceof Error) throw step;
    return new Response(step.body, { status: step.status, headers: step.headers });
  }) as typeof fetch;
  return { impl, seen };
}

const INFO = { id: '65f0c0ffee0000000000abcd', name: 'Agent State Report', status: 'Queued', statusMessage: null, dateCreated: '2026-11-29T10:05:00.000Z', dateUpdated: '2026-11-29T10:05:00.000Z', downloadLink: 'http://evo.invalid/reports/65f0c0ffee0000000000abcd.xlsx', jobId: 'b3c1', emailAddressToNotify: null, server: 'sim-1' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const responseStatus = (errorCode: string, message: string, errors: unknown[] = []) => ({ responseStatus: { errorCode, message, errors } });
const basic = `Basic ${Buffer.from('poller@acme:s3cret-pw').toString('base64')}`;

describe('EvoVoiceClient', () => {
  it('submits a report as JSON with Basic auth on every request, and lists, downloads and deletes with it too', async () => {
    const { impl, seen } = script([json(200, INFO), json(200, { reports: [{ ...INFO, status: 'Completed' }] }), { status: 200, body: new Uint8Array([80, 75, 3, 4]) }, json(200, {})]);
    const { client } = evoClient(new FakeClock(0), impl);
    const info = await client.submitReport('agent-state', { accountId: 'acc-1', startDate: '2026-11-29T09:00:00.000Z', endDate: '2026-11-29T10:00:00.000Z', timeZoneId: 'UTC' });
    expect(info).toMatchObject({ id: INFO.id, status: 'Queued' });
    expect(await client.listReports('acc 1')).toMatchObject([{ id: INFO.id, status: 'Completed' }]);
    expect([...(await client.downloadWorkbook(INFO.id)).bytes]).toEqual([80, 75, 3, 4]);
    await client.deleteReport(INFO.id);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST http://evo.invalid/reports/agent-state',
      'GET http://evo.invalid/reports?accountId=acc+1',
      `GET http://evo.invalid/reports/${INFO.id}.xlsx`,
      `DELETE http://evo.invalid/reports/${INFO.id}`,
    ]);
    expect(seen.every((s) => s.headers.get('authorization') === basic)).toBe(true);
    expect(seen[0]?.headers.get('content-type')).toBe('application/json');
    expect(seen[0]?.headers.get('accept')).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ accountId: 'acc-1', startDate: '2026-11-29T09:00:00.000Z', endDate: '2026-11-29T10:00:00.000Z', timeZoneId: 'UTC' });
  });

  it('retries 429 honouring Retry-After, 5xx and network errors with the shared backoff, then succeeds', async () => {
    const clock = new FakeClock(0);
    const { impl } = script([json(429, responseStatus('TooManyRequests', 'slow down'), { 'retry-after': '7' }), json(503, responseStatus('ServiceUnavailable', 'busy')), new TypeError('fetch failed: ECONNRESET'), json(200, { reports: [] })]);
    const { client, metrics } = evoClient(clock, impl);
    await expect(client.listReports('acc-1')).resolves.toEqual([]);
    expect(clock.sleeps).toEqual([7000, 100, 200]);
    expect(metrics.total('http_429')).toBe(1);
    expect(metrics.total('http_5xx')).toBe(1);
    expect(metrics.total('network_errors')).toBe(1);
    expect(metrics.total('retries')).toBe(3);
  });

  it('maps responseStatus errors: 400 and 406 bad request, 401 and 403 auth, 404 not found, none retried', async () => {
    const { impl } = script([
      json(400, responseStatus('ArgumentException', 'EndDate must be after StartDate', [{ errorCode: 'GreaterThan', fieldName: 'EndDate', message: 'must be after StartDate' }])),
      json(401, responseStatus('Unauthorized', 'Invalid UserName or Password'), { 'www-authenticate': 'Basic realm="/auth/basic"' }),
      json(403, responseStatus('Forbidden', 'account not accessible')),
      json(404, responseStatus('NotFound', 'Report not found')),
      json(406, responseStatus('NotAcceptable', 'json only')),
    ]);
    const { client, metrics } = evoClient(new FakeClock(0), impl);
    const bad = await client.submitReport('agent-state', { accountId: 'a' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(VendorError);
    expect(bad).toMatchObject({ code: 'VENDOR_BAD_REQUEST', retriable: false, status: 400 });
    expect((bad as Error).message).toContain('ArgumentException: EndDate must be after StartDate (EndDate: must be after StartDate)');
    await expect(client.listReports('a')).rejects.toMatchObject({ code: 'VENDOR_AUTH_FAILED', retriable: false, status: 401 });
    await expect(client.listReports('a')).rejects.toMatchObject({ code: 'VENDOR_AUTH_FAILED', status: 403, message: expect.stringContaining('Forbidden') });
    await expect(client.deleteReport('x')).rejects.toMatchObject({ code: 'VENDOR_NOT_FOUND', retriable: false, status: 404 });
    await expect(client.listReports('a')).rejects.toMatchObject({ code: 'VENDOR_BAD_REQUEST', status: 406 });
    expect(metrics.total('requests')).toBe(5);
    expect(metrics.total('retries')).toBe(0);
  });

  it('retries malformed or unexpected JSON, and gives up after maxAttempts with the body', async () => {
    const { impl } = script([{ status: 200, body: '{"reports":[' }, json(200, { reports: [{ id: 'x', status: 'Weird' }] }), { status: 200, body: '{"reports":[' }]);
    const { client, metrics } = evoClient(new FakeClock(0), impl, { maxAttempts: 3 });
    await expect(client.listReports('a')).rejects.toMatchObject({ code: 'VENDOR_MALFORMED_RESPONSE', body: '{"reports":[' });
    expect(metrics.total('malformed_pages')).toBe(3);
  });

  it('refuses a workbook above maxDownloadBytes without retrying, and times out a download that stalls', async () => {
    const big = script([{ status: 200, body: new Uint8Array(2048) }]);
    const capped = evoClient(new FakeClock(0), big.impl, { maxDownloadBytes: 1024 });
    await expect(capped.client.downloadWorkbook('r1')).rejects.toMatchObject({ code: 'VENDOR_ROW_LIMIT', retriable: false });
    expect(big.seen).toHaveLength(1);

    const stall = (async (_: unknown, init?: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array([80, 75]));
          init?.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
        },
      });
      return new Response(body, { status: 200 });
    }) as typeof fetch;
    const slow = evoClient(new FakeClock(0), stall, { maxAttempts: 2, downloadTimeoutMs: 200 });
    const started = Date.now();
    await expect(slow.client.downloadWorkbook('r1')).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', message: expect.stringMatching(/timed out after 200 ms/) });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slow.metrics.total('network_errors')).toBe(2);
  });

  it('never writes the credentials into an error or a log line', async () => {
    const { impl } = script([json(503, responseStatus('ServiceUnavailable', 'busy')), new TypeError('fetch failed'), json(401, responseStatus('Unauthorized', 'nope'))]);
    const { client, logs } = evoClient(new FakeClock(0), impl);
    const error = (await client.listReports('a').catch((e: unknown) => e)) as VendorError;
    expect(error.code).toBe('VENDOR_AUTH_FAILED');
    expect(logs.length).toBeGreaterThan(0);
    const everything = [...logs, error.message, error.request, error.body ?? '', JSON.stringify(error)].join('\n');
    expect(everything).not.toContain('s3cret-pw');
    expect(everything).not.toContain(Buffer.from('poller@acme:s3cret-pw').toString('base64'));
  });
});

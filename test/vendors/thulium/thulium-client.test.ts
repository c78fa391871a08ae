import { describe, expect, it } from 'vitest';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import { TokenBucket } from '../../../src/ingest/token-bucket.ts';
import { VendorError } from '../../../src/ingest/vendor-error.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { phpQuery, ThuliumClient } from '../../../src/vendors/thulium/thulium-client.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';

type Step = { status: number; body: unknown; headers?: Record<string, string> } | Error;

function scripted(steps: Step[], maxAttempts = 4) {
  const seen: Array<{ url: string; headers: Headers }> = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers) });
    const step = steps.shift();
    if (step === undefined) throw new Error('script exhausted');
    if (step instanceof Error) throw step;
    return new Response(typeof step.body === 'string' ? step.body : JSON.stringify(step.body), { status: step.status, headers: step.headers });
  }) as typeof fetch;
  const clock = new FakeClock(0);
  const metrics = createPollerMetrics();
  const client = new ThuliumClient({ tenant: 'acme', endpoint: 'thulium/agents-work-report', baseUrl: 'http://thulium.invalid/', credentials: { username: 'api_user', password: 'api_pass' }, requestTimeoutMs: 1000, maxAttempts, backoff: { baseMs: 100, maxMs: 1000 }, limiter: new TokenBucket(clock, 1000, 1000), clock, metrics, logger: createLogger('silent'), random: () => 0.5, fetch: impl });
  return { client, seen, clock, metrics };
}

const QUERY = { dateFrom: '2026-10-25 02:00:00', dateTo: '2026-10-25 03:00:00', aggregateBy: 'minute' as const, agentGroupIds: [2, 3], outboundThreshold: 0 };
const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ n: from + i }));
const error = (code: number, message: string) => ({ request_id: '53678450401cf', errors: [{ message, code }] });

describe('ThuliumClient', () => {
  it('renders PHP-style arrays', () => {
    expect(phpQuery({ agent_logins: ['a b', 'c'], date_from: '2026-01-01 00:00:00', skip: undefined, limit: 100 })).toBe('agent_logins[]=a%20b&agent_logins[]=c&date_from=2026-01-01%2000%3A00%3A00&limit=100');
  });

  it('pages with offset += rows received until a short page, Basic auth on every request', async () => {
    const { client, seen } = scripted([{ status: 200, body: rows(3) }, { status: 200, body: rows(3, 3) }, { status: 200, body: rows(2, 6) }]);
    const report = await client.workReport(QUERY, 3);
    expect(report.rows).toEqual(rows(8));
    expect(report.requests).toBe(3);
    expect(report.shortPages).toBe(1);
    expect(seen.map((s) => new URL(s.url).searchParams.get('offset'))).toEqual(['0', '3', '6']);
    expect(seen[0]?.url).toBe('http://thulium.invalid/api/agents_work_report?agent_group_ids[]=2&agent_group_ids[]=3&date_from=2026-10-25%2002%3A00%3A00&date_to=2026-10-25%2003%3A00%3A00&aggregate_by=minute&outbound_threshold=0&offset=0&limit=3');
    expect(seen.every((s) => s.headers.get('authorization') === `Basic ${Buffer.from('api_user:api_pass').toString('base64')}`)).toBe(true);
  });

  it('stops at an empty page after full pages', async () => {
    const { client, seen } = scripted([{ status: 200, body: rows(2) }, { status: 200, body: [] }]);
    const report = await client.workReport(QUERY, 2);
    expect(report.rows.length).toBe(2);
    expect(report.shortPages).toBe(0);
    expect(seen.length).toBe(2);
  });

  it('retries 429 honouring Retry-After, 5xx, network errors and malformed JSON, then succeeds', async () => {
    const { client, clock, metrics } = scripted([{ status: 429, body: error(1429, 'Too many requests'), headers: { 'retry-after': '7' } }, { status: 503, body: 'busy' }, new TypeError('fetch failed'), { status: 200, body: '[{' }, { status: 200, body: [{ id: 1, name: 'Sales' }] }], 6);
    expect(await client.agentsGroups()).toEqual([{ id: 1, name: 'Sales' }]);
    expect(clock.sleeps[0]).toBe(7000);
    expect(metrics.total('http_429')).toBe(1);
    expect(metrics.total('http_5xx')).toBe(1);
    expect(metrics.total('network_errors')).toBe(1);
    expect(metrics.total('malformed_pages')).toBe(1);
    expect(metrics.total('retries')).toBe(4);
  });

  it('throws 400, 401, 403 and 404 at once with the vendor error codes and request_id; never the password', async () => {
    const cases: Array<[number, string]> = [[400, 'VENDOR_BAD_REQUEST'], [401, 'VENDOR_AUTH_FAILED'], [403, 'VENDOR_AUTH_FAILED'], [404, 'VENDOR_NOT_FOUND']];
    for (const [status, code] of cases) {
      const { client, seen } = scripted([{ status, body: { request_id: 'abc0123456789', errors: [{ message: 'Missing date_from', code: 1001 }, { message: 'Missing date_to', code: 1002 }] } }]);
      const failure = await client.agentsStatuses().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(VendorError);
      expect((failure as VendorError).code).toBe(code);
      expect((failure as VendorError).retriable).toBe(false);
      expect((failure as VendorError).message).toContain('[1001] Missing date_from; [1002] Missing date_to (request_id abc0123456789)');
      expect((failure as VendorError).message).not.toContain('api_pass');
      expect(seen.length).toBe(1);
    }
  });

  it('gives up after maxAttempts of 5xx with the last error, retriable', async () => {
    const { client } = scripted([{ status: 500, body: error(1500, 'oops') }, { status: 502, body: '' }], 2);
    const failure = (await client.agentsStatuses().catch((e: unknown) => e)) as VendorError;
    expect(failure.code).toBe('VENDOR_UNAVAILABLE');
    expect(failure.status).toBe(502);
  });

  it('refuses a page longer than the limit and an answer that is no array', async () => {
    const { client } = scripted([{ status: 200, body: rows(4) }, { status: 200, body: { rows: [] } }], 1);
    await expect(client.workReportPage(QUERY, 0, 3)).rejects.toMatchObject({ code: 'VENDOR_MALFORMED_RESPONSE' });
    await expect(client.workReportPage(QUERY, 0, 3)).rejects.toMatchObject({ code: 'VENDOR_MALFORMED_RESPONSE' });
  });
});

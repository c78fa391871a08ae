import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { BillingRow } from '../../src/state/billing-store.ts';

const noTimeline = {} as TimelineReader;

const ROW: BillingRow = {
  tenant: 'evo-acme', accountId: 'acct-1', date: '2026-11-28', accountName: 'Demo Account', customerName: 'Acme Support', customerId: 'cust-17',
  service: 'Call Minutes', description: 'Outbound domestic minutes', quantity: 1234.5, unit: 'minute', unitPrice: 0.012, amount: 14.814,
  reportId: 'r1', includeCustomerIds: true, receivedAt: 1,
};

function server(rows: BillingRow[] = [ROW]) {
  const calls: unknown[][] = [];
  const app = buildServer({
    reader: noTimeline, clock: () => 0, probes: [], registry: new Registry(), logger: createLogger('silent'), tenant: 'evo-acme', allowedLatenessMs: 0, collectDefaultMetrics: false,
    billing: {
      read: async (...args: [string, string, string, string]) => {
        calls.push(args);
        return rows;
      },
    },
  });
  return { app, calls };
}

describe('GET /billing', () => {
  it('answers the rows of [startDate, endDate) as they are, customerId only when asked for', async () => {
    const { app, calls } = server();
    const plain = await app.inject('/billing?accountId=acct-1&startDate=2026-11-28&endDate=2026-11-29');
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toEqual({
      tenant: 'evo-acme', accountId: 'acct-1', startDate: '2026-11-28', endDate: '2026-11-29', includeCustomerIds: false,
      rows: [{ date: '2026-11-28', accountName: 'Demo Account', customerName: 'Acme Support', service: 'Call Minutes', description: 'Outbound domestic minutes', quantity: 1234.5, unit: 'minute', unitPrice: 0.012, amount: 14.814, reportId: 'r1' }],
    });
    const withIds = await app.inject('/billing?tenant=other&accountId=acct-1&startDate=2026-11-01T10:30:00Z&endDate=2026-12-01&includeCustomerIds=true');
    expect(withIds.statusCode).toBe(200);
    expect(withIds.json().rows[0].customerId).toBe('cust-17');
    expect(calls).toEqual([['evo-acme', 'acct-1', '2026-11-28', '2026-11-29'], ['other', 'acct-1', '2026-11-01', '2026-12-01']]);
    await app.close();
  });

  it('rejects missing and invalid parameters with a clear 400 and reads nothing', async () => {
    const { app, calls } = server();
    const cases: [string, string][] = [
      ['startDate=2026-11-28&endDate=2026-11-29', 'Missing required parameter: accountId'],
      ['accountId=acct-1&endDate=2026-11-29', 'Missing required parameter: startDate'],
      ['accountId=acct-1&startDate=2026-11-28', 'Missing required parameter: endDate'],
      ['accountId=acct-1&startDate=28.11.2026&endDate=2026-11-29', "Invalid startDate: '28.11.2026' (expected a date YYYY-MM-DD)"],
      ['accountId=acct-1&startDate=2026-02-30&endDate=2026-03-02', "Invalid startDate: '2026-02-30' (expected a date YYYY-MM-DD)"],
      ['accountId=acct-1&startDate=2026-11-29&endDate=2026-11-29', "Invalid endDate: '2026-11-29' must be after startDate (endDate is exclusive)"],
      ['accountId=acct-1&startDate=2025-01-01&endDate=2026-01-03', 'Invalid date range: 367 days (at most 366)'],
      ['accountId=acct-1&startDate=2026-11-28&endDate=2026-11-29&includeCustomerIds=yes', "Invalid includeCustomerIds: 'yes' (expected true or false)"],
      ['accountId=a%7Cb&startDate=2026-11-28&endDate=2026-11-29', "Invalid accountId: 'a|b' (expected 1-128 characters without spaces, \":\" or \"|\")"],
      ['accountId=acct-1&startDate=2026-11-28&endDate=2026-11-29&tenant=a%20b', "Invalid tenant: 'a b' (expected 1-64 letters, digits, \"_\" or \"-\")"],
      ['accountId=acct-1&startDate=2026-11-28&endDate=2026-11-29&timeZoneId=UTC', 'Unknown parameter: timeZoneId'],
      ['accountId=acct-1&accountId=acct-2&startDate=2026-11-28&endDate=2026-11-29', 'Repeated parameter: accountId'],
    ];
    for (const [query, message] of cases) {
      const response = await app.inject(`/billing?${query}`);
      expect([response.statusCode, response.body], query).toEqual([400, message]);
    }
    expect(calls).toEqual([]);
    await app.close();
  });

  it('is in the OpenAPI document', async () => {
    const { app } = server();
    const document = (await app.inject('/openapi.json')).json() as { paths: Record<string, { get: { parameters: { name: string; required: boolean }[] } }> };
    expect(document.paths['/billing']?.get.parameters.map((p) => [p.name, p.required])).toEqual([
      ['accountId', true], ['startDate', true], ['endDate', true], ['includeCustomerIds', false], ['tenant', false],
    ]);
    await app.close();
  });
});

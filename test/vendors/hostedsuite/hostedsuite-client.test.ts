import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import { TokenBucket } from '../../../src/ingest/token-bucket.ts';
import { VendorError } from '../../../src/ingest/vendor-error.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { HostedSuiteClient } from '../../../src/vendors/hostedsuite/hostedsuite-client.ts';
import type { HostedSuiteFaultOptions, RunningHostedSuiteSimulator } from '../../../src/vendors/hostedsuite/simulator/index.ts';
import { isListed, startHostedSuiteSimulator } from '../../../src/vendors/hostedsuite/simulator/index.ts';

const ZONE = 'America/Chicago';
const LOGIN = { customerName: 'acme', userName: 'reports', password: 'pw' };
const from = Date.parse('2025-03-04T06:00:00.000Z');
const to = Date.parse('2025-03-05T06:00:00.000Z');
const range = { start: from + 8 * 3_600_000, end: from + 12 * 3_600_000 };

let simulator: RunningHostedSuiteSimulator | undefined;
type Row = Readonly<Record<string, unknown>>;
const rowsOf = (fetched: { rows: readonly { row: unknown }[] }): Row[] => fetched.rows.map((r) => r.row as Row);
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

async function setUp(faults: Partial<HostedSuiteFaultOptions> = {}, password = LOGIN.password): Promise<{ client: HostedSuiteClient; sim: RunningHostedSuiteSimulator; metrics: ReturnType<typeof createPollerMetrics> }> {
  const sim = await startHostedSuiteSimulator({ seed: 11, agents: 5, from, to, zone: ZONE, clock: { mode: 'manual', now: to }, credentials: LOGIN, faults, faultSeed: 3 });
  simulator = sim;
  const metrics = createPollerMetrics();
  const aliases = Object.fromEntries(sim.operators.flatMap((o) => (o.alias === null ? [] : [[o.alias, o.name]])));
  const client = new HostedSuiteClient({
    tenant: 'acme', endpoint: 'calls', baseUrl: `${sim.url}/`, credentials: { ...LOGIN, password }, timeZone: ZONE, agentAliases: aliases, requestTimeoutMs: 5_000,
    maxAttempts: 20, backoff: { baseMs: 1, maxMs: 5 }, limiter: new TokenBucket(systemClock, 1000, 1000), clock: systemClock, metrics, logger: createLogger('silent'),
  });
  return { client, sim, metrics };
}

describe('HostedSuite client (POST /api/calls) against the simulator', () => {
  it('reads every page of a range: each answered call once, in StartTime order, keyed by operator (aliases folded); missed calls left out', async () => {
    const { client, sim } = await setUp();
    const fetched = await client.fetchRange({ endpoint: 'calls', params: {}, range, pageSize: 7, granularityMs: 1000 });
    const want = sim.calls.filter((c) => isListed(c, to) && c.answeredBy !== null && c.startAt >= range.start && c.startAt < range.end);
    expect(want.length).toBeGreaterThan(14);
    expect(fetched.requests).toBe(Math.ceil(sim.calls.filter((c) => isListed(c, to) && c.startAt >= range.start && c.startAt < range.end).length / 7));
    const rows = rowsOf(fetched);
    expect(rows.map((r) => r['Id'])).toEqual([...want].sort((a, b) => a.startAt - b.startAt || (a.id < b.id ? -1 : 1)).map((c) => c.id));
    expect(rows.map((r) => r['agentKey'])).toEqual([...want].sort((a, b) => a.startAt - b.startAt || (a.id < b.id ? -1 : 1)).map((c) => c.operator));
    expect(rows.every((r) => r['startTimeUtc'] === new Date(Date.parse(String(r['startTimeUtc']))).toISOString() && r['timeZone'] === ZONE)).toBe(true);
  });

  it('retries 429, 5xx, resets and malformed pages and still reads the same rows', async () => {
    const clean = await setUp();
    const want = (await clean.client.fetchRange({ endpoint: 'calls', params: {}, range, pageSize: 7, granularityMs: 1000 })).rows.map((r) => (r.row as Row)['Id']);
    await clean.sim.close();
    simulator = undefined;
    const { client, sim, metrics } = await setUp({ rate429: 0.2, retryAfterSeconds: 0, rate5xx: 0.2, resetRate: 0.1, malformedRate: 0.1 });
    const got = (await client.fetchRange({ endpoint: 'calls', params: {}, range, pageSize: 7, granularityMs: 1000 })).rows.map((r) => (r.row as Row)['Id']);
    expect(got).toEqual(want);
    const stats = sim.stats();
    expect((stats['fault:429'] ?? 0) + (stats['fault:5xx'] ?? 0) + (stats['fault:reset'] ?? 0) + (stats['fault:malformed'] ?? 0)).toBeGreaterThan(0);
    expect(Object.entries(metrics.snapshot()).some(([name, value]) => name.startsWith('retries') && value > 0)).toBe(true);
  });

  it('bad credentials are VENDOR_AUTH_FAILED at once, without the password in the error', async () => {
    const { client, sim } = await setUp({}, 'hunter2');
    const error = await client.fetchRange({ endpoint: 'calls', params: {}, range, pageSize: 7, granularityMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VendorError);
    expect((error as VendorError).code).toBe('VENDOR_AUTH_FAILED');
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('hunter2');
    expect(sim.stats()['requests']).toBe(1);
  });
});

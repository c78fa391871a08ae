import { afterAll, describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../src/core/time/timestamp.ts';
import { systemClock } from '../../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import { RaiClient } from '../../../src/vendors/sinch/rai-client.ts';
import { fetchRange } from '../../../src/vendors/sinch/range-fetcher.ts';
import { TokenBucket } from '../../../src/ingest/token-bucket.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { startSimulator } from '../../../src/vendors/sinch/simulator/index.ts';
import type { FaultOptions, RunningSimulator } from '../../../src/vendors/sinch/simulator/index.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';
import { scriptedClient } from '../../ingest/support/quiet.ts';
import { truthKey } from '../../ingest/support/stack.ts';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const DAY = 86_400_000;
const credentials = { username: 'api', password: 'secret' };

const timeOf = (row: Record<string, unknown>): number => parseTimestamp(String(row['changeTimestamp'] ?? row['changeTimeStamp']));

function clientFor(sim: RunningSimulator): RaiClient {
  return new RaiClient({
    tenant: 'acme', baseUrl: sim.url, credentials, requestTimeoutMs: 5_000, maxAttempts: 4, backoff: { baseMs: 1, maxMs: 5 },
    limiter: new TokenBucket(systemClock, 1_000, 100), clock: systemClock, metrics: createPollerMetrics(), logger: createLogger('silent'),
  });
}

/**
 * Paging of one range against the simulator when the vendor caps pages below `limit`: the RAI documents no total
 * and nothing that makes a short page the last one, so only an empty page ends paging.
 */
describe('fetchRange and vendor page caps', () => {
  const simulators: RunningSimulator[] = [];
  afterAll(async () => {
    await Promise.all(simulators.map((s) => s.close()));
  });

  /** A simulator and the first 2,500 rows of its day: [FROM, time of row 2500) holds exactly those. */
  async function capped(faults: Partial<FaultOptions>) {
    const sim = await startSimulator({ seed: 12, agents: 30, from: FROM, to: FROM + DAY, clock: { mode: 'historical' }, credentials, faults, faultSeed: 3 });
    simulators.push(sim);
    const truth = sim.groundTruth().agentStatusHistory;
    const end = timeOf(truth[2_500]!);
    const expected = truth.filter((row) => timeOf(row) < end);
    expect(expected).toHaveLength(2_500);
    return { sim, range: { start: FROM, end }, expected };
  }

  it('fetches all 2,500 rows when the vendor serves at most 500 per request whatever limit says', async () => {
    const { sim, range, expected } = await capped({ pageCap: 500 });
    const result = await fetchRange(clientFor(sim), { endpoint: 'agentStatusHistory', params: {}, range, pageSize: 1_000, granularityMs: 1 });
    expect(result.rows).toHaveLength(2_500);
    expect(result.rows.map((r) => r.row)).toEqual(expected);
    expect(result.requests).toBe(6);
    expect(result.shortPages).toBe(4);
    expect(result.splits).toBe(0);
  });

  it('misses no row when a capped vendor also serves rows of the previous page again', async () => {
    const { sim, range, expected } = await capped({ pageCap: 500, repeatRowsRate: 0.5 });
    const result = await fetchRange(clientFor(sim), { endpoint: 'agentStatusHistory', params: {}, range, pageSize: 1_000, granularityMs: 1 });
    expect(new Set(result.rows.map((r) => truthKey(r.row as Record<string, unknown>)))).toEqual(new Set(expected.map(truthKey)));
    expect(sim.stats()['fault:repeatRows'] ?? 0).toBeGreaterThan(0);
  });
});

describe('fetchRange paging rules (scripted vendor)', () => {
  function vendor(serve: (offset: number, limit: number) => unknown[]) {
    const calls: string[] = [];
    const impl = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      const offset = Number(url.searchParams.get('offset'));
      const limit = Number(url.searchParams.get('limit'));
      calls.push(`${offset}+${limit}`);
      return new Response(JSON.stringify(serve(offset, limit)), { status: 200 });
    }) as typeof fetch;
    return { calls, client: scriptedClient(new FakeClock(0), impl).client };
  }
  const rows = Array.from({ length: 10 }, (_, i) => ({ n: i }));
  const query = { endpoint: 'agentStatusHistory', params: {}, range: { start: 0, end: 1_000 }, pageSize: 4, granularityMs: 1 };

  it('confirms a short page with one more request before it stops', async () => {
    const { calls, client } = vendor((offset, limit) => rows.slice(offset, offset + limit));
    const result = await fetchRange(client, query);
    expect(result.rows.map((r) => r.row)).toEqual(rows);
    expect(calls).toEqual(['0+4', '4+4', '8+4', '10+4']);
    expect(result.shortPages).toBe(0);
  });

  it('moves the offset past the rows a page added, not past what was asked for', async () => {
    const { calls, client } = vendor((offset, limit) => rows.slice(offset, offset + Math.min(limit, 3)));
    const result = await fetchRange(client, query);
    expect(result.rows.map((r) => r.row)).toEqual(rows);
    expect(calls).toEqual(['0+4', '3+4', '6+4', '9+4', '10+4']);
    expect(result.shortPages).toBe(3);
  });

  it('moves only past the new rows of a page that starts with the previous page\'s last rows', async () => {
    const { calls, client } = vendor((offset, limit) => rows.slice(Math.max(0, offset - 2), Math.max(0, offset - 2) + limit));
    const result = await fetchRange(client, query);
    expect(new Set(result.rows.map((r) => (r.row as { n: number }).n))).toEqual(new Set(rows.map((r) => r.n)));
    expect(calls).toEqual(['0+4', '4+4', '6+4', '8+4', '10+4', '12+4']);
  });
});

/**
 * GET /agentHistory at timeCategory=day, showProfile and showCampaign: `agents` agents × `days` UTC days, through the
 * real Redis sink (REDIS_DAY_ZONES=UTC, so whole days come from the day aggregates with their breakdowns), served by
 * two API processes side by side: one without the answer cache (every request reads Redis) and one with it.
 *
 *   node --expose-gc bench/http-agent-history.bench.ts [agents=1000] [days=1] [seconds=15] [connections=32] [quarterHoursPerDay=36]
 *
 * Each quarter-hour has a realistic breakdown: most of it in profile Office, every fourth in part Lunch, and for a
 * third of the agents every fifth in an outbound campaign; the parts add up to the quarter-hour. The query's page is
 * the first 1,000 rows for one day, 10,000 for more. Prints the medians of 15 sequential requests, autocannon runs,
 * and the heap growth of one uncached request in-process. Deletes its topics and Redis keys at the end.
 */
import autocannon from 'autocannon';
import { Registry } from 'prom-client';
import { METRIC_FIELDS } from '../src/core/statistic/agent-statistic-fields.ts';
import { buildServer } from '../src/http/server.ts';
import { createLogger } from '../src/runtime/logger.ts';
import { storeKeys } from '../src/state/store-keys.ts';
import { TimelineStoreReader } from '../src/state/timeline-store-reader.ts';
import { sequential, startApi } from './support/bench-api.ts';
import { seedThroughSink } from './support/bench-store.ts';
import { TENANT, cleanupOnSignal, createBenchStack, machineLine, median, sleep } from './support/bench-stack.ts';

const AGENTS = Number(process.argv[2] ?? 1000);
const DAYS = Number(process.argv[3] ?? 1);
const SECONDS = Number(process.argv[4] ?? 15);
const CONNECTIONS = Number(process.argv[5] ?? 32);
const PER_DAY = Number(process.argv[6] ?? 36);
const FIRST_DAY = Date.parse('2026-11-01T00:00:00.000Z');
const QUARTER = 900_000;

type Metrics = Record<string, number>;

function partMetrics(seed: number): Metrics {
  const metrics: Metrics = {};
  METRIC_FIELDS.forEach((field, i) => {
    metrics[field] = ((seed * 31 + i * 13) % 97) * 1000;
  });
  return metrics;
}

/** The q-th quarter-hour of `day` of an agent (a shift from 08:00 UTC, or the whole day with 96), with its breakdown. */
function quarterHour(agent: number, day: number, q: number): Record<string, unknown> {
  const intervalStart = FIRST_DAY + day * 86_400_000 + (PER_DAY >= 96 ? 0 : 32 * QUARTER) + q * QUARTER;
  const parts = [{ profile: 'Office', profileReason: 'NONE', campaignId: null, ...partMetrics(agent + q) }];
  if (q % 4 === 0) parts.push({ profile: 'Lunch', profileReason: 'LUNCH', campaignId: null, ...partMetrics(agent * 3 + q) });
  if (agent % 3 === 0 && q % 5 === 0) parts.push({ profile: 'Office', profileReason: 'NONE', campaignId: 'DBE3BEFA75B448F89D52DE51236C03DC', ...partMetrics(agent * 7 + q) } as never);
  parts.sort((a, b) => JSON.stringify([a.profile, a.profileReason, a.campaignId]).localeCompare(JSON.stringify([b.profile, b.profileReason, b.campaignId])));
  const totals: Metrics = {};
  for (const field of METRIC_FIELDS) totals[field] = parts.reduce((sum, part) => sum + ((part as unknown as Metrics)[field] ?? 0), 0);
  return {
    tenant: TENANT, source: 'sinch-rai', userId: `00000000-0000-4000-8000-${String(agent).padStart(12, '0')}`, userName: `Agent ${agent}`,
    intervalStart, intervalEnd: intervalStart + QUARTER, revision: 1, status: 'final', final: true, ...totals, maxChangeTimestamp: intervalStart + QUARTER - 1, extraFields: {}, breakdown: parts,
  };
}

async function main(): Promise<void> {
  console.log(`machine at start: ${machineLine()}`);
  const rows = AGENTS * DAYS * PER_DAY;
  console.log(`load: ${AGENTS} agents × ${DAYS} UTC days × ${PER_DAY} quarter-hours = ${rows} rows with 1–3 breakdown parts each; ${CONNECTIONS} connections, ${SECONDS} s per autocannon run`);
  const stack = await createBenchStack({ REDIS_DAY_ZONES: 'UTC' });
  const children: { exitCode: number | null; kill: (signal: NodeJS.Signals) => boolean }[] = [];
  const cleanup = async (): Promise<void> => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await sleep(500);
    await stack.cleanup([`${stack.id}.redis-sink`]);
  };
  cleanupOnSignal(cleanup);
  try {
    const lastEnd = FIRST_DAY + DAYS * 86_400_000;
    function* values(): Generator<Record<string, unknown>> {
      for (let agent = 0; agent < AGENTS; agent++) for (let q = 0; q < DAYS * PER_DAY; q++) yield quarterHour(agent, Math.floor(q / PER_DAY), q % PER_DAY);
    }
    const sinkMs = await seedThroughSink(stack, values(), lastEnd);
    console.log(`the Redis sink wrote them (rows and UTC day aggregates with breakdowns) in ${Math.round(sinkMs)} ms: ${Math.round(rows / (sinkMs / 1000))} rows/s`);

    const limit = DAYS === 1 ? 1000 : 10_000;
    const path = `/agentHistory?startTime=${new Date(FIRST_DAY).toISOString()}&endTime=${new Date(lastEnd).toISOString()}&timeCategory=day&showProfile=true&showCampaign=true&limit=${limit}`;
    const uncached = await startApi({ ...stack.baseEnv, HTTP_ANSWER_CACHE_MB: '0' });
    children.push(uncached.child);
    const cached = await startApi({ ...stack.baseEnv });
    children.push(cached.child);
    const bodies = await Promise.all([uncached, cached].map(async (api) => {
      const response = await fetch(`${api.base}${path}`);
      const text = await response.text();
      const answer = JSON.parse(text) as unknown[];
      if (response.status !== 200 || answer.length !== Math.min(limit, Number(response.headers.get('x-total-count')))) throw new Error(`unexpected answer: ${response.status} ${text.slice(0, 300)}`);
      return { text, total: response.headers.get('x-total-count') };
    }));
    if (bodies[0]?.text !== bodies[1]?.text) throw new Error('the two servers answered differently');
    console.log(`check: both answer HTTP 200, ${Math.min(limit, Number(bodies[0]?.total))} rows of ${bodies[0]?.total} (X-Total-Count), ${bodies[0]?.text.length} bytes, identical bodies`);
    console.log(`query: ${path}`);
    console.log('');
    for (const [name, api] of [['no cache', uncached], ['answer cache', cached]] as const) {
      const times = await sequential(`${api.base}${path}`, 15);
      console.log(`${name.padEnd(12)} one client, 15 sequential requests: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`);
    }
    for (const [name, api] of [['no cache', uncached], ['answer cache', cached]] as const) {
      // the uncached server may still be answering the previous run's queued requests: let it finish first
      await sleep(3_000);
      const result = await autocannon({ url: `${api.base}${path}`, connections: CONNECTIONS, duration: SECONDS, timeout: 60 });
      console.log(`${name.padEnd(12)} ${CONNECTIONS} clients: ${result.requests.average.toFixed(1)} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; 2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ${machineLine()}`);
    }

    const app = buildServer({
      reader: new TimelineStoreReader(stack.redis, storeKeys(stack.config.redis.keyPrefix), { retentionMs: stack.config.redis.retentionMs }), clock: Date.now, probes: [], registry: new Registry(), logger: createLogger('silent'),
      tenant: TENANT, allowedLatenessMs: stack.config.processor.allowedLatenessMs, collectDefaultMetrics: false, requestLimits: { maxQueryDays: 62 },
    });
    const gc = (globalThis as { gc?: () => void }).gc;
    const growth: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      gc?.();
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const response = await app.inject(path);
      times.push(performance.now() - t0);
      growth.push(process.memoryUsage().heapUsed - before);
      if (response.statusCode !== 200) throw new Error(`in-process answer ${response.statusCode}`);
    }
    await app.close();
    console.log(`one uncached request in-process: median ${median(times).toFixed(1)} ms; heap growth (${gc === undefined ? 'no --expose-gc: GC may run between' : 'after a forced GC'}): median ${(median(growth) / 1_048_576).toFixed(1)} MB`);
    console.log(`machine at end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);

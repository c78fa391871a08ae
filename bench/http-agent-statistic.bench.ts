/**
 * GET /agentStatistic at timeCategory=day in Europe/Helsinki: `agents` agents × `days` local days, through the real
 * Redis sink, served by two API processes side by side: one without the answer cache (every request reads Redis:
 * the day aggregates, and quarter-hours for partial days) and one with it (HTTP_ANSWER_CACHE_MB default).
 *
 *   node bench/http-agent-statistic.bench.ts [agents=1000] [days=1] [seconds=15] [connections=32] [quarterHoursPerDay=96]
 *
 * 1. Produces `agents × days × quarterHoursPerDay` quarter-hour records (a shift from local midnight + 8 h, or the whole
 *    day with 96; the read cost does not depend on it: one day aggregate per agent and day) (Avro, out.agent-statistic-quarter-hour of a fresh topic
 *    prefix) and runs the processor's RedisSink over them until its offsets are committed (REDIS_DAY_ZONES=UTC,
 *    Europe/Helsinki), so the store, the day aggregates included, is what the sink writes.
 * 2. Starts both API processes (`node src/bin/cli.ts serve`), checks an answer of each (200, the expected rows, equal
 *    bodies), then for each: 9 sequential requests (median: one client) and an autocannon run with `connections`
 *    connections for `seconds` s, the two servers alternating.
 * 3. Measures the heap growth of one uncached request in this process (buildServer over the same Redis, --expose-gc).
 *
 * With BENCH_BASE_TREE=<another checkout> (e.g. a worktree of main), its `serve` runs too, with and without the cache,
 * over the same store: its bodies must equal these, and every measurement alternates between the two trees
 * (BENCH_ROUNDS times, default 1), so old and new code are compared in one run on the same data and load.
 * The query: startTime/endTime the Helsinki days, timeCategory=day, timeZone=Europe/Helsinki, limit=1000 (1 day) or
 * 10000 (the first page of a longer range). Deletes its topics and Redis keys at the end.
 */
import type { spawn } from 'node:child_process';
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
const PER_DAY = Number(process.argv[6] ?? 96);
/** 2026-11-01 00:00 in Helsinki (UTC+2 all November). */
const FIRST_DAY = Date.parse('2026-10-31T22:00:00.000Z');
const QUARTER = 900_000;
const ZONES = ['UTC', 'Europe/Helsinki'];


/** The q-th quarter-hour of `day` worked by an agent: all 96 of the day, or a shift from 08:00 local time. */
function quarterHour(agent: number, day: number, q: number): Record<string, unknown> {
  const intervalStart = FIRST_DAY + day * 86_400_000 + (PER_DAY >= 96 ? 0 : 32 * QUARTER) + q * QUARTER;
  const metrics: Record<string, number> = {};
  METRIC_FIELDS.forEach((field, i) => {
    metrics[field] = ((agent * 31 + q * 7 + i * 13) % 97) * 1000;
  });
  return {
    tenant: TENANT, source: 'sinch-rai', userId: `00000000-0000-4000-8000-${String(agent).padStart(12, '0')}`, userName: `Agent ${agent}`,
    intervalStart, intervalEnd: intervalStart + QUARTER, revision: 1, status: 'final', final: true, ...metrics, maxChangeTimestamp: intervalStart + QUARTER - 1, extraFields: {},
  };
}

const BASE_TREE = process.env['BENCH_BASE_TREE'];
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1);



async function main(): Promise<void> {
  console.log(`machine at start: ${machineLine()}`);
  const rows = AGENTS * DAYS * PER_DAY;
  console.log(`load: ${AGENTS} agents × ${DAYS} local days × ${PER_DAY} quarter-hours = ${rows} rows; ${CONNECTIONS} connections, ${SECONDS} s per autocannon run`);
  const stack = await createBenchStack({ REDIS_DAY_ZONES: ZONES.join(',') });
  const children: ReturnType<typeof spawn>[] = [];
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
    console.log(`the Redis sink wrote them (rows and day aggregates of ${ZONES.join(', ')}) in ${Math.round(sinkMs)} ms: ${Math.round(rows / (sinkMs / 1000))} rows/s`);

    const limit = DAYS === 1 ? 1000 : 10_000;
    const path = `/agentStatistic?startTime=${new Date(FIRST_DAY).toISOString()}&endTime=${new Date(lastEnd).toISOString()}&timeCategory=day&timeZone=Europe/Helsinki&limit=${limit}`;
    const apis: { name: string; base: string; cached: boolean }[] = [];
    for (const [tree, label] of [[undefined, ''], ...(BASE_TREE === undefined ? [] : [[BASE_TREE, 'base: ']])] as const) {
      for (const cachedApi of [false, true]) {
        const api = await startApi(cachedApi ? { ...stack.baseEnv } : { ...stack.baseEnv, HTTP_ANSWER_CACHE_MB: '0' }, tree);
        children.push(api.child);
        apis.push({ name: `${label}${cachedApi ? 'answer cache' : 'no cache'}`, base: api.base, cached: cachedApi });
      }
    }
    const expectedRows = Math.min(limit, AGENTS * DAYS);
    const bodies = await Promise.all(apis.map(async (api) => {
      const response = await fetch(`${api.base}${path}`);
      const text = await response.text();
      const rows = JSON.parse(text) as unknown[];
      if (response.status !== 200 || rows.length !== expectedRows) throw new Error(`unexpected answer: ${response.status} ${text.slice(0, 300)}`);
      return { text, total: response.headers.get('x-total-count') };
    }));
    if (bodies.some((body) => body.text !== bodies[0]?.text)) throw new Error('the servers answered differently');
    console.log(`check: ${apis.length} servers answer HTTP 200, ${expectedRows} rows of ${bodies[0]?.total} (X-Total-Count), ${bodies[0]?.text.length} bytes, identical bodies`);
    console.log(`query: ${path}`);
    console.log('');
    const pad = Math.max(...apis.map((api) => api.name.length)) + 1;
    // the first request of each uncached server above warmed it; the 15 below are all read from Redis
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of [false, true]) {
        const group = apis.filter((candidate) => candidate.cached === kind);
        for (const api of round % 2 === 0 ? group : group.reverse()) {
          const times = await sequential(`${api.base}${path}`, 15);
          console.log(`${api.name.padEnd(pad)} one client, 15 sequential requests: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); ${machineLine()}`);
        }
      }
    }
    const gzip = { 'accept-encoding': 'gzip' };
    const runs = [
      ...apis.filter((api) => !api.cached).map((api) => ({ name: api.name, url: api.base, headers: {} })),
      ...apis.filter((api) => api.cached).map((api) => ({ name: api.name, url: api.base, headers: {} })),
      ...apis.filter((api) => api.cached).map((api) => ({ name: `${api.name}, gzip`, url: api.base, headers: gzip })),
    ];
    for (let round = 0; round < ROUNDS; round++) {
      // odd rounds run the base tree first: neither always follows the other's uncached backlog
      const ordered = round % 2 === 0 || BASE_TREE === undefined ? runs : runs.map((_, i) => runs[i % 2 === 0 ? Math.min(i + 1, runs.length - 1) : i - 1]!);
      for (const run of ordered) {
        await sleep(3_000);
        const result = await autocannon({ url: `${run.url}${path}`, connections: CONNECTIONS, duration: SECONDS, timeout: 60, headers: run.headers });
        console.log(`${run.name.padEnd(pad + 6)} ${CONNECTIONS} clients: ${result.requests.average.toFixed(1)} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; 2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; ${machineLine()}`);
      }
    }

    const app = buildServer({
      reader: new TimelineStoreReader(stack.redis, storeKeys(stack.config.redis.keyPrefix), { retentionMs: stack.config.redis.retentionMs }), clock: Date.now, probes: [], registry: new Registry(), logger: createLogger('silent'),
      tenant: TENANT, allowedLatenessMs: stack.config.processor.allowedLatenessMs, collectDefaultMetrics: false, requestLimits: { maxQueryDays: 62 },
    });
    const gc = (globalThis as { gc?: () => void }).gc;
    const growth: number[] = [];
    for (let i = 0; i < 5; i++) {
      gc?.();
      const before = process.memoryUsage().heapUsed;
      const response = await app.inject(path);
      growth.push(process.memoryUsage().heapUsed - before);
      if (response.statusCode !== 200) throw new Error(`in-process answer ${response.statusCode}`);
    }
    await app.close();
    console.log(`heap growth of one uncached request in-process (${gc === undefined ? 'no --expose-gc: GC may run between' : 'after a forced GC'}): median ${(median(growth) / 1_048_576).toFixed(1)} MB`);
    console.log(`machine at end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);

/**
 * HTTP GET /agentStatistic for 1,000 agents × 1 day at timeCategory=day under 32 concurrent clients.
 *
 *   node bench/http-agent-statistic.bench.ts [agents=1000] [seconds=20] [connections=32]
 *   BENCH_CPU_PROF=<dir> node bench/http-agent-statistic.bench.ts   # the server child also writes a --cpu-prof profile
 *
 * Seeds Redis under a fresh REDIS_KEY_PREFIX through TimelineStoreWriter with `agents` agents × 96 final
 * quarter-hours of 2026-11-22 (UTC), starts the API as its own process (`node src/bin/cli.ts serve --port <free>`,
 * so the load generator does not share its event loop), checks one response (200, `agents` rows), then runs
 * autocannon with `connections` connections for `seconds` seconds against
 * GET /agentStatistic?startTime=2026-11-22T00:00:00.000Z&endTime=2026-11-23T00:00:00.000Z&timeCategory=day&limit=10000.
 * First 5 sequential requests (warm-up; their median is the unloaded latency), then the autocannon run (request
 * timeout 60 s; requests still in flight when it ends are not counted). Reports req/s and latency p50/p99. Deletes its Redis keys and stops the server at the end.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { METRIC_FIELDS } from '../src/core/statistic/agent-statistic-fields.ts';
import { storeKeys } from '../src/state/store-keys.ts';
import type { QuarterHourRow, StoreWrite } from '../src/state/store-types.ts';
import { TimelineStoreWriter } from '../src/state/timeline-store-writer.ts';
import { TENANT, cleanupOnSignal, createBenchStack, machineLine, median, sleep } from './support/bench-stack.ts';

const AGENTS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 20);
const CONNECTIONS = Number(process.argv[4] ?? 32);
const DAY = Date.parse('2026-11-22T00:00:00.000Z');
const QUARTER = 900_000;
const PROFILE_DIR = process.env['BENCH_CPU_PROF'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function row(agent: number, q: number): QuarterHourRow {
  const metrics: Record<string, number> = {};
  METRIC_FIELDS.forEach((field, i) => {
    metrics[field] = ((agent * 31 + q * 7 + i * 13) % 97) * 1000;
  });
  const intervalStart = DAY + q * QUARTER;
  return {
    ...(metrics as Omit<QuarterHourRow, 'tenant' | 'source' | 'userId' | 'userName' | 'intervalStart' | 'intervalEnd' | 'revision' | 'status' | 'final' | 'maxChangeTimestamp' | 'extraFields'>),
    tenant: TENANT,
    source: 'sinch-rai',
    userId: `00000000-0000-4000-8000-${String(agent).padStart(12, '0')}`,
    userName: `Agent ${agent}`,
    intervalStart,
    intervalEnd: intervalStart + QUARTER,
    revision: 1,
    status: 'final',
    final: true,
    maxChangeTimestamp: intervalStart + QUARTER - 1,
  };
}

async function main(): Promise<void> {
  console.log(`machine at start: ${machineLine()}`);
  const stack = await createBenchStack({}, { topics: false });
  let child: ReturnType<typeof spawn> | null = null;
  const cleanup = async (): Promise<void> => {
    if (child !== null && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
    }
    await stack.cleanup();
  };
  cleanupOnSignal(cleanup);
  try {
    const writer = new TimelineStoreWriter(stack.redis, storeKeys(stack.config.redis.keyPrefix), stack.config.redis.retentionMs);
    const epoch = await writer.ensureEpoch();
    const seededAt = performance.now();
    let writes: StoreWrite[] = [];
    let written = 0;
    for (let agent = 0; agent < AGENTS; agent++) {
      for (let q = 0; q < 96; q++) writes.push({ kind: 'quarterHour', row: row(agent, q) });
      if (writes.length >= 4_800 || agent === AGENTS - 1) {
        written += (await writer.apply(epoch, writes)).written;
        writes = [];
      }
    }
    for (let partition = 0; partition < 6; partition++) await writer.raiseWatermark(TENANT, partition, DAY + 86_400_000, 6);
    console.log(`seeded ${written} quarter-hour rows (${AGENTS} agents × 96) in ${Math.round(performance.now() - seededAt)} ms`);

    const port = await freePort();
    const execArgv = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
    const server = spawn(process.execPath, [...execArgv, join(import.meta.dirname, '../src/bin/cli.ts'), 'serve', '--host', '127.0.0.1', '--port', String(port)], {
      env: { ...process.env, ...stack.baseEnv, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child = server;
    let exited: string | null = null;
    const serverStarted = performance.now();
    server.once('exit', (code, signal) => {
      exited = `the API process exited ${Math.round((performance.now() - serverStarted) / 1000)} s after its start (code ${code}, signal ${signal})`;
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 100 || server.exitCode !== null) throw new Error('the API did not start');
      await sleep(100);
    }
    const url = `${base}/agentStatistic?startTime=2026-11-22T00:00:00.000Z&endTime=2026-11-23T00:00:00.000Z&timeCategory=day&limit=10000`;
    const probe = await fetch(url);
    const text = await probe.text();
    const body = JSON.parse(text) as unknown;
    const count = Array.isArray(body) ? body.length : -1;
    console.log(`check: HTTP ${probe.status}, ${count} rows, ${text.length} bytes per response`);
    if (probe.status !== 200 || count !== AGENTS) throw new Error(`unexpected response: ${text.slice(0, 300)}`);
    // Warm-up and the unloaded latency: sequential requests, one at a time.
    const single: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await (await fetch(url)).arrayBuffer();
      single.push(performance.now() - t0);
    }
    console.log(`one client, sequential: ${single.map((ms) => Math.round(ms)).join(', ')} ms (median ${Math.round(median(single))} ms)`);
    const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, timeout: 60 });
    console.log('');
    console.log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s, ${AGENTS} rows per response`);
    console.log(`requests/s: mean ${result.requests.average.toFixed(1)}, p50 ${result.requests.p50}; total ${result.requests.total}, 2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`);
    console.log(`latency ms: p50 ${result.latency.p50}, p90 ${result.latency.p90}, p99 ${result.latency.p99}, max ${result.latency.max}, mean ${result.latency.average.toFixed(1)}`);
    console.log(`throughput: ${(result.throughput.average / 1e6).toFixed(1)} MB/s`);
    console.log(exited ?? 'the API process was still running at the end');
    console.log(`machine at end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);

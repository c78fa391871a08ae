/**
 * Requests and rows for one simulated local day of Thulium `agents_work_report`, two ways (docs/pollers.md "Thulium"):
 *
 *   node bench/thulium-query-plans.bench.ts [day=2026-10-25] [agents=50,300] [zone=Europe/Warsaw]
 *
 * (a) per-window: one query per local quarter-hour [label(q), label(q + 15 min)) with aggregate_by=day, every page;
 * (b) minute chunks: the poller's plan, aggregate_by=minute over 1-hour chunks (chunkBoundary moves an end past the
 *     repeated fall-back hour), every page.
 * `requests` counts work report pages only; a poller adds one `agents_groups` request per window or chunk. Both page with limit 100 against the Thulium simulator (no faults) through ThuliumClient and count requests and
 * rows (and windows the vendor refuses with 400). For (a) it also counts the quarter-hours the day has that no window can address: a window's date_from in
 * the second run of a repeated hour is read as the first run, so those quarter-hours are never asked for alone.
 */
import { createPollerMetrics } from '../src/ingest/metrics.ts';
import { TokenBucket } from '../src/ingest/token-bucket.ts';
import { VendorError } from '../src/ingest/vendor-error.ts';
import { systemClock } from '../src/ingest/clock.ts';
import { createLogger } from '../src/runtime/logger.ts';
import { formatLocal, labelRoundTrips, nextChunk, quarterHoursOfLocalDay, resolveLocal } from '../src/vendors/thulium/local-time.ts';
import { startThuliumSimulator } from '../src/vendors/thulium/simulator/index.ts';
import { ThuliumClient } from '../src/vendors/thulium/thulium-client.ts';

const DAY = process.argv[2] ?? '2026-10-25';
const AGENT_COUNTS = (process.argv[3] ?? '50,300').split(',').map(Number);
const ZONE = process.argv[4] ?? 'Europe/Warsaw';
const QH = 900_000;
const credentials = { username: 'bench', password: 'bench' };

async function measure(agents: number): Promise<void> {
  const quarters = quarterHoursOfLocalDay(DAY, ZONE);
  const from = quarters[0] as number;
  const to = (quarters.at(-1) as number) + QH;
  const sim = await startThuliumSimulator({ seed: 1, agents, from: from - 86_400_000, to: to + 86_400_000, zone: ZONE, clock: { mode: 'historical' }, credentials });
  try {
    const metrics = createPollerMetrics();
    const client = new ThuliumClient({ tenant: 'bench', endpoint: 'bench', baseUrl: sim.url, credentials, requestTimeoutMs: 120_000, maxAttempts: 1, backoff: { baseMs: 1, maxMs: 1 }, limiter: new TokenBucket(systemClock, 1e9, 1e9), clock: systemClock, metrics, logger: createLogger('silent') });
    const groups = (await client.agentsGroups()).map((g) => g.id);
    const plan = async (windows: Array<{ start: number; end: number }>, aggregateBy: 'day' | 'minute') => {
      const before = metrics.total('requests');
      let rows = 0;
      let refused = 0;
      const started = performance.now();
      for (const w of windows) {
        try {
          rows += (await client.workReport({ dateFrom: formatLocal(w.start, ZONE), dateTo: formatLocal(w.end, ZONE), aggregateBy, agentGroupIds: groups, outboundThreshold: 0 })).rows.length;
        } catch (error) {
          if (!(error instanceof VendorError) || error.code !== 'VENDOR_BAD_REQUEST') throw error;
          refused++;
        }
      }
      return { windows: windows.length, requests: metrics.total('requests') - before, rows, refused400: refused, ms: Math.round(performance.now() - started) };
    };
    const perWindow = await plan(quarters.map((q) => ({ start: q, end: q + QH })), 'day');
    const unaddressable = quarters.filter((q) => !labelRoundTrips(q, ZONE)).length;
    const misread = quarters.filter((q) => resolveLocal(formatLocal(q, ZONE), ZONE) !== q || resolveLocal(formatLocal(q + QH, ZONE), ZONE) !== q + QH).length;
    const chunks: Array<{ start: number; end: number }> = [];
    for (let start = from; start < to; ) {
      const chunk = nextChunk(start, 3_600_000, ZONE);
      chunks.push(chunk);
      start = chunk.end;
    }
    const minute = await plan(chunks, 'minute');
    console.log(JSON.stringify({ day: DAY, zone: ZONE, agents, quarterHours: quarters.length, perWindow: { ...perWindow, quarterHoursNotAddressable: unaddressable, windowsMisread: misread }, minuteChunks: minute }));
  } finally {
    await sim.close();
  }
}

for (const agents of AGENT_COUNTS) await measure(agents);

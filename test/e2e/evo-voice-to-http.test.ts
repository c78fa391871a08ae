import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { simulateCommand } from '../../src/cli/simulate-command.ts';
import { buildServer } from '../../src/http/server.ts';
import { systemClock } from '../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { BillingStore } from '../../src/state/billing-store.ts';
import { createRedis } from '../../src/state/redis-client.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { runEvoVoicePollers } from '../../src/vendors/evo-voice/evo-voice-pollers.ts';
import type { EvoFaultOptions, RunningEvoSimulator } from '../../src/vendors/evo-voice/simulator/index.ts';
import { startEvoSimulator, worldOf } from '../../src/vendors/evo-voice/simulator/index.ts';
import type { EvoSimulatorOptions } from '../../src/vendors/evo-voice/simulator/index.ts';
import { billingLines, customersOf } from '../../src/vendors/evo-voice/simulator/model/billing.ts';
import { requireServices } from '../support/services.ts';
import type { Values } from './support/row-mismatches.ts';
import { mismatches } from './support/row-mismatches.ts';
import type { TruthLine, TruthRow } from './support/truth-statistics.ts';
import { truthStatistics } from './support/truth-statistics.ts';
import { latestQuarterHours, waitFor } from './support/pipeline-reads.ts';
import { e2eEnv } from './support/e2e-env.ts';

const HOUR = 3_600_000;
const TENANT = 'evo-e2e';
const AGENTS = 6;
const ZONE = 'Europe/Helsinki';
const CREDENTIALS = { username: 'e2e@evo', password: 'e2e-secret' };

/**
 * The agentStatistic fields Evo Voice can supply (docs/vendors/evo-voice-contract.md, docs/metrics.md), restated here
 * apart from src/core: every other field must be null in every output.
 */
const EVO_KNOWN = ['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut'] as const;
const EVO_NULL = [
  'pauseDuration', 'freeDuration', 'waitingDuration', 'contactHandlingDuration', 'restingDuration', 'previewDuration', 'callInDuration', 'callInDirectDuration',
  'callOutDirectDuration', 'emailInDuration', 'emailOutDuration', 'chatDuration', 'afterworkCallInDuration', 'afterworkCallOutDuration', 'afterworkEmailInDuration',
  'afterworkChatInDuration', 'countOfHandledCallIn', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect', 'countOfHandledEmailIn', 'countOfHandledEmailOut',
  'countOfHandledChatIn', 'countOfHandledChatOut',
] as const;


/** What an output row, a Redis row or an HTTP row says about one (agent, period): the known fields, the names of non-null unknown fields, the source. */
function view(row: Readonly<Record<string, unknown>>): Values {
  const out: Values = { userName: String(row['userName']), source: String(row['source']) };
  for (const field of EVO_KNOWN) out[field] = row[field] as number | null;
  out['notNull'] = EVO_NULL.filter((f) => row[f] !== null).join(',');
  return out;
}

function truthView(row: TruthRow): Values {
  const out: Values = { userName: row.userName, source: 'evo-voice' };
  for (const field of EVO_KNOWN) out[field] = row.values[field];
  out['notNull'] = '';
  return out;
}

/** The truth quarter-hours summed per local day of `zone` (test code: luxon, not src/core's roll-up). */
function truthDays(quarters: ReadonlyMap<string, TruthRow>, zone: string): Map<string, Values> {
  const days = new Map<string, Values>();
  for (const [key, row] of quarters) {
    const [agentId = '', start = ''] = key.split('|');
    const day = DateTime.fromISO(start, { zone: 'utc' }).setZone(zone).startOf('day').toUTC().toISO({ suppressMilliseconds: false }) ?? '';
    const dayKey = `${agentId}|${day}`;
    const sum = days.get(dayKey) ?? { ...truthView({ userName: row.userName, values: Object.fromEntries(EVO_KNOWN.map((f) => [f, 0])) as TruthRow['values'] }) };
    for (const field of EVO_KNOWN) sum[field] = Number(sum[field]) + row.values[field];
    sum['userName'] = row.userName;
    days.set(dayKey, sum);
  }
  return days;
}

function hasContent(row: Readonly<Record<string, unknown>>): boolean {
  return Number(row['servingDuration'] ?? 0) > 0 || Number(row['countOfHandledCallOut'] ?? 0) > 0;
}

interface Scenario {
  readonly name: string;
  readonly seed: number;
  readonly faults: Partial<EvoFaultOptions>;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'no faults', seed: 23, faults: {} },
  {
    name: 'stuck and failed jobs, 429, 5xx, slow and truncated workbooks',
    seed: 29,
    faults: { rate429: 0.05, retryAfterSeconds: 1, rate5xx: 0.05, stuckRate: 0.15, errorRate: 0.15, slowDownloadRate: 0.3, slowChunkBytes: 4096, slowPauseMs: 5, truncatedRate: 0.2 },
  },
];

/**
 * End to end for Evo Voice: the simulator → report-job pollers → raw topics → the Evo processor → output topic and
 * Redis → HTTP, compared with the simulator's own truth (`simulate --vendor evo-voice --export-truth`) through
 * test/e2e/support/truth-statistics.ts, which shares no code with src/core. With faults on, nothing may be lost or
 * counted twice: the comparison is the same.
 */
describe.each(SCENARIOS)('end to end, Evo Voice ($name): simulator truth to Kafka, Redis and HTTP', (scenario) => {
  // Helsinki's 25-hour day of the 2026 fall-back (03:00 EEST → 02:00 EET on 25 October): midnight to midnight
  const from = Date.parse('2026-10-24T21:00:00.000Z');
  const to = Date.parse('2026-10-25T22:00:00.000Z');
  let config: Config;
  let simulator: RunningEvoSimulator;
  let processor: ProcessorInstance;
  let redis: RedisStore;
  let truthLines: TruthLine[];
  let truth: Map<string, TruthRow>;
  let accountId: string;
  let options: EvoSimulatorOptions;

  beforeAll(async () => {
    const services = await requireServices();
    const run = randomUUID();
    options = { seed: scenario.seed, agents: AGENTS, from, to, zone: ZONE, clock: { mode: 'historical' }, credentials: CREDENTIALS, jobs: { queuedMs: 10, runningMs: 30 }, faults: scenario.faults };
    simulator = await startEvoSimulator(options);
    accountId = simulator.accounts[0]?.id ?? '';
    config = parseConfig({
      ...e2eEnv(services, run, TENANT),
      PROCESSOR_SOURCES: 'evo-voice',
      EVO_VOICE_TENANTS: JSON.stringify([
        {
          id: TENANT, baseUrl: simulator.url, accountId, credentials: CREDENTIALS, timeZoneId: ZONE, startAt: new Date(from).toISOString(), windowMs: HOUR,
          // every window of the day is due now, the next one only in an hour
          safetyLagMs: Math.max(0, Date.now() - to - 60_000), pollIntervalMs: 200, jobPollInitialMs: 20, jobPollMaxMs: 200, maxWaitForJobMs: 3_000, maxAttempts: 8,
          requestTimeoutMs: 5_000, downloadTimeoutMs: 20_000, backoffBaseMs: 20, backoffMaxMs: 500, rateLimitPerSecond: 1000, rateLimitBurst: 100,
        },
      ]),
    });
    const logger = createLogger('warn');
    await setupTopology(config, logger);
    const metrics = createPollerMetrics();
    await runEvoVoicePollers({ config, kafka: createKafka(config, logger, '-poller'), serde: new AvroSerde(config.schemaRegistry), logger, clock: systemClock, metrics }, config.evoVoice.tenants, { signal: AbortSignal.timeout(200_000), once: true });
    processor = await startProcessorInstance(config, processorSource(config, 'evo-voice'), logger);
    redis = createRedis(config);
    await redis.connect();

    const file = join(await mkdtemp(join(tmpdir(), 'e2e-evo-truth-')), 'intervals.ndjson');
    const quiet = { write: () => true };
    const args = ['--vendor', 'evo-voice', '--seed', String(scenario.seed), '--agents', String(AGENTS), '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--zone', ZONE, '--export-truth', file];
    expect(await simulateCommand(args, { stdout: quiet, stderr: quiet })).toBe(0);
    truthLines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TruthLine);
    truth = truthStatistics(truthLines, { openUntil: to });
  }, 300_000);

  afterAll(async () => {
    await processor?.stop();
    await simulator?.close();
    redis?.disconnect();
  });

  it('the truth is a real day of work (and the faults happened)', () => {
    expect(new Set(truthLines.map((l) => l.agentId)).size).toBe(AGENTS);
    expect(truthLines.some((l) => l.end === null), 'an interval still open at the end').toBe(true);
    expect(truth.size).toBeGreaterThan(100);
    expect([...truth.values()].reduce((sum, r) => sum + r.values.countOfHandledCallOut, 0)).toBeGreaterThan(20);
    expect([...truth.values()].reduce((sum, r) => sum + r.values.afterworkDuration, 0)).toBeGreaterThan(0);
    const stats = simulator.stats();
    for (const [fault, rate] of Object.entries({ 'fault:stuck': scenario.faults.stuckRate, 'fault:error': scenario.faults.errorRate, 'fault:truncated': scenario.faults.truncatedRate, 'fault:429': scenario.faults.rate429, 'fault:5xx': scenario.faults.rate5xx })) {
      if ((rate ?? 0) > 0) expect(stats[fault] ?? 0, fault).toBeGreaterThan(0);
    }
  });

  /** The output topic read read_committed: the latest revision of every key with content. */
  async function outputRows(): Promise<QuarterHourRow[]> {
    const { rows, badKeys } = await latestQuarterHours(config, TENANT);
    expect(badKeys).toEqual([]);
    return rows.filter((row) => hasContent(row as unknown as Record<string, unknown>));
  }

  const want = (): Map<string, Values> => new Map([...truth].map(([key, row]) => [key, truthView(row)]));

  it('Redis holds exactly the truth quarter-hours: known fields equal, every other field null, source evo-voice', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    let got = new Map<string, Values>();
    const read = async (): Promise<Map<string, Values>> =>
      new Map((await reader.listQuarterHours({ tenant: TENANT, from, to })).filter((r) => hasContent(r as unknown as Record<string, unknown>)).map((r) => [`${r.userId}|${new Date(r.intervalStart).toISOString()}`, view(r as unknown as Record<string, unknown>)]));
    await waitFor(async () => mismatches(want(), (got = await read())).length === 0, 60_000);
    expect(mismatches(want(), got)).toEqual([]);
  }, 90_000);

  it('the output topic, read read_committed, holds the truth as the latest revision of every key', async () => {
    const rows = await outputRows();
    expect(mismatches(want(), new Map(rows.map((r) => [`${r.userId}|${new Date(r.intervalStart).toISOString()}`, view(r as unknown as Record<string, unknown>)])))).toEqual([]);
  }, 60_000);

  it('HTTP answers the truth for quarter-hours and for Helsinki days, with null for what Evo Voice cannot supply', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const app = buildServer({ reader, billing: new BillingStore(redis, storeKeys(config.redis.keyPrefix), config.redis.retentionMs), clock: () => to, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    try {
      const range = `startTime=${new Date(from).toISOString()}&endTime=${new Date(to - 1).toISOString()}`;
      const keyed = (rows: Record<string, unknown>[]) => new Map(rows.filter(hasContent).map((r) => [`${String(r['userId'])}|${String(r['intervalStart'])}`, view(r)]));
      const quarters = await app.inject({ method: 'GET', url: `/agentStatistic?${range}&timeCategory=quarterHour&limit=10000` });
      expect(quarters.statusCode).toBe(200);
      const quarterRows = quarters.json() as Record<string, unknown>[];
      expect(quarterRows.every((r) => r['callInDuration'] === null && r['pauseDuration'] === null && r['source'] === 'evo-voice')).toBe(true);
      expect(mismatches(want(), keyed(quarterRows))).toEqual([]);

      // the range is exactly one Helsinki day, the 25-hour one of the fall-back
      const days = await app.inject({ method: 'GET', url: `/agentStatistic?${range}&timeCategory=day&timeZone=${ZONE}&limit=10000` });
      expect(days.statusCode).toBe(200);
      const dayRows = days.json() as Record<string, unknown>[];
      expect(mismatches(truthDays(truth, ZONE), keyed(dayRows))).toEqual([]);
      expect(dayRows.every((r) => r['partialFields'] === undefined)).toBe(true);
      expect(new Set(dayRows.map((r) => `${String(r['intervalStart'])}/${String(r['intervalEnd'])}`))).toEqual(new Set([`${new Date(from).toISOString()}/${new Date(to).toISOString()}`]));
    } finally {
      await app.close();
    }
  }, 60_000);

  it("HTTP timelines are the truth's final closed intervals, and /agentStatus is each agent's open interval", async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const app = buildServer({ reader, clock: () => to, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    try {
      const byAgent = Map.groupBy(truthLines, (l) => l.agentId);
      for (const [agentId, lines] of byAgent) {
        const response = await app.inject({ method: 'GET', url: `/agents/${agentId}/timeline?startTime=${new Date(from - HOUR).toISOString()}&endTime=${new Date(to).toISOString()}` });
        expect(response.statusCode, agentId).toBe(200);
        const segments = (response.json() as { segments: Record<string, unknown>[] }).segments.map((s) => `${String(s['start'])} ${String(s['end'])} ${String(s['userStatus'])} ${String(s['handlingStatus'])} ${String(s['source'])}`);
        // segments are published once final: when they end at least the allowed lateness before the watermark (`to`)
        const closed = lines.filter((l) => l.end !== null && Date.parse(l.end) <= to - config.processor.allowedLatenessMs).map((l) => `${l.start} ${String(l.end)} ${String(l.presence)} ${String(l.handling)} evo-voice`);
        expect(segments, agentId).toEqual(closed);
      }
      const status = await app.inject({ method: 'GET', url: '/agentStatus' });
      expect(status.statusCode).toBe(200);
      const states = new Map((status.json() as Record<string, unknown>[]).filter((r) => r['loggedIn'] === true).map((r) => [String(r['userId']), `${String(r['userStatus'])} ${String(r['contactHandlingStatus'])} ${String(r['source'])}`]));
      const open = new Map([...byAgent].flatMap(([agentId, lines]) => {
        const last = lines.at(-1);
        return last !== undefined && last.end === null ? [[agentId, `${String(last.presence)} ${String(last.handling)} evo-voice`] as const] : [];
      }));
      expect(open.size).toBeGreaterThan(0);
      expect(states).toEqual(open);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('GET /billing serves the billing rows of the simulated days as the vendor reported them', async () => {
    const app = buildServer({ reader: new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix)), billing: new BillingStore(redis, storeKeys(config.redis.keyPrefix), config.redis.retentionMs), clock: () => to, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    try {
      const startDate = new Date(from - 86_400_000).toISOString().slice(0, 10);
      const endDate = new Date(to + 86_400_000).toISOString().slice(0, 10);
      const url = `/billing?accountId=${accountId}&startDate=${startDate}&endDate=${endDate}&includeCustomerIds=true`;
      // the simulator's own billing model is the truth for every date the poller reported; the last full UTC day before `to` must be one
      const account = worldOf(options).accounts[0]?.account;
      if (account === undefined) throw new Error('the simulator has no account');
      const lastFullDay = new Date(Math.floor(to / 86_400_000) * 86_400_000 - 86_400_000).toISOString().slice(0, 10);
      const line = (r: Readonly<Record<string, unknown>>): string => `${String(r['date'])} ${String(r['customerId'])} ${String(r['service'])} ${String(r['quantity'])} ${String(r['amount'])}`;
      let got: string[] = [];
      await waitFor(async () => {
        const response = await app.inject({ method: 'GET', url });
        got = (response.statusCode === 200 ? (response.json() as { rows: Record<string, unknown>[] }).rows : []).map(line).sort();
        return got.some((g) => g.startsWith(lastFullDay));
      }, 30_000);
      const dates = [...new Set(got.map((g) => g.slice(0, 10)))].sort();
      expect(dates).toContain(lastFullDay);
      const expected = billingLines(options.seed, account, customersOf(options.seed, account), dates).map((l) => line(l as unknown as Record<string, unknown>)).sort();
      expect(got).toEqual(expected);
    } finally {
      await app.close();
    }
  }, 60_000);
});

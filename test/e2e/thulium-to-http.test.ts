import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { tenantTimeZones } from '../../src/cli/serve-command.ts';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { simulateCommand } from '../../src/cli/simulate-command.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';
import { buildServer } from '../../src/http/server.ts';
import { systemClock } from '../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { createRedis } from '../../src/state/redis-client.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import type { RunningThuliumSimulator } from '../../src/vendors/thulium/simulator/index.ts';
import { startThuliumSimulator } from '../../src/vendors/thulium/simulator/index.ts';
import { runThuliumPollers } from '../../src/vendors/thulium/thulium-pollers.ts';
import { requireServices } from '../support/services.ts';
import type { Values } from './support/row-mismatches.ts';
import { mismatches } from './support/row-mismatches.ts';
import { latestQuarterHours, waitFor } from './support/pipeline-reads.ts';
import type { StatusLine, ThuliumQuarter, VendorLine } from './support/thulium-truth.ts';
import { quarterHasContent, THULIUM_KNOWN, thuliumQuarters } from './support/thulium-truth.ts';
import { e2eEnv } from './support/e2e-env.ts';

const TENANT = 'thulium-e2e';
const AGENTS = 6;
const ZONE = 'Europe/Warsaw';
const CREDENTIALS = { username: 'api_user', password: 'e2e-secret' };

/** The agentStatistic fields Thulium cannot supply (docs/metrics.md, restated apart from src/core): null everywhere. */
const THULIUM_NULL = [
  'servingDuration', 'readyDuration', 'notReadyDuration', 'waitingDuration', 'contactHandlingDuration', 'afterworkDuration', 'restingDuration', 'previewDuration',
  'callInDirectDuration', 'callOutDirectDuration', 'emailInDuration', 'emailOutDuration', 'chatDuration', 'afterworkCallInDuration', 'afterworkCallOutDuration',
  'afterworkEmailInDuration', 'afterworkChatInDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect', 'countOfHandledEmailOut', 'countOfHandledChatOut',
] as const;
/** Extras compared with the vendor model: the pause reasons' time and the outbound attempts without talk. */
const EXTRAS = ['pauseReason0Duration', 'pauseReason1Duration', 'pauseReason2Duration', 'pauseReason3Duration', 'pauseReason4Duration', 'outboundBelowThresholdCount'] as const;


function view(row: Readonly<Record<string, unknown>>): Values {
  const out: Values = { source: String(row['source']) };
  for (const field of THULIUM_KNOWN) out[field] = row[field] as number | null;
  const extras = (row['extraFields'] ?? {}) as Record<string, number>;
  for (const key of EXTRAS) out[key] = extras[key] ?? 0;
  out['notNull'] = THULIUM_NULL.filter((f) => row[f] !== null).join(',');
  return out;
}

function truthView(q: ThuliumQuarter): Values {
  const out: Values = { source: 'thulium' };
  for (const field of THULIUM_KNOWN) out[field] = q.values[field];
  for (const key of EXTRAS) out[key] = q.extras[key] ?? 0;
  out['notNull'] = '';
  return out;
}

function hasContent(row: Readonly<Record<string, unknown>>): boolean {
  return THULIUM_KNOWN.some((f) => Number(row[f] ?? 0) !== 0);
}

interface Scenario {
  readonly name: string;
  readonly seed: number;
  readonly faults: Record<string, number>;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'no faults', seed: 41, faults: {} },
  { name: '429, 5xx, resets and slow answers', seed: 43, faults: { rate429: 0.05, retryAfterSeconds: 0, rate5xx: 0.05, resetRate: 0.02, slowRate: 0.1, slowMs: 30 } },
];

/**
 * End to end for Thulium over Warsaw's 25-hour fall-back day: the simulator → work-report and status pollers → raw
 * topics → the two Thulium processor sources → output topic and Redis → HTTP, compared with the simulator's own
 * vendor model (`simulate --vendor thulium --export-truth`, `<FILE>.thulium.ndjson`) through
 * test/e2e/support/thulium-truth.ts, which shares no code with src/core, the adapter or the simulator's report code.
 */
describe.each(SCENARIOS)('end to end, Thulium ($name): simulator truth to Kafka, Redis and HTTP', (scenario) => {
  const from = Date.parse('2026-10-24T22:00:00.000Z');
  const to = Date.parse('2026-10-25T23:00:00.000Z');
  let config: Config;
  let simulator: RunningThuliumSimulator;
  let processors: ProcessorInstance[] = [];
  let redis: RedisStore;
  let lines: VendorLine[];
  let truth: Map<string, Values>;
  let quarters: Map<string, ThuliumQuarter>;

  beforeAll(async () => {
    const services = await requireServices();
    const run = randomUUID();
    simulator = await startThuliumSimulator({ seed: scenario.seed, agents: AGENTS, from, to, zone: ZONE, clock: { mode: 'historical' }, credentials: CREDENTIALS, faults: scenario.faults });
    config = parseConfig({
      ...e2eEnv(services, run, TENANT),
      PROCESSOR_SOURCES: 'thulium-reports,thulium-statuses',
      THULIUM_TENANTS: JSON.stringify([
        {
          id: TENANT, baseUrl: simulator.url, credentials: CREDENTIALS, timeZone: ZONE, startAt: new Date(from).toISOString(), chunkMs: 3_600_000,
          safetyLagMs: 0, pollIntervalMs: 200, statusPollIntervalMs: 300, requestTimeoutMs: 5_000, maxAttempts: 12,
          backoffBaseMs: 10, backoffMaxMs: 200, rateLimitPerSecond: 1000, rateLimitBurst: 100,
        },
      ]),
    });
    const logger = createLogger('warn');
    await setupTopology(config, logger);
    // the pollers' clock starts a minute after the simulated day (and runs): the statuses are sampled then, as the
    // simulator shows them at `to`
    const started = Date.now();
    const clock = { now: () => to + 60_000 + (Date.now() - started), sleep: systemClock.sleep };
    await runThuliumPollers({ config, kafka: createKafka(config, logger, '-poller'), serde: new AvroSerde(config.schemaRegistry), logger, clock, metrics: createPollerMetrics() }, config.thulium.tenants, { signal: AbortSignal.timeout(240_000), once: true });
    processors = [
      await startProcessorInstance(config, processorSource(config, 'thulium-reports'), logger, { redisSink: true }),
      await startProcessorInstance(config, processorSource(config, 'thulium-statuses'), logger, { redisSink: false }),
    ];
    redis = createRedis(config);
    await redis.connect();

    const file = join(await mkdtemp(join(tmpdir(), 'e2e-thulium-truth-')), 'intervals.ndjson');
    const quiet = { write: () => true };
    const args = ['--vendor', 'thulium', '--seed', String(scenario.seed), '--agents', String(AGENTS), '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--zone', ZONE, '--export-truth', file];
    expect(await simulateCommand(args, { stdout: quiet, stderr: quiet })).toBe(0);
    lines = (await readFile(`${file}.thulium.ndjson`, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as VendorLine);
    quarters = thuliumQuarters(lines, to);
    quarters = new Map([...quarters].filter(([key]) => Date.parse(key.split('|')[1] ?? '') >= from));
    truth = new Map([...quarters].filter(([, q]) => quarterHasContent(q)).map(([key, q]) => [key, truthView(q)]));
  }, 360_000);

  afterAll(async () => {
    for (const processor of processors) await processor.stop();
    await simulator?.close();
    redis?.disconnect();
  });

  it('the truth is a real day of work, across the repeated hour (and the faults happened)', () => {
    expect(new Set(lines.map((l) => l.agentId)).size).toBe(AGENTS);
    expect(truth.size).toBeGreaterThan(150);
    const total = (field: (typeof THULIUM_KNOWN)[number]) => [...quarters.values()].reduce((sum, q) => sum + q.values[field], 0);
    for (const field of THULIUM_KNOWN) expect(total(field), field).toBeGreaterThan(0);
    // the second 02:00–03:00 (CET, 01:00–02:00 UTC) holds work of its own
    const repeated = [...truth.keys()].filter((key) => key.split('|')[1]?.startsWith('2026-10-25T01:'));
    expect(repeated.length).toBeGreaterThan(0);
    const stats = simulator.stats();
    if ((scenario.faults['rate429'] ?? 0) > 0) expect((stats['status:429'] ?? 0) + (stats['status:500'] ?? 0) + (stats['status:503'] ?? 0), JSON.stringify(stats)).toBeGreaterThan(0);
  });

  it('Redis holds exactly the truth quarter-hours: the known fields and extras equal, every other field null, source thulium', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    let got = new Map<string, Values>();
    const read = async (): Promise<Map<string, Values>> =>
      new Map((await reader.listQuarterHours({ tenant: TENANT, from, to })).filter((r) => hasContent(r as unknown as Record<string, unknown>)).map((r) => [`${r.userId}|${new Date(r.intervalStart).toISOString()}`, view(r as unknown as Record<string, unknown>)]));
    await waitFor(async () => mismatches(truth, (got = await read())).length === 0, 90_000);
    expect(mismatches(truth, got)).toEqual([]);
  }, 120_000);

  it('the output topic, read read_committed, holds the truth as the latest revision of every key, each revision once', async () => {
    const { rows, badKeys } = await latestQuarterHours(config, TENANT);
    expect(badKeys).toEqual([]);
    const got = new Map(rows.filter((r) => hasContent(r as unknown as Record<string, unknown>)).map((r) => [`${r.userId}|${new Date(r.intervalStart).toISOString()}`, view(r as unknown as Record<string, unknown>)]));
    expect(mismatches(truth, got)).toEqual([]);
    // the pollers publish each quarter-hour once, so no window is ever corrected
    expect(rows.filter((r) => r.status === 'correction')).toEqual([]);
  }, 60_000);

  it('HTTP answers the truth for quarter-hours and for the 25-hour Warsaw day, neither short nor double-counted', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const app = buildServer({ reader, clock: () => to, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs, tenantTimeZones: tenantTimeZones(config) });
    try {
      const range = `startTime=${new Date(from).toISOString()}&endTime=${new Date(to - 1).toISOString()}`;
      const keyed = (rows: Record<string, unknown>[]) => new Map(rows.filter(hasContent).map((r) => [`${String(r['userId'])}|${String(r['intervalStart'])}`, view(r)]));
      const quartersAnswer = await app.inject({ method: 'GET', url: `/agentStatistic?${range}&timeCategory=quarterHour&limit=10000` });
      expect(quartersAnswer.statusCode).toBe(200);
      expect(mismatches(truth, keyed(quartersAnswer.json() as Record<string, unknown>[]))).toEqual([]);

      const days = await app.inject({ method: 'GET', url: `/agentStatistic?${range}&timeCategory=day&timeZone=${ZONE}&limit=10000` });
      expect(days.statusCode).toBe(200);
      const dayRows = days.json() as Record<string, unknown>[];
      expect(new Set(dayRows.map((r) => `${String(r['intervalStart'])}/${String(r['intervalEnd'])}`))).toEqual(new Set([`${new Date(from).toISOString()}/${new Date(to).toISOString()}`]));
      const wantDays = new Map<string, Values>();
      for (const [key, q] of quarters) {
        const agent = key.split('|')[0] ?? '';
        const day = wantDays.get(agent) ?? truthView({ values: Object.fromEntries(THULIUM_KNOWN.map((f) => [f, 0])) as ThuliumQuarter['values'], extras: {} });
        for (const field of [...THULIUM_KNOWN, ...EXTRAS]) day[field] = Number(day[field]) + Number((THULIUM_KNOWN as readonly string[]).includes(field) ? q.values[field as (typeof THULIUM_KNOWN)[number]] : (q.extras[field] ?? 0));
        wantDays.set(agent, day);
      }
      const gotDays = new Map(dayRows.map((r) => [String(r['userId']), view(r)]));
      expect(mismatches(wantDays, gotDays)).toEqual([]);
      // the day has 25 hours: its pause and free time may exceed 24 h of one agent only because the hour repeats
      expect(DateTime.fromMillis(to, { zone: ZONE }).diff(DateTime.fromMillis(from, { zone: ZONE }), 'hours').hours).toBe(25);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('/agentStatus shows each agent as the vendor last showed it, marked sampled', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const app = buildServer({ reader, clock: () => to, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    try {
      const presenceOf = (status: string): string => (status === 'OFF' ? 'LoggedOut' : status === 'PAUSED' ? 'Pause' : 'Ready');
      const want = new Map<string, string>();
      for (const line of lines) {
        if (line.type !== 'status') continue;
        const status = line as StatusLine;
        if (Date.parse(status.start) < to && (status.end === null || Date.parse(status.end) >= to)) want.set(status.agentId, `${presenceOf(status.status)} sampled`);
      }
      expect(want.size).toBe(AGENTS);
      let got = new Map<string, string>();
      await waitFor(async () => {
        const answer = await app.inject({ method: 'GET', url: '/agentStatus' });
        got = new Map((answer.statusCode === 200 ? (answer.json() as Record<string, unknown>[]) : []).map((r) => [String(r['userId']), `${String(r['userStatus'])} ${r['sampled'] === true ? 'sampled' : 'exact'}`]));
        return got.size === want.size && [...want].every(([agent, state]) => got.get(agent) === state);
      }, 60_000);
      expect(got).toEqual(want);
    } finally {
      await app.close();
    }
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { simulateCommand } from '../../src/cli/simulate-command.ts';
import { buildServer } from '../../src/http/server.ts';
import type { Clock } from '../../src/ingest/clock.ts';
import { systemClock } from '../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { AvroSerde } from '../../src/kafka/avro-serde.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { createRedis } from '../../src/state/redis-client.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { runHostedSuitePollers } from '../../src/vendors/hostedsuite/hostedsuite-pollers.ts';
import type { HostedSuiteFaultOptions, RunningHostedSuiteSimulator } from '../../src/vendors/hostedsuite/simulator/index.ts';
import { startHostedSuiteSimulator, truthLines as simulatorTruthAt } from '../../src/vendors/hostedsuite/simulator/index.ts';
import { requireServices } from '../support/services.ts';
import type { Values } from './support/row-mismatches.ts';
import { mismatches } from './support/row-mismatches.ts';
import type { TruthLine, TruthRow } from './support/truth-statistics.ts';
import { truthStatistics } from './support/truth-statistics.ts';
import { waitFor } from './support/pipeline-reads.ts';
import { e2eEnv } from './support/e2e-env.ts';

const HOUR = 3_600_000;
const QUARTER = 900_000;
const TENANT = 'hs-e2e';
const AGENTS = 5;
const ZONE = 'America/Chicago';
const LOGIN = { customerName: 'e2e-customer', userName: 'e2e-user', password: 'e2e-secret' };

/** The fields HostedSuite can supply (docs/vendors/hostedsuite-contract.md), restated apart from src/core; every other field must be null. */
const HS_KNOWN = ['contactHandlingDuration', 'afterworkDuration', 'callInDuration', 'callOutDuration', 'afterworkCallInDuration', 'afterworkCallOutDuration', 'countOfHandledCallIn', 'countOfHandledCallOut'] as const;
const HS_NULL = [
  'servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'freeDuration', 'waitingDuration', 'restingDuration', 'previewDuration', 'callInDirectDuration',
  'callOutDirectDuration', 'emailInDuration', 'emailOutDuration', 'chatDuration', 'afterworkEmailInDuration', 'afterworkChatInDuration', 'countOfHandledCallInDirect',
  'countOfHandledCallOutDirect', 'countOfHandledEmailIn', 'countOfHandledEmailOut', 'countOfHandledChatIn', 'countOfHandledChatOut',
] as const;
const PRESENCE = ['servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'freeDuration'] as const;


function view(row: Readonly<Record<string, unknown>>): Values {
  const out: Values = { userName: String(row['userName']), source: String(row['source']) };
  for (const field of HS_KNOWN) out[field] = row[field] as number | null;
  out['notNull'] = HS_NULL.filter((f) => row[f] !== null).join(',');
  return out;
}

function truthView(row: TruthRow): Values {
  const out: Values = { userName: row.userName, source: 'hostedsuite' };
  for (const field of HS_KNOWN) out[field] = row.values[field];
  out['notNull'] = '';
  return out;
}

function hasContent(row: Readonly<Record<string, unknown>>): boolean {
  return HS_KNOWN.some((f) => Number(row[f] ?? 0) > 0);
}

const wanted = (truth: ReadonlyMap<string, TruthRow>): Map<string, Values> => new Map([...truth].map(([key, row]) => [key, truthView(row)]));

interface Scenario {
  readonly name: string;
  readonly seed: number;
  readonly faults: Partial<HostedSuiteFaultOptions>;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'no faults', seed: 41 },
  { name: '429, 5xx, resets, malformed pages, corrupt rows, latency', seed: 43, faults: { rate429: 0.05, retryAfterSeconds: 1, rate5xx: 0.05, resetRate: 0.03, malformedRate: 0.05, junkRowRate: 0.15, latencyMs: [0, 10] as const } },
].map((s) => ({ faults: {}, ...s }));

/**
 * End to end for HostedSuite on the real stack: the simulator → call-record poller → raw topic → the HostedSuite
 * processor → output topic and Redis → HTTP, compared with the simulator's truth through
 * test/e2e/support/truth-statistics.ts (no code shared with src/core). The simulated clock is stopped at 13:00 local
 * first (phase A: some work times are not recorded yet, their windows become final), then moved to the end of the day
 * (phase B): the late work times reach the outputs as corrections, exactly once.
 */
describe.each(SCENARIOS)('end to end, HostedSuite ($name): call records to Kafka, Redis and HTTP', (scenario) => {
  // a Chicago Tuesday, local midnight to midnight (CST, UTC−6)
  const from = Date.parse('2025-03-04T06:00:00.000Z');
  const to = Date.parse('2025-03-05T06:00:00.000Z');
  const nowA = from + 13 * HOUR;
  let config: Config;
  let simulator: RunningHostedSuiteSimulator;
  let processor: ProcessorInstance;
  let redis: RedisStore;
  let reader: TimelineStoreReader;
  let truthA: Map<string, TruthRow>;
  let truthLinesB: TruthLine[];
  let truthB: Map<string, TruthRow>;
  /** Output keys (userId|intervalStart ISO) of work recorded after phase A in windows final at phase A, with their phase-A revision. */
  let corrected: Map<string, number>;

  const redisRows = async (): Promise<Map<string, Values>> =>
    new Map((await reader.listQuarterHours({ tenant: TENANT, from, to })).filter((r) => hasContent(r as unknown as Record<string, unknown>)).map((r) => [`${r.userId}|${new Date(r.intervalStart).toISOString()}`, view(r as unknown as Record<string, unknown>)]));

  async function poll(): Promise<void> {
    const logger = createLogger('warn');
    // the pollers' clock is the simulator's: ranges end at its now
    const clock: Clock = { now: () => simulator.now(), sleep: systemClock.sleep };
    await runHostedSuitePollers({ config, kafka: createKafka(config, logger, '-poller'), serde: new AvroSerde(config.schemaRegistry), logger, clock, metrics: createPollerMetrics() }, config.hostedSuite.tenants, { signal: AbortSignal.timeout(200_000), once: true });
  }

  /** Every revision on the output topic, read read_committed, per userId|intervalStart ISO. */
  async function outputRevisions(): Promise<Map<string, QuarterHourRow[]>> {
    const kafka = createKafka(config, createLogger('warn'));
    const serde = new AvroSerde(config.schemaRegistry);
    const all = new Map<string, QuarterHourRow[]>();
    await readCommittedToEnd(kafka, `${config.topicPrefix}out.agent-statistic-quarter-hour`, async (message) => {
      if (message.value === null) return;
      const row = await serde.decode<QuarterHourRow>(message.value);
      const key = `${row.userId}|${new Date(row.intervalStart).toISOString()}`;
      all.set(key, [...(all.get(key) ?? []), row]);
    });
    return all;
  }

  const latest = (revisions: Map<string, QuarterHourRow[]>): Map<string, QuarterHourRow> =>
    new Map([...revisions].map(([key, rows]) => [key, rows.reduce((a, b) => (b.revision > a.revision ? b : a))]));

  beforeAll(async () => {
    const services = await requireServices();
    const run = randomUUID();
    simulator = await startHostedSuiteSimulator({ seed: scenario.seed, agents: AGENTS, from, to, zone: ZONE, clock: { mode: 'manual', now: nowA }, credentials: LOGIN, faults: scenario.faults, lateWorkShare: 0.2 });
    const aliases = Object.fromEntries(simulator.operators.flatMap((o) => (o.alias === null ? [] : [[o.alias, o.name]])));
    config = parseConfig({
      ...e2eEnv(services, run, TENANT),
      PROCESSOR_SOURCES: 'hostedsuite',
      HOSTEDSUITE_TENANTS: JSON.stringify([
        {
          id: TENANT, baseUrl: simulator.url, credentials: { customerName: LOGIN.customerName, username: LOGIN.userName, password: LOGIN.password }, timeZone: ZONE,
          agentAliases: aliases, startAt: new Date(from).toISOString(), overlapMs: 3 * HOUR, safetyLagMs: 0, maxRangeMs: 2 * HOUR, pageSize: 25, pollIntervalMs: 100,
          maxAttempts: 10, requestTimeoutMs: 5_000, backoffBaseMs: 10, backoffMaxMs: 200, rateLimitPerSecond: 1000, rateLimitBurst: 1_000_000,
        },
      ]),
    });
    const logger = createLogger('warn');
    await setupTopology(config, logger);
    redis = createRedis(config);
    await redis.connect();
    reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));

    // phase A: the day until 13:00 local
    await poll();
    processor = await startProcessorInstance(config, processorSource(config, 'hostedsuite'), logger);
    truthA = truthStatistics(simulatorTruthAt(simulator.calls, nowA), { presenceKnown: false });
    await waitFor(async () => mismatches(wanted(truthA), await redisRows()).length === 0, 90_000);
    const finalA = nowA - config.processor.allowedLatenessMs - QUARTER;
    const lateWork = simulator.calls.filter((c) => c.operator !== null && c.workMs > 0 && c.workRecordedAt > nowA && c.hangupAt + c.workMs <= finalA);
    const phaseA = latest(await outputRevisions());
    corrected = new Map();
    for (const call of lateWork) {
      for (let q = Math.floor(call.hangupAt / QUARTER) * QUARTER; q < call.hangupAt + call.workMs; q += QUARTER) {
        const key = `${String(call.operator)}|${new Date(q).toISOString()}`;
        corrected.set(key, phaseA.get(key)?.revision ?? -1);
      }
    }

    // phase B: the rest of the day; the late work times are recorded now
    simulator.setNow(to);
    await poll();
    const file = join(await mkdtemp(join(tmpdir(), 'e2e-hs-truth-')), 'intervals.ndjson');
    const quiet = { write: () => true };
    const args = ['--vendor', 'hostedsuite', '--seed', String(scenario.seed), '--agents', String(AGENTS), '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--zone', ZONE, '--late-work-share', '0.2', '--export-truth', file];
    expect(await simulateCommand(args, { stdout: quiet, stderr: quiet })).toBe(0);
    truthLinesB = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TruthLine);
    truthB = truthStatistics(truthLinesB, { presenceKnown: false });
  }, 400_000);

  afterAll(async () => {
    await processor?.stop();
    await simulator?.close();
    redis?.disconnect();
  });

  it('the truth is a real day of calls, presence null, and the faults happened', () => {
    expect(new Set(truthLinesB.map((l) => l.agentId)).size).toBe(AGENTS);
    expect(truthLinesB.every((l) => l.presence === null)).toBe(true);
    const sum = (field: keyof TruthRow['values']) => [...truthB.values()].reduce((s, r) => s + r.values[field], 0);
    expect(sum('countOfHandledCallIn')).toBeGreaterThan(50);
    expect(sum('countOfHandledCallOut')).toBeGreaterThan(5);
    expect(sum('afterworkDuration')).toBeGreaterThan(0);
    expect(simulator.calls.some((c) => c.operator === null)).toBe(true);
    expect(simulator.calls.some((c) => c.answeredBy !== null && c.answeredBy !== c.operator)).toBe(true);
    expect(corrected.size, 'work times recorded after their windows were final').toBeGreaterThan(0);
    const stats = simulator.stats();
    for (const [fault, rate] of Object.entries({ 'fault:429': scenario.faults.rate429, 'fault:5xx': scenario.faults.rate5xx, 'fault:reset': scenario.faults.resetRate, 'fault:malformed': scenario.faults.malformedRate, 'fault:junk-row': scenario.faults.junkRowRate })) {
      if ((rate ?? 0) > 0) expect(stats[fault] ?? 0, fault).toBeGreaterThan(0);
    }
  });

  it('Redis holds exactly the truth quarter-hours: handling fields equal, presence and every other field null, source hostedsuite', async () => {
    let got = new Map<string, Values>();
    await waitFor(async () => mismatches(wanted(truthB), (got = await redisRows())).length === 0, 90_000);
    expect(mismatches(wanted(truthB), got)).toEqual([]);
  }, 120_000);

  it('the output topic holds the truth as the latest revision of every key, presence fields null (not 0)', async () => {
    const rows = [...latest(await outputRevisions()).values()].filter((r) => hasContent(r as unknown as Record<string, unknown>));
    expect(rows.every((r) => PRESENCE.every((f) => (r as unknown as Record<string, unknown>)[f] === null))).toBe(true);
    expect(mismatches(wanted(truthB), new Map(rows.map((r) => [`${r.userId}|${new Date(r.intervalStart).toISOString()}`, view(r as unknown as Record<string, unknown>)])))).toEqual([]);
  }, 60_000);

  it('a work time recorded after its window was final reaches the output as a correction, exactly once', async () => {
    const before = await outputRevisions();
    for (const [key, revisionA] of corrected) {
      const rows = before.get(key) ?? [];
      const last = rows.reduce<QuarterHourRow | null>((a, b) => (a === null || b.revision > a.revision ? b : a), null);
      expect(last?.revision ?? -1, key).toBeGreaterThan(revisionA);
      expect(last?.afterworkDuration, key).toBe(truthB.get(key)?.values.afterworkDuration);
      // every revision is published once
      expect(new Set(rows.map((r) => r.revision)).size, key).toBe(rows.length);
    }
    // polling again changes nothing: the corrections are not published a second time
    await poll();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await outputRevisions();
    for (const key of corrected.keys()) expect(after.get(key)?.length, key).toBe(before.get(key)?.length);
  }, 240_000);

  it('HTTP answers the truth, with null presence fields, and /agents/{id}/timeline shows the handling segments', async () => {
    const app = buildServer({ reader, clock: () => to, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    try {
      const range = `startTime=${new Date(from).toISOString()}&endTime=${new Date(to - 1).toISOString()}`;
      const quarters = await app.inject({ method: 'GET', url: `/agentStatistic?${range}&timeCategory=quarterHour&limit=10000` });
      expect(quarters.statusCode).toBe(200);
      const rows = (quarters.json() as Record<string, unknown>[]).filter(hasContent);
      expect(rows.every((r) => r['servingDuration'] === null && r['readyDuration'] === null && r['pauseDuration'] === null && r['source'] === 'hostedsuite')).toBe(true);
      expect(mismatches(wanted(truthB), new Map(rows.map((r) => [`${String(r['userId'])}|${String(r['intervalStart'])}`, view(r)])))).toEqual([]);

      for (const [agentId, lines] of Map.groupBy(truthLinesB, (l) => l.agentId)) {
        const response = await app.inject({ method: 'GET', url: `/agents/${encodeURIComponent(agentId)}/timeline?startTime=${new Date(from).toISOString()}&endTime=${new Date(to).toISOString()}` });
        expect(response.statusCode, agentId).toBe(200);
        const segments = (response.json() as { segments: Record<string, unknown>[] }).segments.map((s) => `${String(s['start'])} ${String(s['end'])} ${String(s['userStatus'])} ${String(s['handlingStatus'])} ${String(s['source'])}`);
        // one segment per stretch of one handling status of one call: the truth's talk, hold and transfer lines merge
        const merged: { start: string; end: string; handling: string }[] = [];
        for (const line of lines) {
          const previous = merged.at(-1);
          if (previous !== undefined && previous.end === line.start && previous.handling === line.handling) previous.end = String(line.end);
          else merged.push({ start: line.start, end: String(line.end), handling: String(line.handling) });
        }
        expect(segments, agentId).toEqual(merged.map((m) => `${m.start} ${m.end} Unknown ${m.handling} hostedsuite`));
      }
    } finally {
      await app.close();
    }
  }, 60_000);
});

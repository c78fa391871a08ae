import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';
import { replay } from '../../src/core/replay/replay.ts';
import type { AgentStatisticRow } from '../../src/core/replay/replay.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { buildServer } from '../../src/http/server.ts';
import { systemClock } from '../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { runPollers } from '../../src/vendors/sinch/sinch-pollers.ts';
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
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { simulateCommand } from '../../src/cli/simulate-command.ts';
import { requireServices } from '../support/services.ts';
import type { TruthLine } from './support/truth-statistics.ts';
import { TRUTH_FIELDS, truthStatistics } from './support/truth-statistics.ts';
import { latestQuarterHours, waitFor } from './support/pipeline-reads.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { known, knownRows, SINCH_KNOWN_FIELDS } from '../support/known-metrics.ts';
import { truthHistory } from './support/truth-history.ts';
import { historyMismatches, servedHistoryKey } from './support/history-checks.ts';
import { e2eEnv } from './support/e2e-env.ts';

const TENANT = 'e2e';
const SEED = 11;
const AGENTS = 6;
const FROM = Date.parse('2024-03-04T00:00:00.000Z');
const TO = FROM + 86_400_000;
const CREDENTIALS = { username: 'e2e', password: 'e2e-secret' };

type Comparable = Record<string, string | number | null>;

function key(userId: string, intervalStart: string): string {
  return `${userId}|${intervalStart}`;
}

function fromReplay(rows: readonly AgentStatisticRow[]): Map<string, Comparable> {
  const out = new Map<string, Comparable>();
  for (const row of rows) {
    const value: Comparable = { userName: row.userName, intervalEnd: row.intervalEnd, maxChangeTimestamp: row.maxChangeTimestamp };
    for (const field of METRIC_FIELDS) value[field] = row[field];
    out.set(key(row.userId, row.intervalStart), value);
  }
  return out;
}

function fromStore(rows: readonly QuarterHourRow[]): Map<string, Comparable> {
  const out = new Map<string, Comparable>();
  for (const row of rows) {
    const value: Comparable = { userName: row.userName, intervalEnd: new Date(row.intervalEnd).toISOString(), maxChangeTimestamp: new Date(row.maxChangeTimestamp).toISOString() };
    for (const field of METRIC_FIELDS) value[field] = row[field];
    out.set(key(row.userId, new Date(row.intervalStart).toISOString()), value);
  }
  return out;
}

/** The ground-truth rows as the simulator serves them, each with its position in that order (as the poller stamps it). */
function servedInOrder(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row, i) => ({ ...row, vendorPoll: 0, vendorRow: i }));
}

/** Exact ties of the served rows: two rows of a session with the same status time and changeTimestamp, different statuses. */
function exactTies(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Map<string, unknown>();
  const ties: string[] = [];
  for (const row of rows) {
    for (const [value, time] of [['userStatus', 'userStatusTimeStamp'], ['status', 'statusTimestamp']] as const) {
      if (row[value] === undefined) continue;
      const key = `${String(row['sessionId'])}|${value}|${String(row[time])}|${String(row['changeTimeStamp'])}`;
      if (seen.has(key) && seen.get(key) !== row[value]) ties.push(`${key}: ${String(seen.get(key))} then ${String(row[value])}`);
      seen.set(key, row[value]);
    }
  }
  return ties;
}

/**
 * End to end: the simulator's ground truth → pollers → raw topic → processor → output topic and Redis → HTTP.
 * Every (agent, quarter-hour) served must equal the core batch replay of the ground truth (rows in served order),
 * field by field; and, independently of src/core, the output topic must equal what the simulator's own truth
 * intervals (`simulate --export-truth`) give (test/e2e/support/truth-statistics.ts), exact ties included.
 */
describe('end to end: simulator ground truth to HTTP answers', () => {
  let config: Config;
  let simulator: RunningSimulator;
  let processor: ProcessorInstance;
  let redis: RedisStore;
  let expected: AgentStatisticRow[];

  beforeAll(async () => {
    const services = await requireServices();
    const run = randomUUID();
    simulator = await startSimulator({ seed: SEED, agents: AGENTS, from: FROM, to: TO, clock: { mode: 'historical' }, port: 0, credentials: CREDENTIALS, faults: { rate429: 0.05, retryAfterSeconds: 0, malformedRate: 0.03, repeatRowsRate: 0.05 }, faultSeed: 3 });
    config = parseConfig({
      ...e2eEnv(services, run, TENANT),
      SINCH_TENANTS: JSON.stringify([
        { id: TENANT, baseUrl: simulator.url, credentials: CREDENTIALS, endpoints: ['agentStatusHistory'], startAt: new Date(FROM).toISOString(), safetyLagMs: 1000, pollIntervalMs: 1000, maxRangeMs: 6 * 3_600_000 },
      ]),
    });
    const logger = createLogger('warn');
    await setupTopology(config, logger);
    const clock = { now: () => simulator.now() + 1000, sleep: systemClock.sleep };
    const controller = new AbortController();
    await runPollers({ config, kafka: createKafka(config, logger, '-poller'), serde: new AvroSerde(config.schemaRegistry), logger, clock, metrics: createPollerMetrics() }, config.sinch.tenants, { signal: controller.signal, once: true });
    processor = await startProcessorInstance(config, processorSource(config, 'sinch-rai'), logger);
    redis = createRedis(config);
    await redis.connect();
    expected = replay(servedInOrder(simulator.groundTruth().agentStatusHistory), sinchAgentStatusHistoryAdapter, { until: TO }).rows;
  }, 180_000);

  afterAll(async () => {
    await processor?.stop();
    await simulator?.close();
    redis?.disconnect();
  });

  it('the ground truth is a real day of work', () => {
    expect(new Set(expected.map((r) => r.userId)).size).toBe(6);
    expect(expected.length).toBeGreaterThan(100);
    expect(knownRows(expected).reduce((sum, r) => sum + r.countOfHandledCallIn + r.countOfHandledCallOut, 0)).toBeGreaterThan(20);
  });

  it('Redis holds every quarter-hour of the replay, field by field, and nothing else', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const want = fromReplay(expected);
    let got = new Map<string, Comparable>();
    await waitFor(async () => {
      got = fromStore(await reader.listQuarterHours({ tenant: TENANT, from: FROM, to: TO }));
      return got.size === want.size && [...want].every(([k, v]) => JSON.stringify(got.get(k)) === JSON.stringify(v));
    }, 30_000);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
  }, 120_000);

  /** The output topic read read_committed: the latest revision of every key, rows without content dropped. */
  async function outputRows(): Promise<QuarterHourRow[]> {
    const { rows, badKeys } = await latestQuarterHours(config, TENANT);
    expect(badKeys).toEqual([]);
    return rows.filter((row) => known(row).servingDuration > 0 || SINCH_KNOWN_FIELDS.some((f) => f.startsWith('countOf') && known(row)[f] > 0));
  }

  it('the output topic, read read_committed, holds the replay as the latest revision of every key', async () => {
    const nonEmpty = await outputRows();
    expect(Object.fromEntries(fromStore(nonEmpty))).toEqual(Object.fromEntries(fromReplay(expected)));
    expect(nonEmpty.every((row) => row.final)).toBe(true);
  }, 60_000);

  it("the output topic equals the simulator's own truth intervals: 0 mismatches, exact ties included", async () => {
    const ties = exactTies(simulator.groundTruth().agentStatusHistory);
    expect(ties.filter((t) => t.includes('Ready then Pause')).length, ties.join('\n')).toBeGreaterThan(0);

    const file = join(await mkdtemp(join(tmpdir(), 'e2e-truth-')), 'intervals.ndjson');
    const quiet = { write: () => true };
    const args = ['--seed', String(SEED), '--agents', String(AGENTS), '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--export-truth', file];
    expect(await simulateCommand(args, { stdout: quiet, stderr: quiet })).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TruthLine);
    expect(new Set(lines.map((l) => l.agentId))).toEqual(new Set(simulator.groundTruth().agents.map((a) => a.userId)));
    const truth = truthStatistics(lines);

    const output = new Map((await outputRows()).map((row) => [`${row.userId}|${new Date(row.intervalStart).toISOString()}`, row]));
    const mismatches: string[] = [];
    for (const key of new Set([...truth.keys(), ...output.keys()])) {
      const want = truth.get(key);
      const got = output.get(key);
      if (want === undefined || got === undefined) {
        mismatches.push(`${key}: ${want === undefined ? 'not in the truth' : 'not in the output topic'}`);
        continue;
      }
      if (got.userName !== want.userName) mismatches.push(`${key} userName: output ${got.userName}, truth ${want.userName}`);
      for (const field of TRUTH_FIELDS) if (got[field] !== want.values[field]) mismatches.push(`${key} ${field}: output ${got[field]}, truth ${want.values[field]}`);
    }
    expect(truth.size).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  }, 60_000);

  it('HTTP /agentStatistic answers the replay for quarter-hours and for Helsinki days', async () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const app = buildServer({ reader, clock: () => TO, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    const bySortKey = (a: Record<string, unknown>, b: Record<string, unknown>): number => `${String(a.userId)}${String(a.intervalStart)}`.localeCompare(`${String(b.userId)}${String(b.intervalStart)}`);
    const range = `startTime=${new Date(FROM).toISOString()}&endTime=${new Date(TO - 1).toISOString()}`;

    const url = `/agentStatistic?${range}&timeCategory=quarterHour&limit=10000`;
    // Completeness follows the Redis sink's confirmation, a check interval or two after the rows land.
    await waitFor(async () => (await app.inject({ method: 'GET', url })).headers['x-watermark'] !== undefined, 15_000);
    const quarterHours = await app.inject({ method: 'GET', url });
    expect(quarterHours.statusCode).toBe(200);
    expect(quarterHours.headers['x-watermark']).toBeDefined();
    expect((quarterHours.json() as Record<string, unknown>[]).sort(bySortKey)).toEqual(JSON.parse(JSON.stringify(expected)).sort(bySortKey));
    // Sinch RAI rows: resting and the Direct split are null, every other field a number (known() checks both)
    expect(() => knownRows(quarterHours.json() as AgentStatisticRow[])).not.toThrow();

    const days = await app.inject({ method: 'GET', url: `/agentStatistic?${range}&timeCategory=day&timeZone=Europe/Helsinki&limit=10000` });
    const replayDays = replay(servedInOrder(simulator.groundTruth().agentStatusHistory), sinchAgentStatusHistoryAdapter, { until: TO, timeCategory: 'day', timeZone: 'Europe/Helsinki' }).rows;
    expect((days.json() as Record<string, unknown>[]).sort(bySortKey)).toEqual(JSON.parse(JSON.stringify(replayDays)).sort(bySortKey));
    expect(() => knownRows(days.json() as AgentStatisticRow[])).not.toThrow();
    await app.close();
  }, 60_000);

  /** The simulator's truth lines, as `simulate --export-truth` writes them. */
  async function exportedTruth(): Promise<TruthLine[]> {
    const file = join(await mkdtemp(join(tmpdir(), 'e2e-truth-')), 'intervals.ndjson');
    const quiet = { write: () => true };
    const args = ['--seed', String(SEED), '--agents', String(AGENTS), '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--export-truth', file];
    expect(await simulateCommand(args, { stdout: quiet, stderr: quiet })).toBe(0);
    return (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as TruthLine);
  }

  /** GET from the simulator itself, retried through its injected faults (429, truncated bodies); offset 0, so no repeated rows. */
  async function fromSimulator(path: string): Promise<Record<string, unknown>[]> {
    const authorization = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`;
    for (let attempt = 0; attempt < 30; attempt++) {
      const response = await fetch(`${simulator.url}${path}`, { headers: { authorization, accept: 'application/json' } });
      const body = await response.text();
      if (response.status !== 200) continue;
      try {
        return JSON.parse(body) as Record<string, unknown>[];
      } catch {
        // a truncated body: ask again
      }
    }
    throw new Error(`${path}: no clean answer in 30 attempts`);
  }

  it("HTTP /agentHistory by profile and campaign equals the truth breakdown (quarter-hours, days, one campaign); the simulator's own /agentHistory has the same parts", async () => {
    const lines = await exportedTruth();
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    const app = buildServer({ reader, clock: () => TO, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs });
    const range = `startTime=${new Date(FROM).toISOString()}&endTime=${new Date(TO - 1).toISOString()}&showProfile=true&showCampaign=true&limit=10000`;
    const served = async (query: string): Promise<Record<string, unknown>[]> => {
      const answer = await app.inject({ method: 'GET', url: `/agentHistory?${range}&${query}` });
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json();
    };
    await waitFor(async () => (await app.inject({ method: 'GET', url: `/agentHistory?${range}&timeCategory=quarterHour` })).headers['x-watermark'] !== undefined, 15_000);

    const quarterHours = await served('timeCategory=quarterHour');
    const truth = truthHistory(lines);
    expect(historyMismatches(quarterHours, truth)).toEqual([]);
    const parts = [...truth.values()];
    expect(new Set(parts.map((p) => p.profile)).size, 'several profiles, and time before the first one').toBeGreaterThan(4);
    expect(parts.some((p) => p.profile === null) && parts.some((p) => p.campaignId !== null)).toBe(true);

    expect(historyMismatches(await served('timeCategory=day'), truthHistory(lines, { period: 'day' }))).toEqual([]);

    const campaign = parts.find((p) => p.campaignId !== null)?.campaignId as string;
    const ofCampaign = await served(`timeCategory=quarterHour&campaignId=${campaign}`);
    expect(ofCampaign.length).toBeGreaterThan(0);
    expect(historyMismatches(ofCampaign, truthHistory(lines, { campaignId: campaign }))).toEqual([]);

    const vendor = await fromSimulator(`/agentHistory?${range}&timeCategory=quarterHour`);
    expect(new Set(vendor.map((row) => servedHistoryKey(row, 'timeCategory')))).toEqual(new Set(quarterHours.map((row) => servedHistoryKey(row))));
    await app.close();
  }, 60_000);
});

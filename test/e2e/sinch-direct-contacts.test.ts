import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { setupTopology } from '../../src/cli/setup-command.ts';
import { simulateCommand } from '../../src/cli/simulate-command.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Config } from '../../src/config/config.ts';
import { buildServer } from '../../src/http/server.ts';
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
import { startSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../src/vendors/sinch/simulator/index.ts';
import { runPollers } from '../../src/vendors/sinch/sinch-pollers.ts';
import { requireServices } from '../support/services.ts';
import { e2eEnv } from './support/e2e-env.ts';
import { waitFor } from './support/pipeline-reads.ts';

const TENANT = 'e2e-direct';
const SEED = 11;
const AGENTS = 10;
const FROM = Date.parse('2024-03-04T00:00:00.000Z');
const TO = FROM + 26 * 3_600_000;
/** The simulator's clock: at the start, every row and contact of the range is visible; later it moves on a little. */
let moment = TO - 120_000;
const CREDENTIALS = { username: 'e2e', password: 'e2e-secret' };
const DIRECT = ['callInDirectDuration', 'countOfHandledCallInDirect', 'callOutDirectDuration', 'countOfHandledCallOutDirect'] as const;

/** One line of `simulate --export-truth FILE`'s `FILE.direct.ndjson` (src/vendors/sinch/simulator/direct-truth.ts), restated here. */
interface DirectTruthLine {
  readonly userId: string;
  readonly intervalStart: string;
  readonly callInDirectDuration: number;
  readonly countOfHandledCallInDirect: number;
  readonly callOutDirectDuration: number;
  readonly countOfHandledCallOutDirect: number;
}

const directOf = (row: Readonly<Record<string, unknown>>): unknown[] => DIRECT.map((field) => row[field]);
const zero = [0, 0, 0, 0];

/**
 * End to end on the real stack, with the contact records late on purpose: the simulator's whole day → the
 * agentStatusHistory poller → the timeline processor, until every quarter-hour is final (no Direct call yet: all 0);
 * only then the contact poller → raw.sinch.contacts → the direct-contact router → the engine's join. Every served
 * (agent, quarter-hour) must then carry the simulator's Direct truth (computed by the simulator from its model's
 * contacts, apart from src/core), and on the output topic each window the late contacts change gets exactly one new
 * revision after its final one: a correction.
 */
describe('end to end: the Direct fields equal the simulator truth, and late contacts correct final windows once', () => {
  let config: Config;
  let simulator: RunningSimulator;
  let processor: ProcessorInstance;
  let redis: RedisStore;
  let truth: Map<string, unknown[]>;

  const api = () => {
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    return buildServer({ reader, clock: () => TO, probes: [], registry: new Registry(), logger: createLogger('warn'), tenant: TENANT, allowedLatenessMs: config.processor.allowedLatenessMs, collectDefaultMetrics: false });
  };
  const served = async (): Promise<Map<string, Record<string, unknown>>> => {
    const app = api();
    const range = `startTime=${new Date(FROM).toISOString()}&endTime=${new Date(TO).toISOString()}`;
    const rows = (await app.inject(`/agentStatistic?${range}&timeCategory=quarterHour&limit=10000`)).json<Record<string, unknown>[]>();
    await app.close();
    return new Map(rows.map((row) => [`${String(row['userId'])}|${String(row['intervalStart'])}`, row]));
  };
  const poll = async (endpoints: string[]) => {
    const logger = createLogger('warn');
    const tenants = config.sinch.tenants.map((t) => ({ ...t, endpoints: endpoints as typeof t.endpoints }));
    const clock = { now: () => simulator.now() + 1000, sleep: systemClock.sleep };
    await runPollers({ config, kafka: createKafka(config, logger, '-poller'), serde: new AvroSerde(config.schemaRegistry), logger, clock, metrics: createPollerMetrics() }, tenants, { signal: AbortSignal.timeout(90_000), once: true });
  };

  beforeAll(async () => {
    const services = await requireServices();
    const file = join(await mkdtemp(join(tmpdir(), 'e2e-direct-')), 'intervals.ndjson');
    const quiet = { write: () => true };
    const args = ['--seed', String(SEED), '--agents', String(AGENTS), '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--export-truth', file];
    expect(await simulateCommand(args, { stdout: quiet, stderr: quiet })).toBe(0);
    const lines = (await readFile(`${file}.direct.ndjson`, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as DirectTruthLine);
    truth = new Map(lines.map((l) => [`${l.userId}|${l.intervalStart}`, directOf(l as unknown as Record<string, unknown>)]));

    const run = randomUUID();
    simulator = await startSimulator({ seed: SEED, agents: AGENTS, from: FROM, to: TO, clock: { mode: 'accelerated', speed: 1, startedAt: 0 }, realClock: () => moment - FROM, port: 0, credentials: CREDENTIALS });
    config = parseConfig({
      ...e2eEnv(services, run, TENANT),
      // the contacts come a day late here: every window must still be correctable
      CORRECTION_HORIZON_MS: String(2 * 86_400_000),
      SINCH_TENANTS: JSON.stringify([
        {
          id: TENANT, baseUrl: simulator.url, credentials: CREDENTIALS, endpoints: ['agentStatusHistory', 'contacts'], startAt: new Date(FROM).toISOString(),
          safetyLagMs: 1000, pollIntervalMs: 1000, contactPollIntervalMs: 1000, maxRangeMs: 6 * 3_600_000,
          // the pollers' clock stands still, so the rate limiter never refills: let the whole catch-up through at once
          rateLimitBurst: 10_000,
        },
      ]),
    });
    await setupTopology(config, createLogger('warn'));
    redis = createRedis(config);
    await redis.connect();
    await poll(['agentStatusHistory']);
    processor = await startProcessorInstance(config, processorSource(config, 'sinch-rai'), createLogger('warn'));
  }, 240_000);

  afterAll(async () => {
    await processor?.stop();
    await simulator?.close();
    redis?.disconnect();
  });

  it('the truth has direct calls of both directions, spread over agents and quarter-hours', () => {
    const values = [...truth.values()] as number[][];
    expect(values.reduce((s, v) => s + (v[1] ?? 0), 0)).toBeGreaterThan(3);
    expect(values.reduce((s, v) => s + (v[3] ?? 0), 0)).toBeGreaterThan(3);
    expect(new Set([...truth.keys()].map((k) => k.split('|')[0])).size).toBeGreaterThan(3);
  });

  it('before the contacts: every quarter-hour is final and no call is direct', async () => {
    let rows = new Map<string, Record<string, unknown>>();
    const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix));
    await waitFor(async () => {
      const stored = await reader.listQuarterHours({ tenant: TENANT, from: FROM, to: TO });
      rows = await served();
      return stored.length > 100 && stored.every((r) => r.final) && [...truth.keys()].every((k) => rows.has(k));
    }, 90_000);
    expect(rows.size).toBeGreaterThan(100);
    for (const [key, row] of rows) expect([key, ...directOf(row)]).toEqual([key, ...zero]);
  }, 120_000);

  it('after the late contacts: /agentStatistic carries the Direct truth in every quarter-hour, each changed window corrected exactly once', async () => {
    await poll(['contacts']);
    // the processor emits what the join changed at its next watermark: the history poller's next one, a minute on
    moment = TO;
    await poll(['agentStatusHistory']);
    let rows = new Map<string, Record<string, unknown>>();
    const matches = () => [...new Set([...truth.keys(), ...rows.keys()])].every((k) => JSON.stringify(rows.has(k) ? directOf(rows.get(k)!) : zero) === JSON.stringify(truth.get(k) ?? zero));
    await waitFor(async () => {
      rows = await served();
      return matches();
    }, 120_000);
    const mismatches = [...new Set([...truth.keys(), ...rows.keys()])]
      .map((k) => [k, rows.has(k) ? directOf(rows.get(k)!) : 'not served', truth.get(k) ?? zero])
      .filter(([, got, want]) => JSON.stringify(got) !== JSON.stringify(want));
    expect(mismatches).toEqual([]);

    // the output topic: every revision of every window, in order
    const revisions = new Map<string, QuarterHourRow[]>();
    const serde = new AvroSerde(config.schemaRegistry);
    await readCommittedToEnd(createKafka(config, createLogger('warn')), `${config.topicPrefix}out.agent-statistic-quarter-hour`, async (message) => {
      if (message.value === null) return;
      const row = await serde.decode<QuarterHourRow>(message.value);
      const key = `${row.userId}|${new Date(row.intervalStart).toISOString()}`;
      revisions.set(key, [...(revisions.get(key) ?? []), row]);
    });
    for (const [key, list] of revisions) {
      expect(list.map((r) => r.revision), key).toEqual(list.map((_, i) => i + 1));
      const firstFinal = list.findIndex((r) => r.status === 'final');
      const after = list.slice(firstFinal + 1);
      const want = truth.get(key) ?? zero;
      if (JSON.stringify(want) === JSON.stringify(zero)) expect(after.map((r) => r.status), key).toEqual([]);
      else expect(after.map((r) => [r.status, ...directOf(r as unknown as Record<string, unknown>)]), key).toEqual([['correction', ...want]]);
    }
    expect([...truth.keys()].every((k) => revisions.has(k))).toBe(true);
  }, 240_000);
});

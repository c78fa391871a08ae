import { createServer } from 'node:net';
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startApiServer } from '../../src/cli/serve-command.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { RunningApiServer } from '../../src/cli/serve-command.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import seed from '../fixtures/sinch-seed-agent-status-history.json' with { type: 'json' };
import { generateRawHistory } from './support/raw-history.ts';
import type { RawRecord } from './support/raw-history.ts';
import {
  createTestPipeline, expectedRows, maxChangeTime, normaliseRecord, produceRaw, publishWatermark, redisMatches, waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { keysWithPrefix, loseNodeData, nodeOfKey, requireRedisCluster } from '../support/redis-targets.ts';

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The store's bookkeeping keys (epochs, sentinel, liveness records, the change counters that every write raises);
 * everything else under the prefix is data.
 */
const BOOKKEEPING = /^(\{meta\}:|epoch:|processor:|processors:|sink:|sinks:|revision:|agg-version:)/;

/** A day aggregate's value without its `epoch|version|` prefix: a rebuild writes the same day in a new epoch. */
function dayContent(value: string): string {
  const first = value.indexOf('|');
  return value.slice(value.indexOf('|', first + 1) + 1);
}

/** Every data key of the prefix with its type, canonical content and absolute expiry. */
async function snapshotData(pipeline: TestPipeline): Promise<Map<string, string>> {
  const prefix = pipeline.config.redis.keyPrefix;
  const { redis } = pipeline;
  const out = new Map<string, string>();
  for (const key of await keysWithPrefix(redis, prefix)) {
    const name = key.slice(prefix.length);
    if (BOOKKEEPING.test(name)) continue;
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') {
      value = Object.entries(await redis.hgetall(key))
        // a parts hash's #gen and #seq say which write it has seen, not what it holds
        .filter(([field]) => !(name.startsWith('day-parts:') && field.startsWith('#')))
        .map(([field, content]) => [field, name.startsWith('day:') ? dayContent(content) : content])
        .sort();
    }
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'set') value = (await redis.smembers(key)).sort();
    else if (type === 'none') continue;
    else value = `unexpected type ${type}`;
    out.set(name, JSON.stringify([type, value, await redis.pexpiretime(key)]));
  }
  return out;
}

/** Deletes the keys of this test's prefix that `select` picks (by name and remaining TTL); returns how many. */
async function deleteKeys(pipeline: TestPipeline, select: (name: string, pttl: number) => boolean): Promise<number> {
  const prefix = pipeline.config.redis.keyPrefix;
  const { redis } = pipeline;
  const doomed: string[] = [];
  for (const key of await keysWithPrefix(redis, prefix)) if (select(key.slice(prefix.length), await redis.pttl(key))) doomed.push(key);
  await Promise.all(doomed.map((key) => redis.unlink(key)));
  return doomed.length;
}

function sameSnapshot(actual: Map<string, string>, expected: Map<string, string>): boolean {
  return actual.size === expected.size && [...expected].every(([key, value]) => actual.get(key) === value);
}

function snapshotDifference(actual: Map<string, string>, expected: Map<string, string>): string[] {
  const missing = [...expected.keys()].filter((key) => actual.get(key) !== expected.get(key)).map((key) => `differs or missing: ${key}`);
  const extra = [...actual.keys()].filter((key) => !expected.has(key)).map((key) => `extra: ${key}`);
  return [...missing, ...extra].slice(0, 10);
}

/** One API answer reduced to what must not change: status, the completeness claim and the durable part of the body. */
interface Answer {
  readonly status: number;
  /** The answer says its data is complete: `X-Data-Complete-Up-To` present and no `X-Data-Incomplete`. */
  readonly claimsComplete: boolean;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** agentStatus rows without the durations, which grow with the wall clock. */
function durable(path: string, body: string): string {
  if (!path.startsWith('/agentStatus')) return body;
  const rows = JSON.parse(body) as Record<string, unknown>[];
  return JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !key.endsWith('Duration')))));
}

async function ask(base: string, path: string): Promise<Answer> {
  const response = await fetch(`${base}${path}`);
  const headers = Object.fromEntries(response.headers.entries());
  const text = await response.text();
  const claimsComplete = response.status === 404 || (headers['x-data-complete-up-to'] !== undefined && headers['x-data-incomplete'] === undefined);
  return { status: response.status, claimsComplete, body: response.status === 200 ? durable(path, text) : text, headers };
}

const SEED_USER = 'E936C474B22311D38FBE0090279A922E';
const PATHS = [
  '/agentStatistic?startTime=2024-01-10T00:00:00Z&endTime=2024-01-11T00:00:00Z&showCompleteness=true&limit=10000&sort=intervalStart',
  '/agentStatistic?startTime=2024-01-10T00:00:00Z&endTime=2024-01-11T00:00:00Z&timeCategory=day&showUser=false&showCompleteness=true',
  '/agentStatus?limit=10000&sort=userId',
  `/agents/${SEED_USER}/timeline?startTime=2019-12-03T00:00:00Z&endTime=2019-12-04T00:00:00Z`,
];

/** The processor, its sink and the API on a fresh pipeline, after the input was processed and the API answered complete. */
interface LossFixture {
  readonly pipeline: TestPipeline;
  readonly base: string;
  /** The answers and the store's data before the loss. */
  readonly baseline: ReadonlyMap<string, Answer>;
  readonly before: Map<string, string>;
  /** Stops the processor instance and starts a new one (which restores its partitions from the changelog). */
  restartProcessor(): Promise<void>;
  close(): Promise<void>;
}

/** `extraEnv`: e.g. REDIS_CLUSTER_NODES, to run the processor, its sink and the API on a Redis Cluster. */
async function settledPipeline(extraEnv: Record<string, string> = {}): Promise<LossFixture> {
  const seedRecords = (seed as unknown as Record<string, string>[]).map(normaliseRecord);
  const generated = generateRawHistory({ seed: 41, agents: 12, start: Date.UTC(2024, 0, 10, 8), spanMs: 3 * 3_600_000 });
  const records: RawRecord[] = [...seedRecords, ...generated];
  const finalWatermark = maxChangeTime(generated) + 3_600_000;
  const port = await freePort();
  const pipeline = await createTestPipeline(await requireServices(), { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), ...extraEnv });
  const logger = createLogger('warn');
  let instance: ProcessorInstance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
  const api: RunningApiServer = await startApiServer(pipeline.config, logger);
  const base = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    await api.close();
    await instance.stop();
    await deleteKeys(pipeline, () => true);
    await pipeline.close();
  };
  try {
    await produceRaw(pipeline, seedRecords);
    await publishWatermark(pipeline, maxChangeTime(seedRecords));
    const chunk = Math.ceil(generated.length / 3);
    for (let i = 0; i < generated.length; i += chunk) {
      const part = generated.slice(i, i + chunk);
      await produceRaw(pipeline, part);
      await publishWatermark(pipeline, maxChangeTime(part));
    }
    await publishWatermark(pipeline, finalWatermark);
    expect(await waitFor(() => watermarkApplied(pipeline, finalWatermark), 60_000), 'the final watermark is applied').toBe(true);
    expect(await waitFor(() => redisMatches(pipeline, expectedRows(records, finalWatermark)), 60_000), 'Redis holds the replay rows').toBe(true);
    // The sinks confirm a watermark one or two checks after the processor applied it, so an answer can claim
    // completeness up to an earlier watermark (the seed's) for a while, with the later segments not yet final: the
    // baseline is taken only once every answer is complete up to the final watermark.
    const settled = await waitFor(async () => {
      const answers = await Promise.all(PATHS.map((path) => ask(base, path)));
      const final = answers.every((answer) => answer.status === 200 && answer.claimsComplete && Date.parse(answer.headers['x-watermark'] ?? '') >= finalWatermark);
      return final && (await fetch(`${base}/readyz`)).status === 200;
    }, 60_000);
    if (!settled) {
      for (const path of PATHS) console.info(path, JSON.stringify(await ask(base, path)).slice(0, 400));
      console.info('/readyz', await (await fetch(`${base}/readyz`)).text());
    }
    expect(settled, 'the API answers complete up to the final watermark and /readyz is 200 before the loss').toBe(true);
    const baseline = new Map<string, Answer>();
    for (const path of PATHS) baseline.set(path, await ask(base, path));
    const before = await snapshotData(pipeline);
    expect(before.size).toBeGreaterThan(30);
    expect(JSON.parse(baseline.get(PATHS[0]!)!.body)).toHaveLength(expectedRows(generated, finalWatermark).size);
    expect((JSON.parse(baseline.get(PATHS[3]!)!.body) as { segments: unknown[] }).segments.length).toBeGreaterThan(3);
    const restartProcessor = async (): Promise<void> => {
      await instance.stop();
      instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger);
    };
    return { pipeline, base, baseline, before, restartProcessor, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What the API answers and what the sinks and processors report, for a failure message. */
async function describeState(fixture: LossFixture): Promise<string> {
  const { base, baseline, pipeline } = fixture;
  const lines: string[] = [`/readyz ${(await (await fetch(`${base}/readyz`)).text()).trim().replaceAll('\n', ' | ')}`];
  for (const path of PATHS) {
    const answer = await ask(base, path);
    const expected = baseline.get(path)!;
    lines.push(`${path}: ${answer.status} incomplete=${answer.headers['x-data-incomplete'] ?? '-'} completeUpTo=${answer.headers['x-data-complete-up-to'] ?? '-'} same=${answer.status === expected.status && answer.body === expected.body}`);
    if (answer.body !== expected.body) {
      let at = 0;
      while (at < answer.body.length && answer.body[at] === expected.body[at]) at++;
      const from = Math.max(0, at - 200);
      lines.push(`  first difference at ${at} of ${answer.body.length} (before: ${expected.body.length})`, `  now:    …${answer.body.slice(from, at + 400)}`, `  before: …${expected.body.slice(from, at + 400)}`);
    }
  }
  const prefix = pipeline.config.redis.keyPrefix;
  for (const key of await keysWithPrefix(pipeline.redis, `${prefix}sink:`)) lines.push(`${key.slice(prefix.length)} ${await pipeline.redis.get(key)}`);
  lines.push(`{meta}:epoch ${await pipeline.redis.get(storeKeys(prefix).epoch)}`);
  lines.push(`processors ${JSON.stringify(await pipeline.reader.getProcessorReadiness(pipeline.config.processor.groupId))}`);
  return lines.join('\n');
}

/**
 * Polls the API and the store until the store equals the one before the loss. Every answer on the way must be
 * honest: one that claims completeness (or a 404 for the known agent) must equal the answer before the loss, and so
 * must every answer read after a /readyz 200. A partial loss cannot be known before some read meets it, so with
 * `readyAfterFirstFind` the /readyz rule holds from the first answer that reported the data incomplete.
 */
async function expectHonestRebuild(fixture: LossFixture, label: string, readyAfterFirstFind: boolean, timeoutMs = 45_000): Promise<void> {
  const { base, baseline, before, pipeline } = fixture;
  const started = Date.now();
  const falseClaims: string[] = [];
  let incompleteSeen = 0;
  let rebuiltAfterMs: number | null = null;
  while (Date.now() - started < timeoutMs) {
    const foundBeforeReady = incompleteSeen > 0;
    const ready = await fetch(`${base}/readyz`);
    const readyText = await ready.text();
    for (const path of PATHS) {
      const answer = await ask(base, path);
      const expected = baseline.get(path)!;
      const same = answer.status === expected.status && answer.body === expected.body;
      if (!answer.claimsComplete) incompleteSeen++;
      if (answer.claimsComplete && !same) {
        falseClaims.push(`${Date.now() - started} ms ${path}: ${answer.status} claims complete (up to ${answer.headers['x-data-complete-up-to'] ?? '-'}) with ${answer.body.slice(0, 100)}`);
      }
      if (ready.status === 200 && !same && (!readyAfterFirstFind || foundBeforeReady)) falseClaims.push(`${Date.now() - started} ms /readyz 200 (${readyText.trim().split('\n')[0]}) but ${path} answered ${answer.status} ${answer.body.slice(0, 100)}`);
    }
    if (sameSnapshot(await snapshotData(pipeline), before)) {
      rebuiltAfterMs = Date.now() - started;
      break;
    }
    await sleep(100);
  }
  const difference = snapshotDifference(await snapshotData(pipeline), before);
  expect({ falseClaims: falseClaims.slice(0, 5), difference, rebuilt: rebuiltAfterMs !== null }, `${label}: honest answers, then the store as before`).toEqual({
    falseClaims: [],
    difference: [],
    rebuilt: true,
  });
  expect(incompleteSeen, `${label}: the API said the data was incomplete during the gap`).toBeGreaterThan(0);
  const recovered = await waitFor(async () => {
    const answers = await Promise.all(PATHS.map((path) => ask(base, path)));
    return answers.every((answer, i) => answer.claimsComplete && answer.body === baseline.get(PATHS[i]!)!.body);
  }, 30_000);
  if (!recovered) console.info(`${label}: not recovered\n${await describeState(fixture)}`);
  expect(recovered, `${label}: the API answers complete again with the same data`).toBe(true);
  console.info(`${label}: store rebuilt ${rebuiltAfterMs} ms after the loss`);
}

/**
 * The processor and its Redis sink run, the input is fully processed and then stops (the processor is idle). Redis then
 * loses data three ways, each on its own pipeline: all keys of the prefix (a restart without persistence), only the
 * keys with a TTL (what `volatile-*` eviction removes), and some row hashes and segment data (partial eviction that
 * readers notice). With no new input the store must come back to exactly the content it had, and until it has, no
 * API answer may claim completeness.
 */
describe('Redis data loss while the processor is idle', () => {
  const cases: [string, (name: string, pttl: number) => boolean][] = [
    ['empty', () => true],
    ['volatile', (_name, pttl) => pttl > 0],
    ['partial', ((): ((name: string) => boolean) => {
      let n = 0;
      return (name) => (name.startsWith('qh:') && n++ % 3 === 0) || name.startsWith(`seg:{t:default}:${SEED_USER}`);
    })()],
  ];
  const titles: Record<string, string> = {
    empty: 'rebuilds after Redis comes back empty (every key of the prefix gone)',
    volatile: 'rebuilds after volatile-* eviction (every key with a TTL gone, {meta}:epoch kept)',
    partial: 'rebuilds after some row hashes and segment data are evicted',
  };
  for (const [label, select] of cases) {
    it(titles[label]!, { timeout: 240_000 }, async () => {
      const fixture = await settledPipeline();
      try {
        const deleted = await deleteKeys(fixture.pipeline, select);
        expect(deleted).toBeGreaterThan(label === 'partial' ? 5 : 30);
        if (label === 'volatile') expect(await fixture.pipeline.redis.exists(storeKeys(fixture.pipeline.config.redis.keyPrefix).epoch)).toBe(1);
        await expectHonestRebuild(fixture, label, label === 'partial');
      } finally {
        await fixture.close();
      }
    });
  }
});

/**
 * On a Redis Cluster each master can lose its data on its own. The node holding the tenant's keys (not the one holding
 * the global epoch) loses every key of this store; the sink must notice it although the global epoch is intact, and
 * rebuild the tenant's data from the output topics, with the API claiming no completeness meanwhile.
 */
describe('Redis Cluster: one node loses its data while the processor is idle', () => {
  it('rebuilds the tenant whose node lost its keys, though the global epoch on another node stayed', { timeout: 240_000 }, async () => {
    const fixture = await settledPipeline({ REDIS_CLUSTER_NODES: await requireRedisCluster() });
    try {
      const cluster = fixture.pipeline.redis;
      if (!(cluster instanceof Cluster)) throw new Error('the pipeline should run on the Redis Cluster');
      const keys = storeKeys(fixture.pipeline.config.redis.keyPrefix);
      const tenantNode = await nodeOfKey(cluster, keys.tenantEpoch('default'));
      expect(tenantNode, 'the tenant\'s keys and the global epoch are on different masters').not.toBe(await nodeOfKey(cluster, keys.epoch));
      const epoch = await cluster.get(keys.epoch);
      expect(await loseNodeData(cluster, tenantNode, fixture.pipeline.config.redis.keyPrefix)).toBeGreaterThan(30);
      expect(await cluster.get(keys.epoch)).toBe(epoch);
      await expectHonestRebuild(fixture, 'one cluster node lost', false);
      expect(await cluster.get(keys.epoch), 'the sink started a new epoch').not.toBe(epoch);
    } finally {
      await fixture.close();
    }
  });
});

/**
 * A restarted processor holds the watermarks it restored from the changelog, but commits (and so re-asserts them) only
 * when it processes something. When Redis then comes back empty with no new input, the rows come back from the output
 * topics; the watermark must come back too, and until the sink confirms it /readyz must not say ready.
 */
describe('Redis data loss after the processor restarted', () => {
  it('rebuilds everything, the watermark included, with no input since the restart', { timeout: 240_000 }, async () => {
    const fixture = await settledPipeline();
    try {
      await fixture.restartProcessor();
      const resettled = await waitFor(async () => {
        if ((await fetch(`${fixture.base}/readyz`)).status !== 200) return false;
        const answers = await Promise.all(PATHS.map((path) => ask(fixture.base, path)));
        return answers.every((answer, i) => answer.claimsComplete && answer.body === fixture.baseline.get(PATHS[i]!)!.body);
      }, 60_000);
      expect(resettled, 'the restarted processor restored its partitions and the API answers as before').toBe(true);
      expect(await deleteKeys(fixture.pipeline, () => true)).toBeGreaterThan(30);
      await expectHonestRebuild(fixture, 'empty after a restart', false);
    } finally {
      await fixture.close();
    }
  });
});

/**
 * Review §12: the processor writes its watermark to Redis right after its Kafka commit, but rows reach Redis only
 * through the sink. With the sink down (PROCESSOR_REDIS_SINK=false and no sink deployment), the API must not call
 * anything complete; once a sink runs and has written the rows, it does, with the rows.
 */
describe('the API while no Redis sink runs', () => {
  it('claims no completeness over rows the sink has not written, and does once a sink caught up', { timeout: 240_000 }, async () => {
    const generated = generateRawHistory({ seed: 43, agents: 6, start: Date.UTC(2024, 0, 10, 8), spanMs: 2 * 3_600_000 });
    const finalWatermark = maxChangeTime(generated) + 3_600_000;
    const port = await freePort();
    const pipeline = await createTestPipeline(await requireServices(), { HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), PROCESSOR_REDIS_SINK: 'false' });
    const logger = createLogger('warn');
    const instances: ProcessorInstance[] = [await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), logger)];
    const api = await startApiServer(pipeline.config, logger);
    const base = `http://127.0.0.1:${port}`;
    try {
      await produceRaw(pipeline, generated);
      await publishWatermark(pipeline, finalWatermark);
      expect(await waitFor(() => watermarkApplied(pipeline, finalWatermark), 60_000), 'the processor applied the final watermark').toBe(true);
      const claims: string[] = [];
      for (let i = 0; i < 20; i++) {
        for (const path of PATHS.slice(0, 3)) {
          const answer = await ask(base, path);
          if (answer.claimsComplete) claims.push(`${path}: complete up to ${answer.headers['x-data-complete-up-to'] ?? '-'} with ${answer.body.slice(0, 60)}`);
        }
        await sleep(150);
      }
      expect(claims.slice(0, 3), 'answers claiming completeness without any row in Redis').toEqual([]);

      instances.push(await startProcessorInstance(parseConfig({ ...pipeline.env, PROCESSOR_REDIS_SINK: 'true', PROCESSOR_INSTANCE_ID: 'with-sink' }), processorSource(pipeline.config, 'sinch-rai'), logger));
      const expected = expectedRows(generated, finalWatermark).size;
      const complete = await waitFor(async () => {
        const answer = await ask(base, PATHS[0]!);
        return answer.claimsComplete && (JSON.parse(answer.body) as unknown[]).length === expected;
      }, 90_000);
      expect(complete, 'complete, with every row, once a sink wrote them').toBe(true);
    } finally {
      await api.close();
      await Promise.allSettled(instances.map((instance) => instance.stop()));
      await deleteKeys(pipeline, () => true);
      await pipeline.close();
    }
  });
});

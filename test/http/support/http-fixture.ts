import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { AgentMetrics } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { emptyMetrics } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { QUARTER_HOUR_MS } from '../../../src/core/windows/quarter-hour.ts';
import { canonicalTimeZone } from '../../../src/http/query-values.ts';
import type { ChangeFeedSource } from '../../../src/http/live/feed-hub.ts';
import { buildServer } from '../../../src/http/server.ts';
import type { ReadinessProbe, RequestLimits, ServerDeps, ServerSecurity, TimelineReader } from '../../../src/http/server-deps.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { DayAggregateStore } from '../../../src/state/day-aggregate-store.ts';
import { SinkProgressStore } from '../../../src/state/sink-progress-store.ts';
import { storeKeys } from '../../../src/state/store-keys.ts';
import type { AgentStateRow, QuarterHourRow, SegmentRow, StoreWrite } from '../../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../../src/state/timeline-store-reader.ts';
import { TimelineStoreWriter } from '../../../src/state/timeline-store-writer.ts';
import { requireServices } from '../../support/services.ts';

export const TENANT = 'default';

/** A store with nothing in it and no watermark yet: for routes and checks that must not depend on stored data. */
export const EMPTY_READER: TimelineReader = {
  readQuarterHours: async () => ({ rows: [], missing: 0 }),
  readAgentStates: async () => ({ rows: [], missing: 0 }),
  readTimeline: async () => ({ rows: [], missing: 0 }),
  getCompleteness: async () => ({ upTo: null, partitions: {}, expectedPartitions: null, epoch: null, incomplete: { reason: 'no-watermark', detail: 'no watermark yet' } }),
  reportMissingRows: async () => undefined,
  getAgentDirectory: async () => ({}),
  readDays: async () => [],
  readDataRevision: async () => '0',
  oldestWholeDay: () => 0,
};
export const LATENESS_MS = 120_000;
const RETENTION_MS = 400_000_000_000;

/**
 * A fresh, isolated key prefix on the real Redis, seeded through the processor's own writer. A caught-up Redis sink
 * is stood in for by a progress record (the one the sink publishes) that confirms the processor watermark as written.
 */
export interface StoreFixture {
  readonly reader: TimelineStoreReader;
  readonly redis: Redis;
  readonly prefix: string;
  write(writes: readonly StoreWrite[]): Promise<void>;
  quarterHours(rows: readonly QuarterHourRow[]): Promise<void>;
  /** Raises partitions 0..partitions−1 to `upTo`. */
  watermark(upTo: number, partitions?: number): Promise<void>;
  raiseWatermarkOf(partition: number, upTo: number, partitions: number): Promise<void>;
  /** Publishes the stand-in sink's record again, confirming the watermarks now in Redis (none if they are gone). */
  confirm(): Promise<void>;
  close(): Promise<void>;
}

/** `dayZones`: the zones whose local days the writer pre-aggregates (REDIS_DAY_ZONES); none by default. */
export async function createStoreFixture(options: { dayZones?: readonly string[] } = {}): Promise<StoreFixture> {
  const config = await requireServices();
  const prefix = `at:test-http-${randomUUID()}:`;
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keys = storeKeys(prefix);
  // zones as config parses REDIS_DAY_ZONES: Intl's canonical names (Asia/Kolkata is Asia/Calcutta), as the API's timeZone
  const zones = options.dayZones?.map((zone) => canonicalTimeZone(zone) ?? zone);
  const days = zones === undefined ? undefined : new DayAggregateStore(redis, keys, { zones, retentionMs: RETENTION_MS });
  const writer = new TimelineStoreWriter(redis, keys, RETENTION_MS, days);
  const epoch = await writer.ensureEpoch();
  const sinks = new SinkProgressStore(redis, keys);
  const confirm = async (): Promise<void> => {
    const now = Date.now();
    const record = { instanceId: 'fixture-sink', epoch, assigned: ['out|0'], covered: ['out|0'], expectedPartitions: 1, watermarks: await sinks.processorWatermarks(), coveredAt: now, updatedAt: now };
    await sinks.publish(record, 3_600_000);
  };
  await confirm();
  const write = async (writes: readonly StoreWrite[]): Promise<void> => {
    const result = await writer.apply(epoch, writes, Date.UTC(2024, 0, 1));
    if (result.epochChanged) throw new Error('epoch changed while seeding');
  };
  return {
    reader: new TimelineStoreReader(redis, keys),
    redis,
    prefix,
    write,
    quarterHours: (rows) => write(rows.map((row) => ({ kind: 'quarterHour', row }))),
    watermark: async (upTo, partitions = 1) => {
      for (let p = 0; p < partitions; p++) await writer.raiseWatermark(TENANT, p, upTo, partitions);
      await confirm();
    },
    raiseWatermarkOf: async (partition, upTo, partitions) => {
      await writer.raiseWatermark(TENANT, partition, upTo, partitions);
      await confirm();
    },
    confirm,
    close: async () => {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

export const USER_A = 'AC083B34470B4164A6A5968DD031B5E5';
export const USER_B = '30BAC5C8C39A4CA5A5B1C5509EE4F12B';
export const USER_C = 'E936C474B22311D38FBE0090279A922E';
export const NAMES: Readonly<Record<string, string>> = { [USER_A]: 'Fox, John', [USER_B]: 'Wolf, Jane', [USER_C]: 'Bear, Bob' };

/** A stored quarter-hour row with `servingDuration`/`readyDuration` = `serving` unless metrics say otherwise. */
export function qh(userId: string, intervalStart: number, serving: number, extra: Partial<QuarterHourRow> & { metrics?: Partial<AgentMetrics> } = {}): QuarterHourRow {
  const { metrics, ...rest } = extra;
  return {
    tenant: TENANT,
    source: 'sinch-rai',
    userId,
    userName: NAMES[userId] ?? userId,
    intervalStart,
    intervalEnd: intervalStart + QUARTER_HOUR_MS,
    revision: 1,
    status: 'provisional',
    final: false,
    maxChangeTimestamp: intervalStart + 60_000,
    ...emptyMetrics(),
    servingDuration: serving,
    readyDuration: serving,
    ...metrics,
    ...rest,
  };
}

export function agentState(userId: string, fields: Partial<AgentStateRow>): AgentStateRow {
  return {
    tenant: TENANT, source: 'sinch-rai', userId, userName: NAMES[userId] ?? userId, sessionId: `S-${userId}`, loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting',
    profile: 'Available', profileReason: 'NONE', campaignId: null, userStatusSince: null, handlingStatusSince: null, asOf: 0, ...fields,
  };
}

export function segment(userId: string, start: number, end: number, fields: Partial<SegmentRow> = {}): SegmentRow {
  return {
    tenant: TENANT, source: 'sinch-rai', userId, userName: NAMES[userId] ?? userId, sessionId: `S-${userId}`, start, end, userStatus: 'Ready', handlingStatus: 'Waiting',
    profile: 'Available', profileReason: 'NONE', profileType: 'Presence', campaignId: null, revision: 1, ...fields,
  };
}

export interface TestServerOptions {
  readonly clock?: () => number;
  readonly probes?: readonly ReadinessProbe[];
  readonly registry?: Registry;
  readonly probeTimeoutMs?: number;
  readonly security?: ServerSecurity;
  readonly requestLimits?: Partial<RequestLimits>;
  readonly tenantTimeZones?: Readonly<Record<string, string>>;
  readonly answerCacheBytes?: number;
  readonly changeFeed?: ChangeFeedSource;
  readonly alertRules?: ServerDeps['alertRules'];
  readonly alerts?: ServerDeps['alerts'];
}

/** A change feed for servers whose tests open no event stream (the route exists; nothing reads the feed). */
export const UNUSED_FEED: ChangeFeedSource = {
  lastId: () => Promise.reject(new Error('unused')),
  after: () => Promise.reject(new Error('unused')),
  holdsAfter: () => Promise.reject(new Error('unused')),
  openBlockingReader: () => {
    throw new Error('unused');
  },
};

/** A server over `reader` with a silent logger, its own registry and a fixed clock (2024-06-01T12:00Z). */
export function testServer(reader: TimelineReader, options: TestServerOptions = {}): FastifyInstance {
  return buildServer({
    reader,
    clock: options.clock ?? (() => Date.UTC(2024, 5, 1, 12)),
    probes: options.probes ?? [],
    registry: options.registry ?? new Registry(),
    logger: createLogger('silent'),
    tenant: TENANT,
    allowedLatenessMs: LATENESS_MS,
    collectDefaultMetrics: false,
    ...(options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: options.probeTimeoutMs }),
    ...(options.security === undefined ? {} : { security: options.security }),
    ...(options.requestLimits === undefined ? {} : { requestLimits: options.requestLimits }),
    ...(options.tenantTimeZones === undefined ? {} : { tenantTimeZones: options.tenantTimeZones }),
    ...(options.answerCacheBytes === undefined ? {} : { answerCacheBytes: options.answerCacheBytes }),
    ...(options.changeFeed === undefined ? {} : { changeFeed: options.changeFeed }),
    ...(options.alertRules === undefined ? {} : { alertRules: options.alertRules }),
    ...(options.alerts === undefined ? {} : { alerts: options.alerts }),
  });
}

/** The rows of a JSON array answer. */
export function rowsOf(body: string): Record<string, unknown>[] {
  return JSON.parse(body) as Record<string, unknown>[];
}

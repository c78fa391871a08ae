import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import { ConfigError } from '../errors/config-error.ts';
import type { Config } from '../config/config.ts';
import { buildServer } from '../http/server.ts';
import type { ReadinessProbe } from '../http/server-deps.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { registryRequest } from '../kafka/schema-registry-http.ts';
import { createLogger } from '../runtime/logger.ts';
import { PROCESSOR_READINESS_TTL_MS } from '../state/processor-readiness-store.ts';
import { createRedis } from '../state/redis-client.ts';
import { evictionPolicyWarning, readEvictionInfo } from '../state/redis-eviction.ts';
import { BillingStore } from '../state/billing-store.ts';
import { AlertStore } from '../state/alert-store.ts';
import { ChangeFeed } from '../state/change-feed.ts';
import { LiveAgentStore } from '../state/live-agent-store.ts';
import { storeKeys } from '../state/store-keys.ts';
import { TimelineStoreReader } from '../state/timeline-store-reader.ts';

export const SERVE_USAGE = 'usage: agent-timelines serve [--host HOST] [--port PORT]';

/** Wraps a check so concurrent /readyz calls share one attempt instead of piling up behind a slow dependency. */
function singleFlight(name: string, check: () => Promise<void>): ReadinessProbe {
  let inFlight: Promise<void> | null = null;
  return {
    name,
    check: () =>
      (inFlight ??= check().finally(() => {
        inFlight = null;
      })),
  };
}

function kafkaProbes(config: Config, logger: Logger): { probes: ReadinessProbe[]; close: () => Promise<void> } {
  const admin: Admin = createKafka(config, logger, '-http').admin();
  let connected: Promise<void> | null = null;
  const withAdmin = async (use: (admin: Admin) => Promise<void>): Promise<void> => {
    try {
      await (connected ??= admin.connect());
      await use(admin);
    } catch (error) {
      connected = null;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  };
  const groups = config.processor.sources.map((source) => source.groupId);
  return {
    probes: [
      singleFlight('kafka', () => withAdmin(async (a) => {
        const cluster = await a.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
      })),
      singleFlight('processor', () => withAdmin(async (a) => {
        const described = (await a.describeGroups(groups)).groups;
        for (const groupId of groups) {
          const group = described.find((g) => g.groupId === groupId);
          if (group === undefined || group.state !== 'Stable' || group.members.length === 0) {
            throw new Error(`consumer group ${groupId} is ${group?.state ?? 'unknown'} with ${group?.members.length ?? 0} members: no processor is assigned`);
          }
        }
      })),
    ],
    close: () => admin.disconnect().catch(() => undefined),
  };
}

/**
 * `processor-restored`: for each processor group (one per source of PROCESSOR_SOURCES), the live processor instances
 * (readiness records in Redis, docs/redis.md) together cover every partition of its raw topic, and every one of them
 * has restored its state from the changelog.
 */
export function processorRestoredProbe(reader: Pick<TimelineStoreReader, 'getProcessorReadiness'>, groupIds: string | readonly string[]): ReadinessProbe {
  const groups = typeof groupIds === 'string' ? [groupIds] : groupIds;
  return singleFlight('processor-restored', async () => {
    for (const groupId of groups) await assertGroupRestored(reader, groupId);
  });
}

async function assertGroupRestored(reader: Pick<TimelineStoreReader, 'getProcessorReadiness'>, groupId: string): Promise<void> {
  const readiness = await reader.getProcessorReadiness(groupId);
  if (readiness.instances.length === 0) throw new Error(`no processor instance of group ${groupId} has reported in ${PROCESSOR_READINESS_TTL_MS / 1000} s`);
  const expected = readiness.expectedPartitions ?? readiness.assigned;
  const reporting = `${readiness.instances.length} instance${readiness.instances.length === 1 ? '' : 's'} reporting`;
  if (readiness.assigned < expected) throw new Error(`${readiness.assigned} of ${expected} partitions assigned (${reporting})`);
  if (readiness.restored < expected) throw new Error(`${readiness.restored} of ${expected} partitions restored (${reporting})`);
}

/**
 * `redis-store`: the store holds the current data (docs/redis.md): fails while Redis has lost data and the sinks are
 * rebuilding it, or while no Redis sink reports. Answers about `tenant`. A tenant without a confirmed watermark passes
 * only while the processor of group `groupId` holds none either (nothing processed yet); once the processor holds one
 * on every input partition, the store must confirm one too: after Redis lost the watermark hash, the rows can all be
 * back before the processor re-asserts it, and until then no answer can say what is final.
 */
export function storeCompleteProbe(reader: Pick<TimelineStoreReader, 'getCompleteness' | 'getProcessorReadiness'>, tenant: string, groupId: string): ReadinessProbe {
  return singleFlight('redis-store', async () => {
    const { incomplete } = await reader.getCompleteness(tenant);
    if (incomplete === null) return;
    if (incomplete.reason !== 'no-watermark') throw new Error(`${incomplete.reason}: ${incomplete.detail}`);
    const processor = await reader.getProcessorReadiness(groupId);
    const held = processor.watermarked[tenant] ?? 0;
    if (processor.expectedPartitions !== null && held >= processor.expectedPartitions) {
      throw new Error(`no-watermark: the processor holds a watermark of tenant ${tenant} on all ${processor.expectedPartitions} input partitions, but the Redis sinks have not confirmed one in the current data epoch yet (${incomplete.detail})`);
    }
  });
}

/** True for an address only this host can reach: `localhost`, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./i.test(bare);
  return false;
}

/**
 * How the API is exposed (docs/http-api.md, "Security"): with API_TOKENS_FILE, `authenticated`; without it, serving on
 * a loopback address is `loopback-only`, and any other address is refused with a {@link ConfigError} unless
 * API_ALLOW_UNAUTHENTICATED=true (a proxy in front authenticates) makes it `unauthenticated`.
 */
export function apiExposure(config: Config): 'authenticated' | 'loopback-only' | 'unauthenticated' {
  if (config.http.tokens !== null) return 'authenticated';
  if (isLoopbackHost(config.http.host)) return 'loopback-only';
  if (config.http.allowUnauthenticated) return 'unauthenticated';
  throw new ConfigError([
    `HTTP_HOST: ${config.http.host} is not a loopback address and API_TOKENS_FILE is not set: anyone who can reach it would read every tenant. Set API_TOKENS_FILE, bind 127.0.0.1, or set API_ALLOW_UNAUTHENTICATED=true when a proxy in front authenticates`,
  ]);
}

/** The zone each configured tenant names (Evo Voice `timeZoneId`, Thulium `timeZone`); Sinch RAI tenants configure none. */
export function tenantTimeZones(config: Config): Record<string, string> {
  return Object.fromEntries([
    ...config.evoVoice.tenants.map((tenant) => [tenant.id, tenant.timeZoneId] as const),
    ...config.thulium.tenants.map((tenant) => [tenant.id, tenant.timeZone] as const),
  ]);
}

export interface ApiServerOptions {
  /** The clock that "time in state" is measured against; the demo passes the simulator's. */
  readonly clock?: () => number;
  readonly registry?: Registry;
}

export interface RunningApiServer {
  readonly address: string;
  /** Stops accepting requests, lets in-flight ones finish and closes the clients. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP API over the Redis store with the real readiness probes: Redis PING, schema registry
 * GET /subjects, Kafka describeCluster, the processor's consumer group being Stable with members (assigned), the
 * processor instances' readiness records covering every partition, restored ({@link processorRestoredProbe}), and the
 * store not rebuilding nor behind the processor's watermark ({@link storeCompleteProbe}). Logs a warning when Redis may evict keys.
 */
export async function startApiServer(config: Config, logger: Logger, options: ApiServerOptions = {}): Promise<RunningApiServer> {
  const exposure = apiExposure(config);
  if (exposure === 'authenticated') logger.info({ tokens: config.http.tokens?.length ?? 0 }, 'HTTP API requires bearer tokens (API_TOKENS_FILE)');
  else if (exposure === 'loopback-only') logger.info({ host: config.http.host }, 'no API_TOKENS_FILE: the HTTP API is unauthenticated, so it is bound to loopback only (only this host can reach it)');
  else logger.warn({ host: config.http.host }, 'API_ALLOW_UNAUTHENTICATED=true: the HTTP API answers without authentication on a non-loopback address; a proxy in front must authenticate');
  const redis = createRedis(config);
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  const warnAboutEviction = (): Promise<void> =>
    readEvictionInfo(redis).then(
      (info) => {
        const warning = evictionPolicyWarning(info.policy);
        if (warning !== null) logger.warn({ maxmemoryPolicy: info.policy }, warning);
      },
      (error: unknown) => logger.warn({ err: error }, 'could not read Redis INFO to check maxmemory-policy'),
    );
  redis.connect().then(warnAboutEviction, (error: unknown) => logger.warn({ err: error }, 'Redis is not reachable yet; /readyz reports it'));
  const kafka = kafkaProbes(config, logger);
  const reader = new TimelineStoreReader(redis, storeKeys(config.redis.keyPrefix), { retentionMs: config.redis.retentionMs });
  const probes: ReadinessProbe[] = [
    singleFlight('redis', async () => {
      const answer = await redis.ping();
      if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
    }),
    singleFlight('schema-registry', async () => {
      await registryRequest(config.schemaRegistry, 'GET', '/subjects');
    }),
    ...kafka.probes,
    processorRestoredProbe(reader, config.processor.sources.map((source) => source.groupId)),
    storeCompleteProbe(reader, config.tenant, config.processor.sources[0]?.groupId ?? config.processor.groupId),
  ];
  const app = buildServer({
    reader,
    billing: new BillingStore(redis, storeKeys(config.redis.keyPrefix), config.redis.retentionMs),
    liveAgents: new LiveAgentStore(redis, storeKeys(config.redis.keyPrefix), config.redis.retentionMs),
    reconcileGraceMs: config.http.reconcileGraceMs,
    clock: options.clock ?? Date.now,
    probes,
    registry: options.registry ?? new Registry(),
    logger,
    tenant: config.tenant,
    allowedLatenessMs: config.processor.allowedLatenessMs,
    queryAdmission: { concurrent: config.http.maxConcurrentQueries, queued: config.http.maxQueuedQueries },
    security: { tokens: config.http.tokens, allowedHosts: config.http.allowedHosts, corsOrigins: config.http.corsOrigins },
    requestLimits: { maxQueryDays: config.http.maxQueryDays, queryTimeoutMs: config.http.queryTimeoutMs },
    answerCacheBytes: config.http.answerCacheBytes,
    tenantTimeZones: tenantTimeZones(config),
    changeFeed: new ChangeFeed(redis, storeKeys(config.redis.keyPrefix)),
    live: { maxClients: config.http.sseMaxClients, heartbeatMs: config.http.sseHeartbeatMs },
    alertRules: config.alerts.rules,
    alerts: new AlertStore(redis, storeKeys(config.redis.keyPrefix), config.redis.changeFeedMaxLen),
  });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await app.close();
      await kafka.close();
      redis.disconnect();
    })());
  try {
    const address = await app.listen({ host: config.http.host, port: config.http.port });
    return { address, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `agent-timelines serve`: the HTTP API until SIGTERM/SIGINT, then in-flight requests finish; returns the exit code. */
export async function serveCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let values: { host?: string | undefined; port?: string | undefined };
  try {
    values = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`agent-timelines serve: ${(error as Error).message}\n${SERVE_USAGE}\n`);
    return 2;
  }
  const config = parseConfig({ ...env, ...(values.host === undefined ? {} : { HTTP_HOST: values.host }), ...(values.port === undefined ? {} : { HTTP_PORT: values.port }) });
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const server = await startApiServer(config, logger);
  logger.info({ address: server.address, openapi: `${server.address}/openapi.json` }, 'HTTP API listening');
  const signal = await stopped;
  logger.info({ signal }, 'shutting down the HTTP API');
  await server.close();
  return 0;
}

import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { apiTokensSchema, envSchema, evoVoiceTenantsSchema, hostedSuiteTenantsSchema, sinchTenantsSchema, thuliumTenantsSchema } from './config-schema.ts';
import type { ApiToken, Env, EvoVoiceTenantInput, HostedSuiteTenantInput, ProcessorSourceId, SinchTenantInput, ThuliumTenantInput } from './config-schema.ts';
import { ConfigError } from '../errors/config-error.ts';
import { parseAlertRules } from './alert-rules.ts';
import type { AlertRulesByTenant } from './alert-rules.ts';

/**
 * Rows the re-processor emits carry revision REPROCESS_REVISION_BASE + run (docs/processor.md "Late history"). The
 * live engine emits a window at most once per watermark value it applies while the window can change, i.e. fewer
 * than 15 min + lateness + horizon (in ms) times, so its revisions stay below this base; parseConfig enforces that.
 */
export const REPROCESS_REVISION_BASE = 2 ** 30;

/** Runtime configuration, grouped by the adapter that consumes it. */
export interface Config {
  readonly tenant: string;
  readonly topicPrefix: string;
  readonly logLevel: Env['LOG_LEVEL'];
  /** `json` (pino lines, for log shippers) or `text` (one readable line per entry); `demo` defaults to text. */
  readonly logFormat: Env['LOG_FORMAT'];
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly ssl: boolean;
    readonly sslCaFile: string | undefined;
    readonly sasl: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string } | undefined;
  };
  readonly schemaRegistry: {
    readonly url: string;
    readonly auth: { readonly username: string; readonly password: string } | undefined;
  };
  readonly redis: {
    readonly url: string;
    /** Seed nodes (`host:port`) of a Redis Cluster; when set, the store talks to the cluster and `url` is not used. */
    readonly clusterNodes: readonly string[] | undefined;
    readonly tls: boolean;
    readonly username: string | undefined;
    readonly password: string | undefined;
    readonly keyPrefix: string;
    /** How long quarter-hour rows and timeline segments stay in Redis after their interval ends. */
    readonly retentionMs: number;
    /** The zones whose local days the store pre-aggregates (REDIS_DAY_ZONES; docs/redis.md, "Day aggregates"). */
    readonly dayZones: readonly string[];
    /** The approximate length cap of each tenant's change feed (REDIS_CHANGE_FEED_MAXLEN; docs/redis.md, "Change feed"). */
    readonly changeFeedMaxLen: number;
  };
  readonly processor: {
    readonly groupId: string;
    readonly allowedLatenessMs: number;
    /** Late events older than watermark − lateness − horizon are too late for the live engine and go to the re-processor. */
    readonly correctionHorizonMs: number;
    /** Distinguishes instances of one group (logs, the per-instance watermark reader); default host-pid. */
    readonly instanceId: string | undefined;
    /** The `source` of the Sinch RAI poll watermarks that move the Sinch processor's event time. */
    readonly watermarkSource: string;
    /**
     * The sources `process` runs a processor for (PROCESSOR_SOURCES), each with its consumer group: Sinch RAI keeps
     * PROCESSOR_GROUP_ID itself (existing deployments keep their offsets), every other source `<PROCESSOR_GROUP_ID>.<source>`.
     */
    readonly sources: readonly { readonly id: ProcessorSourceId; readonly groupId: string }[];
    /** Consumer group session timeout: how soon a crashed instance's partitions move. */
    readonly sessionTimeoutMs: number;
    /** How often idle partitions check for a watermark they may apply. */
    readonly tickMs: number;
    /**
     * How long a partition's processed input may wait for its transaction when no watermark applied; a watermark
     * commits at once (PROCESSOR_COMMIT_INTERVAL_MS; docs/processor.md, "Commits").
     */
    readonly commitIntervalMs: number;
    /**
     * How often a partition's state goes to the changelog, in a transaction after the one of the outputs; the input
     * journal covers the time between, and a restore applies it again (PROCESSOR_STATE_INTERVAL_MS; docs/processor.md,
     * "State commits"). 0: the state in every transaction.
     */
    readonly stateIntervalMs: number;
    /** Whether `process` also runs the Redis sink (output topics → Redis). */
    readonly redisSink: boolean;
    /** How long a writer schema id the registry definitely does not know is remembered (its records are dead-lettered meanwhile). */
    readonly schemaNotFoundTtlMs: number;
    /** How often the Redis sink checks the store for lost data and publishes what it has in Redis. */
    readonly redisSinkCheckMs: number;
    /** A user or session state entry above this many bytes is quarantined (docs/processor.md, Oversized state). */
    readonly stateEntryMaxBytes: number;
    /** The most input one fetch brings per partition, and so one batch and one transaction of a partition task at most. */
    readonly fetchMaxBytesPerPartition: number;
    /** The Kafka client of the partition tasks' transactional producers (PROCESSOR_PRODUCER_CLIENT; docs/processor.md). */
    readonly producerClient: 'kafkajs' | 'platformatic';
    /** Where `process` serves GET /metrics, /healthz and /readyz; port 0 means no such endpoint. */
    readonly metrics: { readonly host: string; readonly port: number };
    /** Backoff between restarts of a processor instance that could not start or died (capped, full jitter). */
    readonly supervisor: { readonly backoffBaseMs: number; readonly backoffMaxMs: number };
    /** The re-processor of too-late records (docs/processor.md "Late history"). */
    readonly reprocess: {
      /** Whether `process` also runs the re-processor. */
      readonly enabled: boolean;
      /** How far before a recomputed range raw records are read to know each session's state (≥ the longest session). */
      readonly leadInMs: number;
      /** Event-time span of one chunk: one raw scan and one transaction. */
      readonly chunkMs: number;
      /** Requests one run takes at most. */
      readonly maxRequestsPerRun: number;
    };
  };
  /** Sanity limits on input times (docs/processor.md, "Bad timestamps and clocks"; docs/metrics.md, "Sessions that never end"). */
  readonly time: {
    /** A session with no event for this long ends that long after its last event. */
    readonly sessionMaxIdleMs: number;
    /** Records with an event time more than this before their changeTimestamp are dead-lettered `event-time-too-old`. */
    readonly maxEventAgeMs: number;
    /** Records with an event time more than this after their changeTimestamp are dead-lettered `event-time-in-future`. */
    readonly maxEventLeadMs: number;
    /** How far ahead of this host's clock a watermark, a poller checkpoint or a row time may be. */
    readonly maxClockLeadMs: number;
  };
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly maxConcurrentQueries: number;
    readonly maxQueuedQueries: number;
    /** The longest time range one /agentStatistic or timeline request may ask for, in days. */
    readonly maxQueryDays: number;
    /** How long one data query may take (waiting for admission included) before it is answered 503. */
    readonly queryTimeoutMs: number;
    /** The size bound of the cache of finished statistic answers, in bytes (0: no cache). */
    readonly answerCacheBytes: number;
    /** How many live-board event streams (GET /board/events) one API process serves at once (HTTP_SSE_MAX_CLIENTS). */
    readonly sseMaxClients: number;
    /** How often an idle event stream gets a heartbeat event (HTTP_SSE_HEARTBEAT_MS). */
    readonly sseHeartbeatMs: number;
    /** How long past the vendor's change a snapshot may disagree with the history before /agentStatus serves the snapshot's view (AGENT_STATUS_RECONCILE_GRACE_MS). */
    readonly reconcileGraceMs: number;
    /** The Host header values the API answers (others get 421); undefined: any. */
    readonly allowedHosts: readonly string[] | undefined;
    /** Browser origins allowed to call the API (CORS); undefined: none. */
    readonly corsOrigins: readonly string[] | undefined;
    /** API clients from API_TOKENS_FILE; null: no authentication (the API then binds to loopback only, docs/http-api.md). */
    readonly tokens: readonly ApiToken[] | null;
    /** API_ALLOW_UNAUTHENTICATED: serve without tokens on a non-loopback address (behind a proxy that authenticates). */
    readonly allowUnauthenticated: boolean;
  };
  /** Sinch RAI instances the pollers read; empty when neither SINCH_TENANTS nor SINCH_TENANTS_FILE is set. */
  readonly sinch: { readonly tenants: readonly SinchTenant[] };
  /** Evo Voice accounts the report pollers read; empty when neither EVO_VOICE_TENANTS nor EVO_VOICE_TENANTS_FILE is set. */
  readonly evoVoice: { readonly tenants: readonly EvoVoiceTenant[] };
  /** Thulium systems the `poll` command reads (THULIUM_TENANTS or THULIUM_TENANTS_FILE). */
  readonly thulium: { readonly tenants: readonly ThuliumTenant[] };
  /** HostedSuite customers the call-record poller reads; empty when neither HOSTEDSUITE_TENANTS nor HOSTEDSUITE_TENANTS_FILE is set. */
  readonly hostedSuite: { readonly tenants: readonly HostedSuiteTenant[] };
  /** Alert rules and the evaluator (docs/alerts.md). */
  readonly alerts: {
    /** ALERT_RULES_FILE, or undefined: no rules. */
    readonly rulesFile: string | undefined;
    /** Tenant → its rules, validated; a tenant not listed has none. */
    readonly rules: AlertRulesByTenant;
    /** The evaluator's consumer group and transactional id: `<PROCESSOR_GROUP_ID>.alerts`. */
    readonly groupId: string;
    /** How often the evaluator ticks its clock (ALERT_TICK_MS). */
    readonly tickMs: number;
    /** Whether `alerts` runs the alert sink into Redis (ALERT_REDIS_SINK; group `<groupId>.redis-sink`). */
    readonly redisSink: boolean;
    /** The webhook every transition is POSTed to (ALERT_WEBHOOK_*; group `<groupId>.webhook`); null: none. */
    readonly webhook: { readonly url: string; readonly token: string | undefined; readonly timeoutMs: number; readonly maxAttempts: number } | null;
    /** Where `alerts` serves GET /metrics, /healthz and /readyz (ALERTS_METRICS_*); port 0 means no such endpoint. */
    readonly metrics: { readonly host: string; readonly port: number };
  };
  /** Where `poll` serves GET /metrics, /healthz and /readyz; port 0 means no such endpoint. */
  readonly poller: { readonly metrics: { readonly host: string; readonly port: number } };
}

/** A validated tenant with its password resolved (from `password` or the variable named by `passwordEnv`). */
export type SinchTenant = Readonly<Omit<SinchTenantInput, 'credentials'>> & {
  readonly credentials: { readonly username: string; readonly password: string };
};

/** A validated Evo Voice tenant with its password resolved. */
export type EvoVoiceTenant = Readonly<Omit<EvoVoiceTenantInput, 'credentials'>> & {
  readonly credentials: { readonly username: string; readonly password: string };
};

/** A validated Thulium tenant with its password resolved. */
export type ThuliumTenant = Readonly<Omit<ThuliumTenantInput, 'credentials'>> & {
  readonly credentials: { readonly username: string; readonly password: string };
};

/** A validated HostedSuite tenant with its password resolved. */
export type HostedSuiteTenant = Readonly<Omit<HostedSuiteTenantInput, 'credentials'>> & {
  readonly credentials: { readonly customerName: string; readonly username: string; readonly password: string };
};

/**
 * HostedSuite tenants whose re-polled trailing window fits the processor's correction reach: a WorkTime update the
 * overlap finds is then never too late for the engine (docs/vendors/hostedsuite-contract.md, "Late WorkTime updates").
 */
function hostedSuiteTenants<T extends { readonly id: string; readonly overlapMs: number }>(tenants: T[], correctableMs: number): T[] {
  const problems = tenants.flatMap((tenant, index) =>
    tenant.overlapMs <= correctableMs
      ? []
      : [`HOSTEDSUITE_TENANTS[${index}]["overlapMs"]: ${tenant.overlapMs} ms re-polls calls older than ALLOWED_LATENESS_MS + CORRECTION_HORIZON_MS (${correctableMs} ms); their corrections would be rejected too-late`],
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return tenants;
}

/**
 * Reads a tenant list from `<variable>` (inline JSON) or `<variable>_FILE`, validates it with `schema` and resolves
 * each `passwordEnv`; every error names the variable and the path in the list.
 */
function parseTenantList<T extends { credentials: { username: string; password?: string | undefined; passwordEnv?: string | undefined } }>(
  variable: 'SINCH_TENANTS' | 'EVO_VOICE_TENANTS' | 'THULIUM_TENANTS' | 'HOSTEDSUITE_TENANTS',
  inline: string | undefined,
  file: string | undefined,
  schema: z.ZodType<T[]>,
  env: Readonly<Record<string, string | undefined>>,
): Array<Omit<T, 'credentials'> & { credentials: Omit<T['credentials'], 'password' | 'passwordEnv'> & { password: string } }> {
  if (inline !== undefined && file !== undefined) throw new ConfigError([`${variable} and ${variable}_FILE are mutually exclusive`]);
  const named = file !== undefined ? `${variable}_FILE` : variable;
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      throw new ConfigError([`${variable}_FILE: cannot read ${file}: ${(cause as Error).message}`]);
    }
  }
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([`${named}: must be a JSON array of tenants`]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${named}${issue.path.map((p) => `[${JSON.stringify(p)}]`).join('')}: ${issue.message}`));
  }
  return parsed.data.map((tenant, index) => {
    const { passwordEnv, password, ...identity } = tenant.credentials;
    const resolved = password ?? (passwordEnv === undefined ? undefined : env[passwordEnv]);
    if (resolved === undefined || resolved === '') {
      throw new ConfigError([`${named}[${index}]["credentials"]["passwordEnv"]: environment variable ${passwordEnv ?? '?'} is not set`]);
    }
    const credentials = { ...identity, password: resolved } as Omit<T['credentials'], 'password' | 'passwordEnv'> & { password: string };
    return { ...tenant, credentials };
  });
}

/** Reads and validates API_TOKENS_FILE; every error names the file's variable and the path in the list. */
function parseApiTokens(file: string | undefined): ApiToken[] | null {
  if (file === undefined) return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError([`API_TOKENS_FILE: cannot read ${file}: ${(cause as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(['API_TOKENS_FILE: must be a JSON array of { name, sha256, tenants, scopes? }']);
  }
  const parsed = apiTokensSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `API_TOKENS_FILE${issue.path.map((p) => `[${JSON.stringify(p)}]`).join('')}: ${issue.message}`));
  }
  return parsed.data;
}

/**
 * Parses the environment once. Unknown variables are ignored; every invalid variable is reported in one
 * {@link ConfigError} whose message names each variable and what is wrong with it.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const value = relevant[variable];
      const shown = value === undefined || /PASSWORD|_TENANTS$|_URL$/.test(variable) ? '' : ` (got ${JSON.stringify(value)})`;
      return `${variable}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const saslParts = [e.KAFKA_SASL_MECHANISM, e.KAFKA_SASL_USERNAME, e.KAFKA_SASL_PASSWORD];
  const saslGiven = saslParts.filter((part) => part !== undefined).length;
  if (saslGiven !== 0 && saslGiven !== 3) {
    throw new ConfigError(['KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together']);
  }
  if (e.ALLOWED_LATENESS_MS + e.CORRECTION_HORIZON_MS + 900_000 >= REPROCESS_REVISION_BASE) {
    throw new ConfigError([`ALLOWED_LATENESS_MS + CORRECTION_HORIZON_MS must stay below ${REPROCESS_REVISION_BASE - 900_000} ms (12.4 days): re-processed rows carry revisions from 2^30 on, above every revision the live engine can reach`]);
  }
  if ((e.SCHEMA_REGISTRY_USERNAME === undefined) !== (e.SCHEMA_REGISTRY_PASSWORD === undefined)) {
    throw new ConfigError(['SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD must be set together']);
  }
  return {
    tenant: e.TENANT,
    topicPrefix: e.TOPIC_PREFIX,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      ssl: e.KAFKA_SSL,
      sslCaFile: e.KAFKA_SSL_CA_FILE,
      sasl:
        e.KAFKA_SASL_MECHANISM !== undefined && e.KAFKA_SASL_USERNAME !== undefined && e.KAFKA_SASL_PASSWORD !== undefined
          ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD }
          : undefined,
    },
    schemaRegistry: {
      url: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
      auth:
        e.SCHEMA_REGISTRY_USERNAME !== undefined && e.SCHEMA_REGISTRY_PASSWORD !== undefined
          ? { username: e.SCHEMA_REGISTRY_USERNAME, password: e.SCHEMA_REGISTRY_PASSWORD }
          : undefined,
    },
    redis: {
      url: e.REDIS_URL,
      clusterNodes: e.REDIS_CLUSTER_NODES,
      tls: e.REDIS_TLS,
      username: e.REDIS_USERNAME,
      password: e.REDIS_PASSWORD,
      keyPrefix: e.REDIS_KEY_PREFIX,
      retentionMs: e.REDIS_RETENTION_MS,
      dayZones: e.REDIS_DAY_ZONES,
      changeFeedMaxLen: e.REDIS_CHANGE_FEED_MAXLEN,
    },
    processor: {
      groupId: e.PROCESSOR_GROUP_ID,
      allowedLatenessMs: e.ALLOWED_LATENESS_MS,
      correctionHorizonMs: e.CORRECTION_HORIZON_MS,
      instanceId: e.PROCESSOR_INSTANCE_ID,
      watermarkSource: e.PROCESSOR_WATERMARK_SOURCE,
      sources: e.PROCESSOR_SOURCES.map((id) => ({ id, groupId: id === 'sinch-rai' ? e.PROCESSOR_GROUP_ID : `${e.PROCESSOR_GROUP_ID}.${id}` })),
      sessionTimeoutMs: e.PROCESSOR_SESSION_TIMEOUT_MS,
      tickMs: e.PROCESSOR_TICK_MS,
      commitIntervalMs: e.PROCESSOR_COMMIT_INTERVAL_MS,
      stateIntervalMs: e.PROCESSOR_STATE_INTERVAL_MS,
      redisSink: e.PROCESSOR_REDIS_SINK,
      schemaNotFoundTtlMs: e.PROCESSOR_SCHEMA_NOT_FOUND_TTL_MS,
      redisSinkCheckMs: e.PROCESSOR_REDIS_SINK_CHECK_MS,
      stateEntryMaxBytes: e.PROCESSOR_STATE_ENTRY_MAX_BYTES,
      fetchMaxBytesPerPartition: e.PROCESSOR_FETCH_MAX_BYTES_PER_PARTITION,
      producerClient: e.PROCESSOR_PRODUCER_CLIENT,
      metrics: { host: e.PROCESSOR_METRICS_HOST, port: e.PROCESSOR_METRICS_PORT },
      supervisor: { backoffBaseMs: e.PROCESSOR_RESTART_BACKOFF_BASE_MS, backoffMaxMs: e.PROCESSOR_RESTART_BACKOFF_MAX_MS },
      reprocess: { enabled: e.PROCESSOR_REPROCESS, leadInMs: e.REPROCESS_LEAD_IN_MS, chunkMs: e.REPROCESS_CHUNK_MS, maxRequestsPerRun: e.REPROCESS_MAX_REQUESTS },
    },
    time: { sessionMaxIdleMs: e.SESSION_MAX_IDLE_MS, maxEventAgeMs: e.EVENT_MAX_AGE_MS, maxEventLeadMs: e.EVENT_MAX_LEAD_MS, maxClockLeadMs: e.CLOCK_MAX_LEAD_MS },
    http: {
      host: e.HTTP_HOST,
      port: e.HTTP_PORT,
      maxConcurrentQueries: e.HTTP_MAX_CONCURRENT_QUERIES,
      maxQueuedQueries: e.HTTP_MAX_QUEUED_QUERIES,
      maxQueryDays: e.HTTP_MAX_QUERY_DAYS,
      queryTimeoutMs: e.HTTP_QUERY_TIMEOUT_MS,
      answerCacheBytes: e.HTTP_ANSWER_CACHE_MB * 1_048_576,
      sseMaxClients: e.HTTP_SSE_MAX_CLIENTS,
      sseHeartbeatMs: e.HTTP_SSE_HEARTBEAT_MS,
      reconcileGraceMs: e.AGENT_STATUS_RECONCILE_GRACE_MS,
      allowedHosts: e.HTTP_ALLOWED_HOSTS,
      corsOrigins: e.HTTP_CORS_ORIGINS,
      tokens: parseApiTokens(e.API_TOKENS_FILE),
      allowUnauthenticated: e.API_ALLOW_UNAUTHENTICATED,
    },
    sinch: { tenants: parseTenantList('SINCH_TENANTS', e.SINCH_TENANTS, e.SINCH_TENANTS_FILE, sinchTenantsSchema, env) },
    evoVoice: { tenants: parseTenantList('EVO_VOICE_TENANTS', e.EVO_VOICE_TENANTS, e.EVO_VOICE_TENANTS_FILE, evoVoiceTenantsSchema, env) },
    thulium: { tenants: parseTenantList('THULIUM_TENANTS', e.THULIUM_TENANTS, e.THULIUM_TENANTS_FILE, thuliumTenantsSchema, env) },
    hostedSuite: { tenants: hostedSuiteTenants(parseTenantList('HOSTEDSUITE_TENANTS', e.HOSTEDSUITE_TENANTS, e.HOSTEDSUITE_TENANTS_FILE, hostedSuiteTenantsSchema, env), e.ALLOWED_LATENESS_MS + e.CORRECTION_HORIZON_MS) },
    alerts: { rulesFile: e.ALERT_RULES_FILE, rules: parseAlertRules(e.ALERT_RULES_FILE), groupId: `${e.PROCESSOR_GROUP_ID}.alerts`, tickMs: e.ALERT_TICK_MS,
      redisSink: e.ALERT_REDIS_SINK,
      webhook: e.ALERT_WEBHOOK_URL === undefined ? null : { url: e.ALERT_WEBHOOK_URL, token: e.ALERT_WEBHOOK_TOKEN, timeoutMs: e.ALERT_WEBHOOK_TIMEOUT_MS, maxAttempts: e.ALERT_WEBHOOK_MAX_ATTEMPTS },
      metrics: { host: e.ALERTS_METRICS_HOST, port: e.ALERTS_METRICS_PORT },
    },
    poller: { metrics: { host: e.POLLER_METRICS_HOST, port: e.POLLER_METRICS_PORT } },
  };
}

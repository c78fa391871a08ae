import { z } from 'zod';
import { httpUrl } from './tenant-schemas.ts';

export { evoVoiceTenantSchema, evoVoiceTenantsSchema, hostedSuiteTenantSchema, hostedSuiteTenantsSchema, sinchTenantSchema, sinchTenantsSchema, thuliumTenantSchema, thuliumTenantsSchema } from './tenant-schemas.ts';
export type { EvoVoiceTenantInput, HostedSuiteTenantInput, SinchTenantInput, ThuliumTenantInput } from './tenant-schemas.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be one of true, false, 1, 0, yes, no' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number({ error: 'must be a port number' }).int().min(1).max(65535);

const brokerList = z
  .string()
  .transform((value) => value.split(',').map((broker) => broker.trim()).filter((broker) => broker.length > 0))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'needs at least one host:port'),
  );

/** The vendor sources the timeline processor can take in (docs/processor.md "Sources"). */
/** `thulium-reports` takes the work report (statistics), `thulium-statuses` the sampled statuses (timeline). */
export const PROCESSOR_SOURCE_IDS = ['sinch-rai', 'evo-voice', 'thulium-reports', 'thulium-statuses', 'hostedsuite'] as const;
export type ProcessorSourceId = (typeof PROCESSOR_SOURCE_IDS)[number];


/** The canonical IANA name of `zone` (Intl's spelling), or undefined when it names no zone. */
function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const commaList = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

/** A browser origin: scheme, host and optional port, nothing else. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](?::\d{1,5})?$/i;
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });

/** Seed nodes of a Redis Cluster: the client discovers the rest (docs/redis.md, Redis Cluster). */
const redisNodeList = z
  .string()
  .transform((value) => value.split(',').map((node) => node.trim()).filter((node) => node.length > 0))
  .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each node must be host:port')).min(1, 'needs at least one host:port'));

/**
 * The whole process environment that agent-timelines reads, with every default declared here and nowhere else.
 * Parsed once at start-up by {@link parseConfig}.
 */
export const envSchema = z.object({
  KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('agent-timelines'),
  KAFKA_SSL: booleanFlag.default(false),
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  SCHEMA_REGISTRY_URL: httpUrl.default('http://127.0.0.1:8081/apis/ccompat/v7'),
  SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_TLS: booleanFlag.default(false),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: redisNodeList.optional(),
  REDIS_KEY_PREFIX: z.string().regex(/^[^{}]*$/, 'must not contain "{" or "}" (the store puts Redis Cluster hash tags in its keys)').default('at:'),
  REDIS_DAY_ZONES: commaList
    .pipe(z.array(z.string().transform((zone, ctx) => {
      const canonical = canonicalZone(zone);
      if (canonical === undefined) {
        ctx.addIssue({ code: 'custom', message: `'${zone}' is not an IANA time zone (such as Europe/Helsinki)` });
        return z.NEVER;
      }
      return canonical;
    })).refine((zones) => new Set(zones).size === zones.length, 'lists a zone twice'))
    .default(['UTC']),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'may only contain letters, digits, ".", "_" and "-"')
    .default('agent-timelines.'),
  TENANT: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"').default('default'),
  PROCESSOR_GROUP_ID: z.string().min(1).default('agent-timelines-processor'),
  ALLOWED_LATENESS_MS: z.coerce.number().int().min(0).default(120_000),
  CORRECTION_HORIZON_MS: z.coerce.number().int().min(0).default(21_600_000),
  SESSION_MAX_IDLE_MS: z.coerce.number().int().min(60_000).default(86_400_000),
  EVENT_MAX_AGE_MS: z.coerce.number().int().min(3_600_000).default(31_622_400_000),
  EVENT_MAX_LEAD_MS: z.coerce.number().int().min(0).default(3_600_000),
  CLOCK_MAX_LEAD_MS: z.coerce.number().int().min(0).default(300_000),
  PROCESSOR_INSTANCE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/, 'may only contain letters, digits, ".", "_" and "-"').optional(),
  PROCESSOR_WATERMARK_SOURCE: z.string().min(1).default('sinch-rai/agentStatusHistory'),
  PROCESSOR_SOURCES: z
    .string()
    .transform((value) => value.split(',').map((source) => source.trim()).filter((source) => source.length > 0))
    .pipe(
      z
        .array(z.enum(PROCESSOR_SOURCE_IDS, { error: `each source must be one of ${PROCESSOR_SOURCE_IDS.join(', ')}` }))
        .min(1, 'needs at least one source')
        .refine((sources) => new Set(sources).size === sources.length, 'lists a source twice'),
    )
    .default(['sinch-rai']),
  PROCESSOR_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  PROCESSOR_TICK_MS: z.coerce.number().int().min(10).default(250),
  PROCESSOR_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  PROCESSOR_STATE_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  PROCESSOR_FETCH_MAX_BYTES_PER_PARTITION: z.coerce.number().int().min(65_536).max(134_217_728).default(8_388_608),
  PROCESSOR_PRODUCER_CLIENT: z.enum(['kafkajs', 'platformatic']).default('platformatic'),
  PROCESSOR_REDIS_SINK: booleanFlag.default(true),
  PROCESSOR_SCHEMA_NOT_FOUND_TTL_MS: z.coerce.number().int().min(1_000).default(300_000),
  PROCESSOR_REDIS_SINK_CHECK_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  PROCESSOR_STATE_ENTRY_MAX_BYTES: z.coerce.number().int().min(65_536).max(268_435_456).default(16_777_216),
  PROCESSOR_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  POLLER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  POLLER_METRICS_PORT: z.coerce.number({ error: 'must be a port number, or 0 to disable' }).int().min(0).max(65535).default(9465),
  PROCESSOR_RESTART_BACKOFF_BASE_MS: z.coerce.number().int().min(10).default(1_000),
  PROCESSOR_RESTART_BACKOFF_MAX_MS: z.coerce.number().int().min(10).default(30_000),
  PROCESSOR_REPROCESS: booleanFlag.default(true),
  REPROCESS_LEAD_IN_MS: z.coerce.number().int().min(0).default(86_400_000),
  REPROCESS_CHUNK_MS: z.coerce.number().int().min(900_000).refine((ms) => ms % 900_000 === 0, 'must be a whole number of quarter-hours (900000 ms)').default(86_400_000),
  REPROCESS_MAX_REQUESTS: z.coerce.number().int().min(1).max(100_000).default(1000),
  PROCESSOR_METRICS_PORT: z.coerce.number({ error: 'must be a port number, or 0 to disable' }).int().min(0).max(65535).default(9464),
  REDIS_RETENTION_MS: z.coerce.number().int().min(60_000).default(3_024_000_000),
  REDIS_CHANGE_FEED_MAXLEN: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  HTTP_MAX_CONCURRENT_QUERIES: z.coerce.number().int().min(1).default(2),
  HTTP_MAX_QUEUED_QUERIES: z.coerce.number().int().min(0).default(32),
  HTTP_MAX_QUERY_DAYS: z.coerce.number().int().min(1).max(366).default(31),
  HTTP_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  HTTP_SSE_MAX_CLIENTS: z.coerce.number().int().min(1).max(100_000).default(200),
  HTTP_SSE_HEARTBEAT_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
  AGENT_STATUS_RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(300_000),
  HTTP_ANSWER_CACHE_MB: z.coerce.number().int().min(0).max(65_536).default(64),
  HTTP_ALLOWED_HOSTS: commaList.pipe(z.array(z.string().regex(/^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i, 'each entry must be a host name or address, optionally with :port')).min(1, 'needs at least one host')).optional(),
  HTTP_CORS_ORIGINS: commaList.pipe(z.array(z.string().regex(ORIGIN, 'each entry must be an origin such as https://app.example.com')).min(1, 'needs at least one origin')).optional(),
  API_TOKENS_FILE: z.string().min(1).optional(),
  ALERT_RULES_FILE: z.string().min(1).optional(),
  ALERT_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  ALERT_WEBHOOK_URL: httpUrl.optional(),
  ALERT_WEBHOOK_TOKEN: z.string().min(1).optional(),
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  ALERT_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  ALERT_REDIS_SINK: booleanFlag.default(true),
  ALERTS_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ALERTS_METRICS_PORT: z.coerce.number({ error: 'must be a port number, or 0 to disable' }).int().min(0).max(65535).default(9466),
  API_ALLOW_UNAUTHENTICATED: booleanFlag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'text'], { error: 'must be json or text' }).default('json'),
  SINCH_TENANTS: z.string().min(1).optional(),
  SINCH_TENANTS_FILE: z.string().min(1).optional(),
  EVO_VOICE_TENANTS: z.string().min(1).optional(),
  EVO_VOICE_TENANTS_FILE: z.string().min(1).optional(),
  THULIUM_TENANTS: z.string().min(1).optional(),
  THULIUM_TENANTS_FILE: z.string().min(1).optional(),
  HOSTEDSUITE_TENANTS: z.string().min(1).optional(),
  HOSTEDSUITE_TENANTS_FILE: z.string().min(1).optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Rights a token can hold besides reading its tenants' data: `metrics` (GET /metrics), `ready` (GET /readyz). */
export const API_TOKEN_SCOPES = ['metrics', 'ready'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * One API client (an element of the API_TOKENS_FILE list): its name (for logs), the hex SHA-256 of its bearer token
 * (the token itself is never stored), the tenants whose data it reads (`"*"`: every tenant) and its extra scopes.
 */
export const apiTokenSchema = z
  .object({
    name: z.string().regex(/^[\w.@-]{1,100}$/, 'must be 1-100 letters, digits, "_", ".", "@" or "-"'),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be the hex SHA-256 of the token (64 hex digits), never the token itself')
      .transform((hash) => hash.toLowerCase()),
    tenants: z.array(z.union([z.literal('*'), z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'each tenant must be "*" or 1-64 letters, digits, "_" or "-"')])),
    scopes: z.array(z.enum(API_TOKEN_SCOPES, { error: `each scope must be one of ${API_TOKEN_SCOPES.join(', ')}` })).default([]),
  })
  .strict();

export const apiTokensSchema = z
  .array(apiTokenSchema)
  .min(1, 'needs at least one token')
  .superRefine((tokens, ctx) => {
    const names = new Set<string>();
    const hashes = new Set<string>();
    tokens.forEach((token, index) => {
      if (names.has(token.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate token name ${token.name}` });
      if (hashes.has(token.sha256)) ctx.addIssue({ code: 'custom', path: [index, 'sha256'], message: 'the same hash is listed twice' });
      names.add(token.name);
      hashes.add(token.sha256);
    });
  });

export type ApiToken = z.infer<typeof apiTokenSchema>;
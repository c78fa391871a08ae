import { z } from 'zod';

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

/** An http(s) URL without user name or password in it: credentials have their own settings and never sit in a URL. */
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), 'must not contain credentials (user:password@): give them in the credentials settings');

const commaList = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

/** A browser origin: scheme, host and optional port, nothing else. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](?::\d{1,5})?$/i;
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });

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
  REDIS_KEY_PREFIX: z.string().default('at:'),
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
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(8080),
  HTTP_MAX_CONCURRENT_QUERIES: z.coerce.number().int().min(1).default(2),
  HTTP_MAX_QUEUED_QUERIES: z.coerce.number().int().min(0).default(32),
  HTTP_MAX_QUERY_DAYS: z.coerce.number().int().min(1).max(366).default(31),
  HTTP_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  HTTP_ALLOWED_HOSTS: commaList.pipe(z.array(z.string().regex(/^[a-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i, 'each entry must be a host name or address, optionally with :port')).min(1, 'needs at least one host')).optional(),
  HTTP_CORS_ORIGINS: commaList.pipe(z.array(z.string().regex(ORIGIN, 'each entry must be an origin such as https://app.example.com')).min(1, 'needs at least one origin')).optional(),
  API_TOKENS_FILE: z.string().min(1).optional(),
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

const durationMs = (min: number) => z.number({ error: 'must be a number of milliseconds' }).int().min(min);

/** A tenant id, as every vendor's tenant list spells it. */
const TENANT_ID = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"');

/** The secret of a vendor login: inline, or the name of the environment variable that holds it (exactly one). */
const PASSWORD_FIELDS = {
  password: z.string().min(1).optional(),
  passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable').optional(),
};
const exactlyOnePassword = (c: { password?: string | undefined; passwordEnv?: string | undefined }): boolean => (c.password === undefined) !== (c.passwordEnv === undefined);

/** How every vendor client calls its API: per-request timeout, retries with backoff, and the tenant's token bucket. */
const VENDOR_REQUEST_SETTINGS = {
  requestTimeoutMs: durationMs(100).default(30_000),
  maxAttempts: z.number().int().min(1).max(50).default(6),
  backoffBaseMs: durationMs(1).default(500),
  backoffMaxMs: durationMs(1).default(30_000),
  rateLimitPerSecond: z.number().positive().default(5),
  rateLimitBurst: z.number().int().min(1).default(10),
};

/**
 * One Sinch RAI vendor instance the pollers read (an element of SINCH_TENANTS or SINCH_TENANTS_FILE), with every
 * poller default declared here. Secrets stay under `credentials`, which the logger redacts.
 */
export const sinchTenantSchema = z
  .object({
    id: TENANT_ID,
    baseUrl: httpUrl,
    credentials: z
      .object({
        username: z.string().min(1),
        ...PASSWORD_FIELDS,
      })
      .refine(exactlyOnePassword, 'give exactly one of password or passwordEnv'),
    endpoints: z.array(z.enum(['agentStatusHistory', 'contacts', 'agentStatus'])).min(1).default(['agentStatusHistory', 'contacts', 'agentStatus']),
    pollIntervalMs: durationMs(100).default(15_000),
    contactPollIntervalMs: durationMs(100).default(60_000),
    agentStatusIntervalMs: durationMs(100).default(30_000),
    overlapMs: durationMs(0).default(600_000),
    safetyLagMs: durationMs(0).default(60_000),
    maxRangeMs: durationMs(1).default(3_600_000),
    initialLookbackMs: durationMs(0).default(3_600_000),
    startAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
    pageSize: z.number().int().min(1).max(10_000, 'the API returns at most 10000 rows per query').default(1000),
    ...VENDOR_REQUEST_SETTINGS,
  })
  .strict();

/** A list of tenants whose ids are unique. */
function tenantList<T extends z.ZodType<{ id: string }>>(tenant: T) {
  return z.array(tenant).superRefine((tenants, ctx) => {
    const seen = new Set<string>();
    tenants.forEach((t, index) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate tenant id ${t.id}` });
      seen.add(t.id);
    });
  });
}

export const sinchTenantsSchema = tenantList(sinchTenantSchema);

export type SinchTenantInput = z.infer<typeof sinchTenantSchema>;

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone === 'UTC' || zone.includes('/');
  } catch {
    return false;
  }
}

/**
 * One Evo Voice account the report pollers read (an element of EVO_VOICE_TENANTS or EVO_VOICE_TENANTS_FILE), with
 * every poller default declared here (docs/pollers.md, "Evo Voice"). Secrets stay under `credentials`.
 */
export const evoVoiceTenantSchema = z
  .object({
    id: TENANT_ID,
    baseUrl: httpUrl,
    accountId: z.string().min(1),
    credentials: z
      .object({
        username: z.string().min(1),
        ...PASSWORD_FIELDS,
      })
      .refine(exactlyOnePassword, 'give exactly one of password or passwordEnv'),
    timeZoneId: z.string().refine(isIanaZone, 'must be an IANA time zone id such as Europe/Helsinki, or UTC').default('UTC'),
    windowMs: durationMs(60_000).max(31 * 86_400_000, 'a report covers at most 31 days').default(3_600_000),
    safetyLagMs: durationMs(0).default(300_000),
    startAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
    initialLookbackMs: durationMs(0).default(3_600_000),
    pollIntervalMs: durationMs(100).default(30_000),
    jobPollInitialMs: durationMs(10).default(1_000),
    jobPollMaxMs: durationMs(10).default(30_000),
    maxWaitForJobMs: durationMs(1_000).default(900_000),
    maxDownloadAttempts: z.number().int().min(1).max(20).default(3),
    dedupHorizonMs: durationMs(0).default(86_400_000),
    cleanupOrphans: z.boolean().default(true),
    cleanupIntervalMs: durationMs(1_000).default(3_600_000),
    billing: z.object({ enabled: z.boolean().default(true), includeCustomerIds: z.boolean().default(true) }).strict().default({ enabled: true, includeCustomerIds: true }),
    webhook: z
      .object({
        enabled: z.boolean().default(false),
        publicBaseUrl: httpUrl.optional(),
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(9466),
      })
      .strict()
      .refine((w) => !w.enabled || w.publicBaseUrl !== undefined, 'publicBaseUrl is required when the webhook is enabled')
      .default({ enabled: false, host: '127.0.0.1', port: 9466 }),
    requestTimeoutMs: durationMs(100).default(30_000),
    downloadTimeoutMs: durationMs(100).default(300_000),
    maxDownloadBytes: z.number().int().min(1024).default(64 * 1024 * 1024),
    maxAttempts: z.number().int().min(1).max(50).default(6),
    backoffBaseMs: durationMs(1).default(500),
    backoffMaxMs: durationMs(1).default(30_000),
    rateLimitPerSecond: z.number().positive().default(5),
    rateLimitBurst: z.number().int().min(1).default(10),
  })
  .strict();

export const evoVoiceTenantsSchema = tenantList(evoVoiceTenantSchema);

export type EvoVoiceTenantInput = z.infer<typeof evoVoiceTenantSchema>;

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
const QUARTER_HOUR_MS = 900_000;

/**
 * One Thulium system the pollers read (an element of THULIUM_TENANTS or THULIUM_TENANTS_FILE), with every poller
 * default declared here (docs/pollers.md, "Thulium"). Whose work report: `logins`, else `groups`, else every group
 * `agents_groups` lists. Secrets stay under `credentials`.
 */
export const thuliumTenantSchema = z
  .object({
    id: TENANT_ID,
    baseUrl: httpUrl,
    credentials: z
      .object({
        username: z.string().min(1),
        ...PASSWORD_FIELDS,
      })
      .refine(exactlyOnePassword, 'give exactly one of password or passwordEnv'),
    timeZone: z.string().refine(isIanaZone, 'must be an IANA time zone id such as Europe/Warsaw, or UTC').default('Europe/Warsaw'),
    groups: z.array(z.number().int().min(0)).min(1).optional(),
    logins: z.array(z.string().min(1)).min(1).optional(),
    endpoints: z.array(z.enum(['agents-work-report', 'agent-statuses'])).min(1).default(['agents-work-report', 'agent-statuses']),
    chunkMs: durationMs(QUARTER_HOUR_MS).max(86_400_000, 'a chunk is at most one day').refine((ms) => ms % QUARTER_HOUR_MS === 0, 'must be a whole number of quarter-hours (900000 ms)').default(3_600_000),
    safetyLagMs: durationMs(0).default(300_000),
    startAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
    initialLookbackMs: durationMs(0).default(3_600_000),
    pollIntervalMs: durationMs(100).default(30_000),
    statusPollIntervalMs: durationMs(100).default(15_000),
    outboundThreshold: z.number().int().min(0).default(0),
    pageSize: z.number().int().min(1).max(100, 'agents_work_report serves at most 100 rows per page').default(100),
    ...VENDOR_REQUEST_SETTINGS,
  })
  .strict()
  .refine((t) => t.groups === undefined || t.logins === undefined, { message: 'give groups or logins, not both', path: ['logins'] });

export const thuliumTenantsSchema = tenantList(thuliumTenantSchema);

export type ThuliumTenantInput = z.infer<typeof thuliumTenantSchema>;

/**
 * One HostedSuite customer the call-record poller reads (an element of HOSTEDSUITE_TENANTS or
 * HOSTEDSUITE_TENANTS_FILE), with every poller default declared here (docs/pollers.md, "HostedSuite"). The v2 API
 * takes CustomerName, UserName and Password in each request body; secrets stay under `credentials`.
 */
export const hostedSuiteTenantSchema = z
  .object({
    id: TENANT_ID,
    baseUrl: httpUrl,
    credentials: z
      .object({
        customerName: z.string().min(1),
        username: z.string().min(1),
        ...PASSWORD_FIELDS,
      })
      .refine(exactlyOnePassword, 'give exactly one of password or passwordEnv'),
    timeZone: z.string().refine(isIanaZone, 'must be an IANA time zone id such as America/Chicago, or UTC').default('America/Chicago'),
    /** AnsweredBy spelling → agent key, for operators the API names in more than one way. */
    agentAliases: z.record(z.string().min(1), z.string().min(1)).default({}),
    pollIntervalMs: durationMs(100).default(60_000),
    /** The trailing window re-polled on every poll, so later WorkTime updates are caught; at most ALLOWED_LATENESS_MS + CORRECTION_HORIZON_MS (config.ts refuses more). */
    overlapMs: durationMs(0).default(7_200_000),
    safetyLagMs: durationMs(0).default(300_000),
    maxRangeMs: durationMs(1_000).default(3_600_000),
    initialLookbackMs: durationMs(0).default(3_600_000),
    startAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' }).optional(),
    pageSize: z.number().int().min(1).max(1000, 'the API serves at most 1000 records per page').default(500),
    ...VENDOR_REQUEST_SETTINGS,
  })
  .strict();

export const hostedSuiteTenantsSchema = tenantList(hostedSuiteTenantSchema);

export type HostedSuiteTenantInput = z.infer<typeof hostedSuiteTenantSchema>;

import { z } from 'zod';

/**
 * The vendor tenants the pollers read (SINCH_TENANTS, EVO_VOICE_TENANTS, THULIUM_TENANTS, HOSTEDSUITE_TENANTS and
 * their _FILE variants), one zod schema per vendor with every default declared here; config-schema.ts re-exports them.
 */

/** An http(s) URL without user name or password in it: credentials have their own settings and never sit in a URL. */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''), 'must not contain credentials (user:password@): give them in the credentials settings');

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

import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ApiToken } from '../config/config-schema.ts';
import type { AlertRule } from '../core/alerts/alert-rule.ts';
import type { AlertStore } from '../state/alert-store.ts';
import type { BillingStore } from '../state/billing-store.ts';
import type { ChangeFeedSource } from './live/feed-hub.ts';
import type { LiveAgentStore } from '../state/live-agent-store.ts';
import type { TimelineStoreReader } from '../state/timeline-store-reader.ts';
import type { QueryAdmissionLimits } from './query-admission.ts';

/**
 * The read side the API needs (the Redis {@link TimelineStoreReader} in production). Without `readAnswerBasis`, the
 * statistic routes read completeness and data revision with `getCompleteness` and `readDataRevision`.
 */
export type TimelineReader = Pick<TimelineStoreReader, 'readQuarterHours' | 'readDays' | 'readDataRevision' | 'oldestWholeDay' | 'readAgentStates' | 'readTimeline' | 'getCompleteness' | 'reportMissingRows' | 'getAgentDirectory'>
  & Partial<Pick<TimelineStoreReader, 'readAnswerBasis'>>;

/**
 * One dependency /readyz checks. `check` resolves when the dependency is usable and rejects (with a message
 * naming what is wrong) when not; it is called once per /readyz request and abandoned after the probe timeout.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

/** Everything {@link buildServer} needs; nothing is read from the environment or the global registry. */
export interface ServerDeps {
  readonly reader: TimelineReader;
  /** The Evo Voice billing rows (GET /billing); without it the route answers 404. */
  readonly billing?: Pick<BillingStore, 'read'>;
  /**
   * The live agent data (snapshots and active contacts) /agentStatus adds to the timeline state; without it the
   * reporting group, agent info and active contacts are null and `reportingGroupId` is refused.
   */
  readonly liveAgents?: Pick<LiveAgentStore, 'read'>;
  /** AGENT_STATUS_RECONCILE_GRACE_MS: how long a snapshot may disagree with the history before /agentStatus serves the snapshot's view; default 300000. */
  readonly reconcileGraceMs?: number;
  /** Current time in epoch ms (time in state, default endTime). */
  readonly clock: () => number;
  readonly probes: readonly ReadinessProbe[];
  /** Receives the HTTP request histogram and, unless disabled, the default process metrics; served on /metrics. */
  readonly registry: Registry;
  readonly logger: Logger;
  /** The tenant read when a request has no `tenant` parameter (config TENANT). */
  readonly tenant: string;
  /** The processor's allowed lateness (config ALLOWED_LATENESS_MS): completeness = watermark − lateness. */
  readonly allowedLatenessMs: number;
  /**
   * Tenant → IANA zone configured for it: the default zone of /api/agents_work_report (Europe/Warsaw for a tenant
   * not listed).
   */
  readonly tenantTimeZones?: Readonly<Record<string, string>>;
  /** Per-probe timeout of /readyz; default 2000. */
  readonly probeTimeoutMs?: number;
  /** Bounds on statistic store queries in flight (/agentStatistic and /api/agents_work_report together); default 2 concurrent, 32 queued. */
  readonly queryAdmission?: QueryAdmissionLimits;
  /** Register prom-client's default process metrics on `registry` (once); default true. */
  readonly collectDefaultMetrics?: boolean;
  /** Who may read what (docs/http-api.md, "Security"); default: no authentication, any Host, no CORS. */
  readonly security?: ServerSecurity;
  /** Size bound of the cache of finished /agentStatistic answers in bytes (config HTTP_ANSWER_CACHE_MB); default 0: no cache. */
  readonly answerCacheBytes?: number;
  /** The tenants' change feeds (docs/redis.md, "Change feed"); without it GET /board/events answers 404. */
  readonly changeFeed?: ChangeFeedSource;
  /** Bounds of the live event streams; defaults: 200 clients (HTTP_SSE_MAX_CLIENTS), a heartbeat every 15 s. */
  readonly live?: LiveLimits;
  /** Bounds on one data request; defaults in {@link DEFAULT_REQUEST_LIMITS}. */
  readonly requestLimits?: Partial<RequestLimits>;
  /**
   * The firing alerts the alert sink keeps (docs/alerts.md): GET /alerts and the board's snapshot read them; without
   * it GET /alerts answers 404 and the snapshot's `alerts` is null.
   */
  readonly alerts?: Pick<AlertStore, 'readFiring'>;
  /** Tenant → its alert rules (config ALERT_RULES_FILE), listed by GET /alerts/rules; default none. */
  readonly alertRules?: ReadonlyMap<string, readonly AlertRule[]>;
}

/** Authentication, Host check and browser access of the API. */
export interface ServerSecurity {
  /** The API clients (config API_TOKENS_FILE); null or absent: no authentication. */
  readonly tokens?: readonly ApiToken[] | null;
  /** Host header values answered; others get 421. Absent: any. */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Browser origins allowed to call the API (CORS). Absent: no CORS headers, so browsers keep other origins out. */
  readonly corsOrigins?: readonly string[] | undefined;
}

/** Bounds of GET /board/events. */
export interface LiveLimits {
  /** Event streams this process serves at once; one more is answered 503 (HTTP_SSE_MAX_CLIENTS). */
  readonly maxClients?: number;
  /** Heartbeat period of every stream (HTTP_SSE_HEARTBEAT_MS). */
  readonly heartbeatMs?: number;
  /** How long one XREAD BLOCK of a feed loop waits; default 5000. */
  readonly blockMs?: number;
}

/** The documented maximum of one request (docs/http-api.md, "Limits"). */
export interface RequestLimits {
  /** The longest startTime–endTime range of /agentStatistic and /agents/{userId}/timeline, in days. */
  readonly maxQueryDays: number;
  /** How long a data query may take, waiting for admission included, before it is answered 503. */
  readonly queryTimeoutMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxQueryDays: 31, queryTimeoutMs: 30_000 };

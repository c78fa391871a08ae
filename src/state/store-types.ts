import type { WindowStatus } from '../core/engine/engine-types.ts';
import type { SourceId } from '../core/source/source-id.ts';
import type { PublishedMetrics } from '../core/statistic/published-metrics.ts';

/** A quarter-hour row as on out.agent-statistic-quarter-hour (epoch ms times; null metrics the source cannot supply). */
export interface QuarterHourRow extends PublishedMetrics {
  tenant: string;
  source: SourceId;
  userId: string;
  userName: string;
  intervalStart: number;
  intervalEnd: number;
  revision: number;
  status: WindowStatus;
  final: boolean;
  maxChangeTimestamp: number;
  /** Vendor figures without an agentStatistic field (Avro `extraFields`); absent in rows written before it. */
  extraFields?: Record<string, number>;
  /** The agentHistory breakdown (Avro `breakdown`); absent or empty: unknown (rows written before it). */
  breakdown?: HistoryPartRow[];
}

/** One part of a quarter-hour's agentHistory breakdown as on the topic: its dimensions and metrics (history-part.ts). */
export interface HistoryPartRow extends PublishedMetrics {
  profile: string | null;
  profileReason: string | null;
  campaignId: string | null;
}

/** A timeline segment as on out.timeline-segments. */
export interface SegmentRow {
  tenant: string;
  source: SourceId;
  userId: string;
  userName: string;
  sessionId: string;
  start: number;
  end: number;
  userStatus: string;
  handlingStatus: string;
  profile: string | null;
  profileReason: string | null;
  profileType: string | null;
  campaignId: string | null;
  revision: number;
  /** True for a sampled timeline (Thulium); absent in rows written before it (false). */
  sampled?: boolean;
}

/** An agent's current state as on out.agent-state. */
export interface AgentStateRow {
  tenant: string;
  source: SourceId;
  userId: string;
  userName: string;
  sessionId: string | null;
  loggedIn: boolean;
  userStatus: string | null;
  handlingStatus: string | null;
  profile: string | null;
  profileReason: string | null;
  campaignId: string | null;
  userStatusSince: number | null;
  handlingStatusSince: number | null;
  asOf: number;
  /** True for a sampled timeline (Thulium); absent in rows written before it (false). */
  sampled?: boolean;
}

export type StoreWrite =
  | { readonly kind: 'quarterHour'; readonly row: QuarterHourRow }
  | { readonly kind: 'segment'; readonly segment: SegmentRow }
  | { readonly kind: 'agentState'; readonly state: AgentStateRow };

/** How complete a tenant's data is: the lowest watermark applied over all input partitions. */
export interface Completeness {
  /** Epoch ms; null until every input partition applied a watermark. */
  readonly upTo: number | null;
  readonly partitions: Readonly<Record<string, number>>;
  readonly expectedPartitions: number | null;
}

/** What one processor instance last reported about its partitions (key `processor:{p:<groupId>}:<instanceId>`). */
export interface ProcessorReadinessRecord {
  readonly groupId: string;
  readonly instanceId: string;
  /** Input partitions of the raw topic assigned to the instance, ascending. */
  readonly assigned: readonly number[];
  /** The assigned partitions whose state is restored from the changelog and which are processing. */
  readonly restored: readonly number[];
  /** Partition → milliseconds its last restore took. */
  readonly restoreMs: Readonly<Record<string, number>>;
  /**
   * Tenant → the assigned partitions on which the instance holds a committed watermark of the tenant (applied since
   * start or restored from the changelog), ascending. Absent in records of instances older than this field.
   */
  readonly watermarked?: Readonly<Record<string, readonly number[]>>;
  /** Partition count of the raw input topic, as the instance saw it at start. */
  readonly expectedPartitions: number;
  readonly startedAt: number;
  readonly updatedAt: number;
}

/** The readiness of a processor group, summed over the instances whose records have not expired. */
export interface ProcessorReadiness {
  readonly instances: readonly ProcessorReadinessRecord[];
  /** Distinct partitions assigned to some live instance. */
  readonly assigned: number;
  /** Distinct assigned partitions restored by every live instance that claims them. */
  readonly restored: number;
  /** The raw topic's partition count; null when no instance reported. */
  readonly expectedPartitions: number | null;
  /** Tenant → distinct partitions on which some live instance holds a committed watermark of the tenant. */
  readonly watermarked: Readonly<Record<string, number>>;
}

/** What one Redis sink instance last reported (key `sink:{sinks}:<instanceId>`, docs/redis.md). */
export interface SinkProgressRecord {
  readonly instanceId: string;
  /** The data epoch the instance writes in. */
  readonly epoch: string;
  /** Output partitions (`topic|partition`) assigned to the instance. */
  readonly assigned: readonly string[];
  /** Output partitions whose committed records, up to when `watermarks` were read, are all in Redis in `epoch`. */
  readonly covered: readonly string[];
  /** Partition count over all output topics. */
  readonly expectedPartitions: number;
  /** tenant → the processor watermark (lowest over input partitions) whose rows `covered` holds. */
  readonly watermarks: Readonly<Record<string, number>>;
  /** When `watermarks` were read (epoch ms); null while nothing is covered (the instance is rebuilding). */
  readonly coveredAt: number | null;
  readonly updatedAt: number;
}

/** Why an answer from the store is not known to be complete (the `X-Data-Incomplete` header). */
export type IncompleteReason = 'rebuilding' | 'no-sink' | 'no-watermark' | 'rows-missing';

export interface Incompleteness {
  readonly reason: IncompleteReason;
  readonly detail: string;
}

/**
 * How complete the store is for a tenant. `upTo` is the watermark the Redis sink has confirmed, that is whose rows
 * are all in Redis; `partitions` and `expectedPartitions` are the processor's own watermarks, which can be ahead.
 */
export interface StoreCompleteness extends Completeness {
  /** The data epoch the answer was read in; null when Redis has none. */
  readonly epoch: string | null;
  /** Null when every committed output up to `upTo` is in Redis; else why not (`upTo` is then null). */
  readonly incomplete: Incompleteness | null;
}

/** Rows read through an index, and how many index entries had no row although it should still exist. */
export interface StoreRows<T> {
  readonly rows: T[];
  readonly missing: number;
}

import type { WindowStatus } from '../core/engine/engine-types.ts';
import type { AgentMetrics } from '../core/statistic/agent-statistic-fields.ts';

/** A quarter-hour row as on out.agent-statistic-quarter-hour (epoch ms times). */
export interface QuarterHourRow extends AgentMetrics {
  tenant: string;
  userId: string;
  userName: string;
  intervalStart: number;
  intervalEnd: number;
  revision: number;
  status: WindowStatus;
  final: boolean;
  maxChangeTimestamp: number;
}

/** A timeline segment as on out.timeline-segments. */
export interface SegmentRow {
  tenant: string;
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
}

/** An agent's current state as on out.agent-state. */
export interface AgentStateRow {
  tenant: string;
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

/** What one processor instance last reported about its partitions (key `processor:{groupId}:{instanceId}`). */
export interface ProcessorReadinessRecord {
  readonly groupId: string;
  readonly instanceId: string;
  /** Input partitions of the raw topic assigned to the instance, ascending. */
  readonly assigned: readonly number[];
  /** The assigned partitions whose state is restored from the changelog and which are processing. */
  readonly restored: readonly number[];
  /** Partition → milliseconds its last restore took. */
  readonly restoreMs: Readonly<Record<string, number>>;
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
}

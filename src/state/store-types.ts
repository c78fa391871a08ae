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

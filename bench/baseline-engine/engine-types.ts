import type { AgentEvent } from '../../src/core/events/agent-event.ts';
import type { UserIdentity } from '../../src/core/events/user-identity.ts';
import type { SessionState } from '../../src/core/session/session-state.ts';
import type { AgentMetrics } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { CurrentAgentState } from '../../src/core/timeline/current-agent-state.ts';
import type { ClosedSegment, TimelineSegment } from '../../src/core/timeline/timeline-segment.ts';

export interface EngineConfig {
  /** How long after a window's end it stays provisional; default 120000. */
  allowedLatenessMs: number;
  /** Events older than watermark − lateness − horizon are rejected 'too-late'. */
  correctionHorizonMs: number;
  tenant: string;
  /** How long an evicted session's end is remembered (to reject stragglers); default 86400000. */
  tombstoneRetentionMs?: number;
}

export type WindowStatus = 'provisional' | 'final' | 'correction';

export interface QuarterHourEmission {
  tenant: string;
  userId: string;
  userName: string;
  intervalStart: number;
  intervalEnd: number;
  revision: number;
  status: WindowStatus;
  metrics: AgentMetrics;
  maxChangeTimestamp: number;
}

export type EngineEmission =
  | { type: 'window'; window: QuarterHourEmission }
  | { type: 'segment'; segment: TimelineSegment }
  | { type: 'agentState'; state: CurrentAgentState };

/** What was last emitted for a (user, window). */
export interface WindowEmitted {
  revision: number;
  userName: string;
  status: WindowStatus;
  metrics: number[];
  maxChangeTime: number;
}

export interface WindowSnapshot {
  start: number;
  metrics: number[];
  emitted: WindowEmitted | null;
}

export interface UserSnapshot {
  userId: string;
  /** The name folded over the events before the checkpoint time. */
  identity: UserIdentity;
  baseMaxChange: number | null;
  /**
   * [eventTime, changeTime, userName] of accepted events at or after the checkpoint time. The name
   * is missing in snapshots written before names were tracked per window (restored as '').
   */
  marks: [number, number, string?][];
  windows: WindowSnapshot[];
}

/** A closed segment and what was last emitted for its start. */
export interface SegmentEntry {
  segment: ClosedSegment;
  revision: number;
  emitted: ClosedSegment | null;
}

export interface SessionSnapshot {
  sessionId: string;
  userId: string;
  checkpoint: SessionState;
  live: SessionState;
  log: AgentEvent[];
  applied: number;
  endEvent: AgentEvent | null;
  segments: SegmentEntry[];
  lastStateSignature: string | null;
}

/** Plain JSON engine state: JSON.stringify → JSON.parse → TimelineEngine.restore round-trips. */
export interface EngineSnapshot {
  version: 1;
  watermark: number | null;
  checkpointTime: number | null;
  rejected: Record<string, number>;
  users: UserSnapshot[];
  sessions: SessionSnapshot[];
  tombstones: [string, number][];
}

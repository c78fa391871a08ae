import type { DirectContactSnapshot } from '../direct/direct-contact-store.ts';
import type { AgentEvent } from '../events/agent-event.ts';
import type { UserIdentity } from '../events/user-identity.ts';
import type { SourceId } from '../source/source-id.ts';
import type { HistoryPart } from '../statistic/history-part.ts';
import type { PublishedMetrics } from '../statistic/published-metrics.ts';
import type { CurrentAgentState } from '../timeline/current-agent-state.ts';
import type { ClosedSegment, TimelineSegment } from '../timeline/timeline-segment.ts';
import type { CompactEvent } from './compact-event.ts';
import type { CompactSessionState } from './compact-session-state.ts';
import type { CompactSegmentEntry } from './compact-segment.ts';
import type { SNAPSHOT_VERSION } from './snapshot-format.ts';

export interface EngineConfig {
  /** How long after a window's end it stays provisional; default 120000. */
  allowedLatenessMs: number;
  /** Events older than watermark − lateness − horizon are rejected 'too-late'. */
  correctionHorizonMs: number;
  tenant: string;
  /** How long an evicted session's end is remembered (to reject stragglers); default 86400000. */
  tombstoneRetentionMs?: number;
  /** A session with no event for this long ends that long after its last event; default 86400000 (session-bounds.ts). */
  sessionMaxIdleMs?: number;
  /** Event times more than this before their record's changeTimestamp are rejected; default 366 days (time-limits.ts). */
  maxEventAgeMs?: number;
  /** Event times more than this after their record's changeTimestamp are rejected; default 3600000. */
  maxEventLeadMs?: number;
  /** `advanceWatermark(W, wallClockMs)` rejects W beyond wallClockMs + this; default 300000. */
  maxWatermarkLeadMs?: number;
  /**
   * True when the tenant's direct contacts are fed to the engine (Sinch RAI: its contactHistory is polled and routed,
   * docs/metrics.md "Direct contacts"): they are joined to the call runs and the Direct fields are known. Default
   * false: the Direct fields are published as null (unknown, not 0) and a direct contact is rejected `direct-contacts-off`.
   */
  directContacts?: boolean;
}

export type WindowStatus = 'provisional' | 'final' | 'correction';

export interface QuarterHourEmission {
  tenant: string;
  /** The source of the user's records; its profile decides which metrics are null. */
  source: SourceId;
  userId: string;
  userName: string;
  intervalStart: number;
  intervalEnd: number;
  revision: number;
  status: WindowStatus;
  /** Published values: null for a field the source cannot supply (core/statistic/published-metrics.ts). */
  metrics: PublishedMetrics;
  /** The agentHistory breakdown by profile and campaign (history-part.ts): parts with content, ordered by key, summing to `metrics`. */
  breakdown: HistoryPart[];
  maxChangeTimestamp: number;
  /** Vendor figures without an agentStatistic field, from a WindowReport (window-report.ts); absent when none. */
  extras?: Readonly<Record<string, number>>;
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
  /** The extras emitted (format 5; absent: none). */
  extras?: Record<string, number>;
  /** Format 6: the breakdown emitted, [part key, vector] (null: unknown, or nothing emitted). */
  parts: [string, number[]][] | null;
}

export interface WindowSnapshot {
  start: number;
  metrics: number[];
  emitted: WindowEmitted | null;
  /** Format 5: true when `metrics` is a vendor's WindowReport (absent: counted from state changes). */
  reported?: boolean;
  /** Format 5: the report's extras (absent: none). */
  extras?: Record<string, number>;
  /** Format 6: the agentHistory breakdown, [part key, vector] with content; null: unknown (restored from format 5 or a report). */
  parts: [string, number[]][] | null;
}

export interface UserSnapshot {
  userId: string;
  /** The source of the user's records (format version 4; older snapshots are Sinch RAI). */
  source: SourceId;
  /** The name folded over the events before the checkpoint time. */
  identity: UserIdentity;
  baseMaxChange: number | null;
  /**
   * [eventTime, changeTime, userName] of accepted events at or after the checkpoint time. Format 7 leaves the name
   * out where it equals the previous mark's (the first mark carries it); before 7, a missing name was '' (snapshots
   * written before names were tracked per window).
   */
  marks: [number, number, string?][];
  windows: WindowSnapshot[];
  /** Format 8: the user's direct contacts still joinable (direct-contact-store.ts); absent: none. */
  direct?: DirectContactSnapshot[];
}

/** A closed segment and what was last emitted for its start. */
export interface SegmentEntry {
  segment: ClosedSegment;
  revision: number;
  emitted: ClosedSegment | null;
}

/** A {@link SegmentEntry} as persisted (format 9: compact-segment.ts; format 7 and 8 wrote `{ segment, revision, emitted: true | … }`). */
export type PersistedSegmentEntry = CompactSegmentEntry;

export interface SessionSnapshot {
  sessionId: string;
  userId: string;
  /** eventTime of the session's first event (estimated for sessions migrated from format version 2 or older). */
  start: number | null;
  /** Format 10: the state as an array (compact-session-state.ts); before, an object. */
  checkpoint: CompactSessionState;
  live: CompactSessionState;
  /** Format 7: compact events (compact-event.ts); before, the events' own JSON. */
  log: CompactEvent[];
  applied: number;
  endEvent: AgentEvent | null;
  segments: PersistedSegmentEntry[];
  lastStateSignature: string | null;
  /** Present (true) while late events wait for the next advance to recompute the session. */
  needsRecompute?: boolean;
}

/**
 * Plain JSON engine state: JSON.stringify → JSON.parse → TimelineEngine.restore round-trips. `version` is the state
 * format version (snapshot-format.ts); restore migrates older ones and refuses newer ones.
 */
export interface EngineSnapshot {
  version: typeof SNAPSHOT_VERSION;
  watermark: number | null;
  checkpointTime: number | null;
  rejected: Record<string, number>;
  users: UserSnapshot[];
  sessions: SessionSnapshot[];
  tombstones: [string, number][];
}

import type { TimeRange } from './time-range.ts';
import { alignDown } from './time-range.ts';

/** A remembered record key and the row time it belongs to. */
export interface KeyedTime {
  readonly key: string;
  readonly time: number;
}

/**
 * A report job a poller submitted to a vendor for the window [windowStart, windowEnd) and has not committed yet
 * (vendors whose data comes as asynchronous reports, e.g. Evo Voice). Checkpointed so that a restart re-attaches to
 * the job instead of submitting the window again.
 */
export interface ReportJobState {
  readonly id: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly submittedAt: number;
  /** 1 for the window's first job, +1 for every re-submission (after an Error, a stuck or a lost job). */
  readonly attempt: number;
}

/**
 * Where an incremental poller stands: every row with time < highMark that was visible when its range was polled
 * has been published; `recentKeys` are the keys already published with time ≥ the next poll's start (the overlap).
 * Report-job pollers also keep the job in flight and the jobs still to delete at the vendor (absent for others).
 */
export interface PollerCheckpoint {
  readonly tenant: string;
  readonly endpoint: string;
  readonly highMark: number;
  readonly recentKeys: readonly KeyedTime[];
  readonly pollId: string;
  readonly updatedAt: number;
  readonly reportJob?: ReportJobState | null;
  readonly reportJobsToDelete?: readonly string[];
}

export interface RangePolicy {
  readonly overlapMs: number;
  readonly safetyLagMs: number;
  readonly maxRangeMs: number;
  readonly granularityMs: number;
  /** Where the first poll starts when there is no checkpoint. */
  readonly initialStart: number;
  /** A backfill stops here; live polling has no end. */
  readonly stopAt?: number;
}

export interface PlannedPoll {
  /** The query range: [highMark − overlap, end). */
  readonly range: TimeRange;
  /** The previous high mark; rows before it were already due, so new ones there are late. */
  readonly previousHighMark: number;
}

/** The checkpoint record key in the compacted checkpoint topic. */
export function checkpointKey(tenant: string, endpoint: string): string {
  return `${tenant}|${endpoint}`;
}

/**
 * The next range to poll, or undefined when nothing new is due yet: it ends at now − safetyLag (capped at
 * highMark + maxRange and at stopAt, aligned down) and starts overlapMs before the high mark.
 */
export function planPoll(checkpoint: PollerCheckpoint | undefined, now: number, policy: RangePolicy): PlannedPoll | undefined {
  const highMark = checkpoint?.highMark ?? alignDown(policy.initialStart, policy.granularityMs);
  const limit = Math.min(now - policy.safetyLagMs, highMark + policy.maxRangeMs, policy.stopAt ?? Number.POSITIVE_INFINITY);
  const end = alignDown(limit, policy.granularityMs);
  if (end <= highMark) return undefined;
  const start = checkpoint === undefined ? highMark : alignDown(highMark - policy.overlapMs, policy.granularityMs);
  return { range: { start, end }, previousHighMark: highMark };
}

export interface Deduplicated<T extends KeyedTime> {
  readonly fresh: readonly T[];
  readonly duplicates: number;
  /** Fresh rows older than the previous high mark: visible only after their range was first polled. */
  readonly late: readonly T[];
}

/** Drops rows whose key was published before (in `remembered`) or repeats earlier in `rows`; keeps API order. */
export function dedupRows<T extends KeyedTime>(rows: readonly T[], remembered: readonly KeyedTime[], previousHighMark: number): Deduplicated<T> {
  const seen = new Set(remembered.map((k) => k.key));
  const fresh: T[] = [];
  const late: T[] = [];
  for (const row of rows) {
    if (seen.has(row.key)) continue;
    seen.add(row.key);
    fresh.push(row);
    if (row.time < previousHighMark) late.push(row);
  }
  return { fresh, duplicates: rows.length - fresh.length, late };
}

/**
 * The checkpoint after `poll` is committed: the new high mark and the keys of every row the poll saw (published
 * now or before) whose time is inside the next poll's overlap.
 */
export function advanceCheckpoint(
  previous: PollerCheckpoint | undefined,
  identity: { tenant: string; endpoint: string; pollId: string; now: number },
  poll: PlannedPoll,
  seen: readonly KeyedTime[],
  policy: Pick<RangePolicy, 'overlapMs' | 'granularityMs'>,
): PollerCheckpoint {
  const nextStart = alignDown(poll.range.end - policy.overlapMs, policy.granularityMs);
  const keys = new Map<string, number>();
  for (const k of [...(previous?.recentKeys ?? []), ...seen]) if (k.time >= nextStart) keys.set(k.key, k.time);
  return {
    tenant: identity.tenant,
    endpoint: identity.endpoint,
    highMark: poll.range.end,
    recentKeys: [...keys].map(([key, time]) => ({ key, time })),
    pollId: identity.pollId,
    updatedAt: identity.now,
  };
}

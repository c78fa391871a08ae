import type { PollerCheckpoint } from './checkpoint.ts';
import type { TimeRange } from './time-range.ts';
import { alignDown } from './time-range.ts';

/** How a poller guards against clocks and row times that are far off (docs/pollers.md, "Bad clocks and row times"). */
export interface ClockCheck {
  /** How far ahead of the poller's clock a checkpoint or a row time may be (CLOCK_MAX_LEAD_MS). */
  readonly maxLeadMs: number;
  /** A checkpoint ahead of the clock restarts this long before now − safetyLag (the tenant's initialLookbackMs). */
  readonly lookbackMs: number;
}

/**
 * The checkpoint to continue from when `checkpoint.highMark` lies more than `maxLeadMs` ahead of `now` (it was
 * written while this host's clock was ahead), else undefined. Polling such a checkpoint would idle until real
 * time catches up; instead it restarts like a new poller, `lookbackMs` before now − safetyLag, and forgets the
 * remembered keys (rows polled again are published again; the processor counts exact duplicates once).
 */
export function rewindFutureCheckpoint(
  checkpoint: PollerCheckpoint | undefined,
  now: number,
  check: ClockCheck,
  policy: { readonly safetyLagMs: number; readonly granularityMs: number },
): PollerCheckpoint | undefined {
  if (checkpoint === undefined || checkpoint.highMark <= now + check.maxLeadMs) return undefined;
  const highMark = alignDown(now - policy.safetyLagMs - check.lookbackMs, policy.granularityMs);
  return { ...checkpoint, highMark, recentKeys: [] };
}

/**
 * What to do with a row of a poll of `range`, by its row time:
 * - `row-time-in-future`: later than now + maxLeadMs (dead-lettered);
 * - `row-time-outside-polled-range`: an exactly filtered endpoint returned it although it lies more than
 *   `overlapMs` + maxLeadMs outside the range (dead-lettered: the vendor did not filter as documented);
 * - `outside`: just outside the range of an exactly filtered endpoint (dropped and counted; a neighbouring poll
 *   covers it);
 * - `keep`.
 */
export function rowTimeVerdict(
  time: number,
  range: TimeRange,
  now: number,
  options: { readonly exact: boolean; readonly overlapMs: number; readonly maxLeadMs: number },
): 'keep' | 'outside' | 'row-time-in-future' | 'row-time-outside-polled-range' {
  if (time > now + options.maxLeadMs) return 'row-time-in-future';
  if (!options.exact || (time >= range.start && time < range.end)) return 'keep';
  const slack = options.overlapMs + options.maxLeadMs;
  return time < range.start - slack || time >= range.end + slack ? 'row-time-outside-polled-range' : 'outside';
}

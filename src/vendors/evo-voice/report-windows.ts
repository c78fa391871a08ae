import type { PollerCheckpoint } from '../../ingest/checkpoint.ts';
import type { TimeRange } from '../../ingest/time-range.ts';
import { alignDown } from '../../ingest/time-range.ts';

/** How a report poller cuts time into windows. */
export interface WindowPolicy {
  /** Window length; windows are aligned to multiples of it since the epoch (UTC hours, UTC days, …). */
  readonly windowMs: number;
  /** A window [a, b) is requested only once b ≤ now − safetyLagMs (the vendor's data for it has settled). */
  readonly safetyLagMs: number;
  /** Where the first window starts when there is no checkpoint (aligned down to windowMs). */
  readonly initialStart: number;
}

/**
 * The next window to request, or undefined when it is not due yet: it starts at the committed high mark (or the
 * aligned initial start) and is one window long. Windows are processed in order and none is ever skipped.
 */
export function nextWindow(checkpoint: PollerCheckpoint | undefined, now: number, policy: WindowPolicy): TimeRange | undefined {
  const start = checkpoint?.highMark ?? alignDown(policy.initialStart, policy.windowMs);
  const end = start + policy.windowMs;
  return end <= now - policy.safetyLagMs ? { start, end } : undefined;
}

import type { MetricField } from '../statistic/agent-statistic-fields.ts';

/**
 * One quarter-hour of one agent as a vendor reports it in aggregate (Thulium's agents_work_report), not as state
 * changes. The engine publishes a reporting source's windows from these alone (SourceProfile.statistics
 * `reports`): a later report of the same (user, window) replaces the earlier one, so a re-published report counts
 * once and a changed one is a correction.
 *
 * `metrics` holds the fields the vendor states (milliseconds or counts); a field it does not state is absent and
 * published as the profile says (null when unknown). `extras` are vendor figures with no agentStatistic field
 * (Thulium's per-reason pauses, below-threshold outbound calls), published beside the metrics as `extraFields`.
 */
export interface WindowReport {
  readonly userId: string;
  readonly userName: string;
  /** The UTC quarter-hour's start, epoch ms (a multiple of 900 000). */
  readonly windowStart: number;
  /** When the vendor's figures were read (the poll time): the report's changeTime for maxChangeTimestamp. */
  readonly changeTime: number;
  readonly metrics: Readonly<Partial<Record<MetricField, number>>>;
  readonly extras: Readonly<Record<string, number>>;
}

/** True when two extras maps hold the same keys with the same values. */
export function sameExtras(a: Readonly<Record<string, number>> | null, b: Readonly<Record<string, number>> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** True when an extras map holds a non-zero figure. */
export function extrasHaveContent(extras: Readonly<Record<string, number>> | null): boolean {
  if (extras === null) return false;
  for (const key in extras) if (extras[key] !== 0) return true;
  return false;
}

import { formatUtc } from '../core/time/timestamp.ts';
import type { Completeness, Incompleteness, StoreCompleteness } from '../state/store-types.ts';

/**
 * How complete a tenant's data is, as the API reports it. `upTo` is the watermark whose rows the Redis sink has
 * confirmed in Redis (the processor's lowest watermark over all input partitions, once the sink caught up with it);
 * a window is final once `end + allowedLatenessMs ≤ upTo`, so every interval ending at or before
 * `completeUpTo = upTo − allowedLatenessMs` is final (later corrections stay possible within the processor's
 * correction horizon). While `incomplete` is set (Redis lost data and is rebuilding, no sink reports, rows are
 * missing) nothing is known to be final.
 */
export interface CompletenessView {
  readonly upTo: number | null;
  readonly completeUpTo: number | null;
  readonly allowedLatenessMs: number;
  readonly appliedPartitions: number;
  readonly expectedPartitions: number | null;
  readonly incomplete: Incompleteness | null;
}

export function completenessView(completeness: Completeness | StoreCompleteness, allowedLatenessMs: number): CompletenessView {
  const incomplete = 'incomplete' in completeness ? completeness.incomplete : null;
  const upTo = incomplete === null ? completeness.upTo : null;
  return {
    upTo,
    completeUpTo: upTo === null ? null : upTo - allowedLatenessMs,
    allowedLatenessMs,
    appliedPartitions: Object.keys(completeness.partitions).length,
    expectedPartitions: completeness.expectedPartitions,
    incomplete: incomplete ?? (upTo === null ? { reason: 'no-watermark', detail: 'not every input partition has a watermark yet' } : null),
  };
}

/** `completeness` downgraded when a read found `missing` indexed rows gone (eviction or partial loss). */
export function withMissingRows(completeness: StoreCompleteness, missing: number): StoreCompleteness {
  if (missing === 0 || completeness.incomplete !== null) return completeness;
  return { ...completeness, upTo: null, incomplete: { reason: 'rows-missing', detail: `${missing} indexed rows are missing from Redis; the Redis sink rebuilds them` } };
}

/** True when no data ending at `end` (epoch ms) can still arrive except as a late correction. */
export function isFinal(view: CompletenessView, end: number): boolean {
  return view.completeUpTo !== null && end <= view.completeUpTo;
}

/**
 * The completeness headers every data response carries. `X-Watermark` and `X-Data-Complete-Up-To` are present
 * only when the data is known complete up to them; otherwise `X-Data-Incomplete` names the reason (`rebuilding`,
 * `no-sink`, `no-watermark`, `rows-missing`).
 */
export function completenessHeaders(view: CompletenessView): Record<string, string> {
  const headers: Record<string, string> = {
    'x-allowed-lateness-ms': String(view.allowedLatenessMs),
    'x-watermark-partitions': `${view.appliedPartitions}/${view.expectedPartitions ?? '?'}`,
  };
  if (view.incomplete !== null) headers['x-data-incomplete'] = view.incomplete.reason;
  else if (view.upTo !== null && view.completeUpTo !== null) {
    headers['x-watermark'] = formatUtc(view.upTo);
    headers['x-data-complete-up-to'] = formatUtc(view.completeUpTo);
  }
  return headers;
}

import { formatUtc } from '../core/time/timestamp.ts';
import type { Completeness } from '../state/store-types.ts';

/**
 * How complete a tenant's data is, as the API reports it. `upTo` is the processor's watermark (the lowest over
 * all input partitions); a window is final once `end + allowedLatenessMs ≤ upTo`, so every interval ending at or
 * before `completeUpTo = upTo − allowedLatenessMs` is final (later corrections stay possible within the
 * processor's correction horizon).
 */
export interface CompletenessView {
  readonly upTo: number | null;
  readonly completeUpTo: number | null;
  readonly allowedLatenessMs: number;
  readonly appliedPartitions: number;
  readonly expectedPartitions: number | null;
}

export function completenessView(completeness: Completeness, allowedLatenessMs: number): CompletenessView {
  const { upTo } = completeness;
  return {
    upTo,
    completeUpTo: upTo === null ? null : upTo - allowedLatenessMs,
    allowedLatenessMs,
    appliedPartitions: Object.keys(completeness.partitions).length,
    expectedPartitions: completeness.expectedPartitions,
  };
}

/** True when no data ending at `end` (epoch ms) can still arrive except as a late correction. */
export function isFinal(view: CompletenessView, end: number): boolean {
  return view.completeUpTo !== null && end <= view.completeUpTo;
}

/**
 * The completeness headers every data response carries. `X-Watermark` and `X-Data-Complete-Up-To` are absent
 * while some input partition has no watermark yet (nothing is known to be final).
 */
export function completenessHeaders(view: CompletenessView): Record<string, string> {
  const headers: Record<string, string> = {
    'x-allowed-lateness-ms': String(view.allowedLatenessMs),
    'x-watermark-partitions': `${view.appliedPartitions}/${view.expectedPartitions ?? '?'}`,
  };
  if (view.upTo !== null && view.completeUpTo !== null) {
    headers['x-watermark'] = formatUtc(view.upTo);
    headers['x-data-complete-up-to'] = formatUtc(view.completeUpTo);
  }
  return headers;
}

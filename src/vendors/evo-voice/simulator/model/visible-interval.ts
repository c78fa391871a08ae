import type { EvoStateInterval } from './agent-states.ts';

/**
 * The interval as known at simulated time `now`, or null when it has not started yet (start ≥ now). Its end is
 * kept only once it has passed (end ≤ now); an interval still running at `now` is open (end null).
 */
export function visibleAt(interval: EvoStateInterval, now: number): EvoStateInterval | null {
  if (interval.start >= now) return null;
  if (interval.end !== null && interval.end <= now) return interval;
  return interval.end === null ? interval : { ...interval, end: null };
}

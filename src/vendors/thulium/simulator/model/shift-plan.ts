import { DateTime } from 'luxon';
import type { Prng } from '../../../../core/random/prng.ts';
import type { ShiftPattern } from './agent-roster.ts';

/** A logged-in stretch [start, end), epoch ms on whole seconds. */
export interface WorkSession {
  readonly start: number;
  readonly end: number;
}

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Earliest local start hour and the width of the start window (hours), per pattern. */
const START_WINDOW: Record<ShiftPattern, readonly [number, number]> = {
  day: [7, 3],
  late: [13, 3],
  night: [21, 2],
};

function wholeSeconds(ms: number): number {
  return Math.floor(ms / SECOND) * SECOND;
}

/**
 * The agent's work sessions of every local day of `zone` from the day before `from` to the day of `to` (not
 * clipped: a session may start before `from` or run past `to`): 7.5–9 h from a random second of the pattern's
 * start window, 10% split in two by a 5–30 min logout. Offsets are elapsed time from local midnight, so a DST change
 * moves the wall-clock time of a night shift by the change.
 */
export function workSessions(rng: Prng, pattern: ShiftPattern, zone: string, from: number, to: number): WorkSession[] {
  const sessions: WorkSession[] = [];
  const [firstHour, width] = START_WINDOW[pattern];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  while (day.toMillis() < to) {
    const midnight = day.toMillis();
    day = day.plus({ days: 1 });
    const start = wholeSeconds(midnight + firstHour * HOUR + rng.uniform(0, width * HOUR));
    const end = wholeSeconds(start + rng.uniform(7.5 * HOUR, 9 * HOUR));
    const split = rng.chance(0.1);
    const splitAt = wholeSeconds(start + rng.uniform(HOUR, 6 * HOUR));
    const gap = wholeSeconds(rng.uniform(5 * MINUTE, 30 * MINUTE));
    sessions.push(...(split ? [{ start, end: splitAt }, { start: splitAt + gap, end }] : [{ start, end }]));
  }
  return sessions;
}

import { DateTime } from 'luxon';
import type { Prng } from '../../../../core/random/prng.ts';
import type { ShiftPattern } from './agent-roster.ts';

/** A logged-in stretch [start, end), epoch ms. */
export interface WorkSession {
  readonly start: number;
  readonly end: number;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Earliest local start hour and the width of the start window, per pattern. */
const START_WINDOW: Record<ShiftPattern, readonly [number, number]> = {
  day: [7, 5],
  late: [13, 3],
  night: [21, 2],
};

/**
 * The agent's work sessions overlapping [from, to), clipped to it: one shift per local calendar day of `zone`
 * (starting the day before `from`, so a night shift running into the range is there), about 7.5–9 hours from a
 * random start in the pattern's window, with a random second and millisecond; 10% of shifts are split into two
 * sessions by a 5–30 minute logout. Offsets are added to local midnight as elapsed time, so a DST change moves a
 * shift's wall-clock time by the change. Sessions never overlap or touch.
 */
export function workSessions(rng: Prng, pattern: ShiftPattern, zone: string, from: number, to: number): WorkSession[] {
  const sessions: WorkSession[] = [];
  const [firstHour, width] = START_WINDOW[pattern];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  let cursor = Number.NEGATIVE_INFINITY;
  while (day.toMillis() < to) {
    const midnight = day.toMillis();
    day = day.plus({ days: 1 });
    const start = midnight + firstHour * HOUR + Math.floor(rng.uniform(0, width * HOUR));
    const end = start + Math.floor(rng.uniform(7.5 * HOUR, 9 * HOUR));
    const split = rng.chance(0.1);
    const splitAt = start + Math.floor(rng.uniform(HOUR, 6 * HOUR));
    const gap = Math.floor(rng.uniform(5 * MINUTE, 30 * MINUTE));
    const parts: WorkSession[] = split ? [{ start, end: splitAt }, { start: splitAt + gap, end }] : [{ start, end }];
    for (const part of parts) {
      const clipped = { start: Math.max(part.start, from, cursor + MINUTE), end: Math.min(part.end, to) };
      if (clipped.end <= clipped.start) continue;
      sessions.push(clipped);
      cursor = clipped.end;
    }
  }
  return sessions;
}

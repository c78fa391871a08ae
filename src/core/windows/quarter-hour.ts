/** Length of a quarter-hour window in milliseconds. */
export const QUARTER_HOUR_MS = 900_000;

/** Start of the UTC-aligned quarter-hour [k·900000, (k+1)·900000) that contains `ms`. */
export function quarterHourStart(ms: number): number {
  return Math.floor(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
}

/** Exclusive end of the quarter-hour that contains `ms`. */
export function quarterHourEnd(ms: number): number {
  return quarterHourStart(ms) + QUARTER_HOUR_MS;
}

/** True when `ms` lies exactly on a quarter-hour boundary. */
export function isQuarterHourBoundary(ms: number): boolean {
  return quarterHourStart(ms) === ms;
}

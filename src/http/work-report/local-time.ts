import { DateTime } from 'luxon';

/** A wall-clock time as a client wrote it, without zone. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** True for `YYYY-MM-DD` alone (the fields are then that day's 00:00:00). */
  readonly dateOnly: boolean;
}

const FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const DAY_MS = 86_400_000;

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (the Thulium report's date formats); null when the
 * text has another shape or names an impossible date or time (2024-02-30, 24:00).
 */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const match = FORMAT.exec(text);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (wall.getUTCFullYear() !== year || wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return { year, month, day, hour, minute, second, dateOnly: match[4] === undefined };
}

/** The same wall clock `days` calendar days later (00:00:00 of the next day for days = 1 and a date). */
export function plusDays(local: LocalDateTime, days: number): LocalDateTime {
  const wall = new Date(Date.UTC(local.year, local.month - 1, local.day + days, local.hour, local.minute, local.second));
  return { ...local, year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

function offsetMs(instant: number, zone: string): number {
  return DateTime.fromMillis(instant, { zone }).offset * 60_000;
}

/**
 * The instant whose wall clock in the IANA `zone` is `local`. A time the zone shows twice (the repeated hour when
 * clocks go back) resolves to the FIRST, earlier instant; a time the zone skips (clocks go forward) is moved forward
 * by the gap, as PHP does (02:30 on a Warsaw spring-forward day is 03:30 CEST). Throws RangeError for an invalid zone.
 */
export function localToInstant(local: LocalDateTime, zone: string): number {
  if (!DateTime.fromMillis(0, { zone }).isValid) throw new RangeError(`invalid time zone: ${zone}`);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const before = offsetMs(wall - DAY_MS, zone);
  const after = offsetMs(wall + DAY_MS, zone);
  const fits = [wall - before, wall - after].filter((instant) => instant + offsetMs(instant, zone) === wall);
  if (fits.length > 0) return Math.min(...fits);
  return wall - before;
}

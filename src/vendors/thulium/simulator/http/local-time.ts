import { DateTime, IANAZone } from 'luxon';

const MINUTE = 60_000;
const INPUT = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Whether `zone` is an IANA time zone id luxon knows. */
export function isIanaZone(zone: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(zone) && IANAZone.isValidZone(zone);
}

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * The instant of a local wall time in `zone`: an ambiguous one (the repeated fall-back hour) is the FIRST, earlier
 * instant; a non-existent one (the spring-forward gap) is moved forward by the gap (02:30 → 03:30), as PHP does.
 * Null when the date does not exist in the calendar.
 */
export function localInstant(wall: WallTime, zone: string): number | null {
  const check = DateTime.fromObject(wall, { zone: 'UTC' });
  if (!check.isValid) return null;
  const local = DateTime.fromObject(wall, { zone });
  if (!local.isValid) return null;
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const z = IANAZone.create(zone);
  const exact = [local.toMillis() - 86_400_000, local.toMillis(), local.toMillis() + 86_400_000]
    .map((probe) => wallAsUtc - z.offset(probe) * MINUTE)
    .filter((instant) => z.offset(instant) * MINUTE === wallAsUtc - instant);
  // luxon moves a wall time in a gap forward by the gap; it takes the later instant of an ambiguous one
  return exact.length === 0 ? local.toMillis() : Math.min(...exact);
}

/**
 * A request date (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS`, local in `zone`) as epoch ms, or null
 * when it is not one. A date alone is that day's 00:00:00, or, with `dateOnlyMeansNextDay` (date_to), the next
 * day's, so the whole day is included.
 */
export function parseRequestDate(text: string, zone: string, dateOnlyMeansNextDay: boolean): number | null {
  const match = INPUT.exec(text);
  if (match === null) return null;
  const [, y = '', mo = '', d = '', h, mi, s] = match;
  const wall = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(s ?? 0) };
  if (localInstant(wall, zone) === null) return null;
  if (h !== undefined || !dateOnlyMeansNextDay) return localInstant(wall, zone);
  const next = DateTime.fromObject({ year: wall.year, month: wall.month, day: wall.day }, { zone: 'UTC' }).plus({ days: 1 });
  return localInstant({ year: next.year, month: next.month, day: next.day, hour: 0, minute: 0, second: 0 }, zone);
}

/** `YYYY-MM-DD HH:MM:SS` in `zone` (no offset: in the repeated hour two instants render alike). */
export function formatLocal(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

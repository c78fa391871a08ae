/**
 * Timestamp parsing and formatting shared by all adapters. Pure arithmetic: no Date parsing,
 * so behaviour does not depend on the host's locale or time zone.
 */

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?|T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses `YYYY-MM-DD HH:mm:ss(.f{1,3})?` (UTC) or ISO-8601 `YYYY-MM-DDTHH:mm:ss(.f+)?` with `Z`,
 * `±HH:MM` or `±HHMM`. ISO fractions beyond milliseconds are truncated. Returns epoch ms, or NaN for
 * anything else, including impossible dates.
 */
export function parseTimestamp(text: string): number {
  return text.length === 23 && text.charCodeAt(10) === 32 ? parseSinchMillis(text) : parseTimestampPattern(text);
}

/** {@link parseTimestamp} by its regular expression alone, for every accepted form (the fast path's reference). */
export function parseTimestampPattern(text: string): number {
  const m = PATTERN.exec(text);
  if (m === null) return Number.NaN;
  const [, ys, mos, ds, sh, smi, ss1, sfrac, ih, imi, is1, ifrac, zone] = m;
  const hs = sh ?? ih;
  const mis = smi ?? imi;
  const ss = ss1 ?? is1;
  const frac = sfrac ?? ifrac;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = Number(ss);
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > monthDays || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '');
    if (digits.length !== 5) return Number.NaN;
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return Number.NaN;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const days = daysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms;
}

/** The digit at `i` (0–9), or −1e9 so that any sum holding it is negative. */
function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1e9;
}

/** `YYYY-MM-DD HH:mm:ss.fff` (what Sinch sends) without the regular expression; the same result as the general path. */
function parseSinchMillis(text: string): number {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46) {
    return Number.NaN;
  }
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  const ms = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
  if (year < 0 || hour < 0 || minute < 0 || second < 0 || ms < 0) return Number.NaN;
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > monthDays || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
}

/** Formats epoch ms as ISO-8601 UTC with milliseconds and `Z`, e.g. 2019-12-03T07:15:00.000Z. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString();
}

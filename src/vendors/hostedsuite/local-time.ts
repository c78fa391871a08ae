import { DateTime, IANAZone } from 'luxon';

/**
 * HostedSuite times as the API carries them (docs/vendors/hostedsuite-contract.md, "Times"): local wall time of the
 * call center's time zone without an offset, `YYYY-MM-DDTHH:mm:ss`. Filters also take `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:mm:ss` and the US `M/D/YYYY[ H:mm[:ss]]`.
 */
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const US_LOCAL = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const MINUTE = 60_000;

/** Whether `zone` is an IANA zone id luxon knows (UTC included). */
export function isKnownZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The instant of a wall time in `zone`: a time in a spring-forward gap moves forward by the gap; an ambiguous one
 * (the fall-back hour) takes the EARLIER instant (the first pass, at the summer offset). Null when not a date.
 */
function instantOf(parts: { year: number; month: number; day: number; hour: number; minute: number; second: number }, zone: string): number | null {
  const local = DateTime.fromObject(parts, { zone });
  if (!local.isValid) return null;
  if (local.day !== parts.day || local.month !== parts.month) return null;
  const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const z = IANAZone.create(zone);
  const candidates = [local.toMillis() - 86_400_000, local.toMillis(), local.toMillis() + 86_400_000]
    .map((probe) => wallAsUtc - z.offset(probe) * MINUTE)
    .filter((instant) => z.offset(instant) * MINUTE === wallAsUtc - instant);
  return candidates.length === 0 ? local.toMillis() : Math.min(...candidates);
}

/** Parses a HostedSuite local time (any accepted form) in `zone`; epoch ms, or null when unparsable. */
export function parseLocalTime(text: string, zone: string): number | null {
  const iso = ISO_LOCAL.exec(text.trim());
  if (iso !== null) {
    const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0'] = iso;
    return instantOf({ year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) }, zone);
  }
  const us = US_LOCAL.exec(text.trim());
  if (us !== null) {
    const [, mo = '', d = '', y = '', h = '0', mi = '0', s = '0'] = us;
    return instantOf({ year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) }, zone);
  }
  return null;
}

/** `YYYY-MM-DDTHH:mm:ss` wall time of `ms` in `zone` (milliseconds are dropped). */
export function formatLocalTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd'T'HH:mm:ss");
}

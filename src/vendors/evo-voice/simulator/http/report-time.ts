import { DateTime, IANAZone } from 'luxon';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const ABSOLUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** An IANA id: Area/Location names (or UTC, EST…), never a Windows name with spaces or a bare offset. */
const IANA_ID = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** Whether `zone` is an IANA time zone id the simulator accepts as TimeZoneId. */
export function isIanaZone(zone: string): boolean {
  return IANA_ID.test(zone) && IANAZone.isValidZone(zone);
}

const MINUTE = 60_000;

/**
 * The instant of a local wall time in `zone`. A wall time in a spring-forward gap moves forward by the gap; an
 * ambiguous one (the fall-back hour) takes the EARLIER instant, the first pass, at the summer offset.
 */
function localInstant(parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number }, zone: string): number | null {
  const local = DateTime.fromObject(parts, { zone });
  if (!local.isValid) return null;
  const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond);
  const z = IANAZone.create(zone);
  const candidates = [local.toMillis() - 86_400_000, local.toMillis(), local.toMillis() + 86_400_000]
    .map((probe) => wallAsUtc - z.offset(probe) * MINUTE)
    .filter((instant) => z.offset(instant) * MINUTE === wallAsUtc - instant);
  return candidates.length === 0 ? local.toMillis() : Math.min(...candidates);
}

/**
 * Parses a report StartDate/EndDate: `YYYY-MM-DD` (local midnight in `zone`), `YYYY-MM-DDTHH:mm[:ss[.SSS]]` (local
 * wall time in `zone`) or either with `Z`/`±HH:MM` (an absolute instant). Returns epoch ms, or null when unparsable.
 */
export function parseReportTime(text: string, zone: string): number | null {
  if (ABSOLUTE.test(text)) {
    const instant = DateTime.fromISO(text, { setZone: true });
    return instant.isValid ? instant.toMillis() : null;
  }
  const date = DATE.exec(text);
  const local = date ?? LOCAL.exec(text);
  if (local === null) return null;
  const [, year = '', month = '', day = '', hour = '0', minute = '0', second = '0', fraction = '0'] = local;
  return localInstant({ year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second), millisecond: Number(fraction.padEnd(3, '0')) }, zone);
}

/** The `YYYY-MM-DD` date portion of a billing StartDate/EndDate (anything after it is ignored), or null. */
export function datePortion(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(text);
  if (match?.[1] === undefined) return null;
  return DateTime.fromISO(match[1], { zone: 'UTC' }).isValid ? match[1] : null;
}

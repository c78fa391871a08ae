import { DateTime } from 'luxon';

/**
 * An instant as the workbooks render it: local wall time in `zone` with milliseconds and that instant's UTC
 * offset, `2026-10-25T03:30:00.000+03:00` (UTC renders `+00:00`). The offset makes the DST fall-back hour
 * unambiguous: its two passes differ only in the offset.
 */
export function renderTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZ");
}

/**
 * Formats epoch ms the way the RAI monitoring tables print datetimes in agentStatusHistory:
 * `YYYY-MM-DD HH:mm:ss.SSS`, UTC, without `T` or `Z` (e.g. `2019-12-03 07:19:59.127`).
 */
export function formatRawTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** ISO-8601 UTC with milliseconds and `Z`, as the statistic endpoints print maxChangeTimestamp. */
export function formatIsoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

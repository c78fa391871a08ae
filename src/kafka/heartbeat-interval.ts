/**
 * The heartbeat interval of a consumer group member with this session timeout: a tenth of it (at least 500 ms), so
 * several heartbeats may be lost before the broker gives the member up.
 */
export function heartbeatIntervalFor(sessionTimeoutMs: number): number {
  return Math.max(500, Math.floor(sessionTimeoutMs / 10));
}

import { BadRequest } from './bad-request.ts';
import { DEFAULT_REQUEST_LIMITS } from './server-deps.ts';

const DAY_MS = 86_400_000;

/**
 * Refuses a [start, end) range longer than `maxDays` (default {@link DEFAULT_REQUEST_LIMITS}) with a 400 that names
 * the maximum: one request reads every stored row of its range into memory, so the range bounds its memory.
 */
export function rangeWithinLimit(start: number, end: number, maxDays: number = DEFAULT_REQUEST_LIMITS.maxQueryDays): void {
  if (end - start <= maxDays * DAY_MS) return;
  const days = Math.ceil((end - start) / DAY_MS);
  throw new BadRequest(`Invalid range: startTime to endTime spans ${days} days; at most ${maxDays} days per request (split the range into several requests)`);
}

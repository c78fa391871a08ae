import type { BackoffPolicy } from '../runtime/backoff.ts';
import { backoffDelay } from '../runtime/backoff.ts';

export type { BackoffPolicy } from '../runtime/backoff.ts';
export { backoffDelay } from '../runtime/backoff.ts';

/**
 * Parses a Retry-After header value: delta-seconds or an HTTP date, relative to `now` (epoch ms). Returns the
 * delay in ms (never negative), or undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The delay before the next attempt: the jittered backoff, but never shorter than what the server asked for. */
export function retryDelay(policy: BackoffPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const backoff = backoffDelay(policy, attempt, random);
  return retryAfterMs === undefined ? backoff : Math.max(backoff, retryAfterMs);
}

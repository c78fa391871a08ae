/** Exponential backoff settings: the cap of attempt n (1-based) is min(maxMs, baseMs · 2^(n−1)). */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * "Full jitter" backoff: a uniformly random delay in [0, cap) for retry `attempt` (1 = first retry).
 * `random` returns a number in [0, 1) and is injected for tests.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

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

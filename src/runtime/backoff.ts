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

import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retryDelay } from '../../src/ingest/backoff.ts';
import { TokenBucket } from '../../src/ingest/token-bucket.ts';
import { FakeClock } from './support/fake-clock.ts';

const policy = { baseMs: 100, maxMs: 1000 };

describe('backoff with full jitter', () => {
  it('draws from [0, min(max, base·2^(n−1)))', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(policy, n, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
  });

  it('never waits less than Retry-After', () => {
    expect(retryDelay(policy, 1, 5000, () => 0.5)).toBe(5000);
    expect(retryDelay(policy, 4, 10, () => 0.5)).toBe(400);
    expect(retryDelay(policy, 4, undefined, () => 0.5)).toBe(400);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('parses delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });
  it('parses an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('token bucket', () => {
  it('allows a burst, then paces at the rate', async () => {
    const clock = new FakeClock(1000);
    const bucket = new TokenBucket(clock, 2, 3);
    const taken: number[] = [];
    for (let i = 0; i < 7; i++) {
      await bucket.take();
      taken.push(clock.now() - 1000);
    }
    expect(taken).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('refills while idle but not beyond the burst', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, 10, 2);
    await bucket.take();
    await bucket.take();
    clock.current += 10_000;
    expect(bucket.available()).toBe(2);
  });

  it('serves concurrent waiters in order and stops waiting on abort', async () => {
    const clock = new FakeClock(0);
    const bucket = new TokenBucket(clock, 1, 1);
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
    expect(clock.now()).toBe(2000);
    const controller = new AbortController();
    controller.abort();
    await expect(bucket.take(controller.signal)).rejects.toThrow();
  });
});

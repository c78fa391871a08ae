import { describe, expect, it } from 'vitest';
import { deriveSeed, Prng } from '../../../src/core/random/prng.ts';

describe('seeded PRNG', () => {
  it('is deterministic per seed, and streams from derived seeds differ', () => {
    const draws = (seed: number): number[] => Array.from({ length: 5 }, ((p) => () => p.next())(new Prng(seed)));
    expect(draws(42)).toEqual(draws(42));
    expect(draws(deriveSeed(42, 'a'))).not.toEqual(draws(deriveSeed(42, 'b')));
  });

  it('hex(n) gives n lowercase hex digits; guid() is hex(32) upper-cased (the ids Sinch fixtures were made with)', () => {
    expect(new Prng(1).hex(24)).toMatch(/^[0-9a-f]{24}$/);
    expect(new Prng(1).hex(5)).toMatch(/^[0-9a-f]{5}$/);
    expect(new Prng(7).guid()).toBe(new Prng(7).hex(32).toUpperCase());
    expect(new Prng(7).guid()).toMatch(/^[0-9A-F]{32}$/);
  });
});

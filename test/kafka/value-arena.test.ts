import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValueArena } from '../../src/kafka/value-arena.ts';

describe('ValueArena', () => {
  it('hands out copies that keep their bytes whatever is copied after them or done to the source', () => {
    const arena = new ValueArena();
    const scratch = Buffer.alloc(40_000);
    const expected: Buffer[] = [];
    const copies: Buffer[] = [];
    // 3,000 values of 1–300 bytes and a few large ones fill several chunks
    for (let i = 0; i < 3_000; i++) {
      const value = randomBytes(i % 500 === 0 ? 33_000 + i : 1 + (i % 300));
      value.copy(scratch);
      copies.push(arena.copy(scratch.subarray(0, value.length)));
      expected.push(value);
      scratch.fill(0xff);
    }
    copies.forEach((copy, i) => expect(copy.equals(expected[i]!), String(i)).toBe(true));
    const chunks = new Set(copies.map((copy) => copy.buffer));
    expect(chunks.size).toBeGreaterThan(1);
    expect(chunks.size).toBeLessThan(30);
  });
});

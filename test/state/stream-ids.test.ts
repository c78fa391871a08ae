import { describe, expect, it } from 'vitest';
import { canResume, compareStreamIds, parseStreamId } from '../../src/state/stream-ids.ts';

describe('stream ids', () => {
  it('parses and orders ids by ms, then sequence, numerically', () => {
    expect(parseStreamId('1700000000000-3')).toEqual([1700000000000n, 3n]);
    expect(parseStreamId('17-')).toBeNull();
    expect(parseStreamId('abc')).toBeNull();
    expect(parseStreamId('18446744073709551616-0')).toBeNull();
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-2')).toBe(0);
    expect(compareStreamIds('11-0', '10-99')).toBeGreaterThan(0);
  });
});

describe('canResume', () => {
  const untrimmed = { firstId: '100-0', lastGeneratedId: '200-0', maxDeletedId: '0-0' };
  const trimmed = { firstId: '150-0', lastGeneratedId: '200-0', maxDeletedId: '149-0' };

  it('resumes from an id the stream holds or from its end', () => {
    expect(canResume('100-0', untrimmed)).toBe(true);
    expect(canResume('150-1', untrimmed)).toBe(true);
    expect(canResume('200-0', untrimmed)).toBe(true);
  });

  it('resumes after trimming only when nothing after the id was removed', () => {
    expect(canResume('149-0', trimmed)).toBe(true);
    expect(canResume('170-0', trimmed)).toBe(true);
    expect(canResume('148-9', trimmed)).toBe(false);
    expect(canResume('10-0', trimmed)).toBe(false);
  });

  it('does not resume an id the stream cannot show to be its own', () => {
    expect(canResume('99-0', untrimmed)).toBe(false);
    expect(canResume('0-0', untrimmed)).toBe(false);
    expect(canResume('201-0', untrimmed)).toBe(false);
    expect(canResume('150-0', null)).toBe(false);
    expect(canResume('0-0', { firstId: null, lastGeneratedId: '0-0', maxDeletedId: '0-0' })).toBe(false);
    expect(canResume('nonsense', untrimmed)).toBe(false);
  });
});

/**
 * The compact segment entries of state format 9 (src/core/engine/compact-segment.ts): decoding an encoded entry gives
 * an entry with the same content, through JSON, for any attributes and emissions; unset attributes are left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSegmentEntry, encodeSegmentEntry } from '../../../src/core/engine/compact-segment.ts';
import type { SegmentEntry } from '../../../src/core/engine/engine-types.ts';
import type { ClosedSegment } from '../../../src/core/timeline/timeline-segment.ts';

const attribute = fc.option(fc.constantFrom('Office', 'Lunch', '', 'Ünïcødé 名前', 'C1'), { nil: null });

const segmentArb: fc.Arbitrary<ClosedSegment> = fc
  .record({ start: fc.integer({ min: 0, max: 2 ** 42 }), length: fc.integer({ min: 0, max: 86_400_000 }), user: fc.integer({ min: 0, max: 4 }), handling: fc.integer({ min: 0, max: 8 }), profile: attribute, profileReason: attribute, profileType: attribute, campaignId: attribute })
  .map(({ length, ...segment }) => ({ ...segment, end: segment.start + length }));

const entryArb: fc.Arbitrary<SegmentEntry> = fc
  .record({ segment: segmentArb, revision: fc.nat({ max: 1000 }), emission: fc.constantFrom('none', 'same', 'other'), other: segmentArb })
  .map(({ segment, revision, emission, other }) => ({ segment, revision, emitted: emission === 'none' ? null : emission === 'same' ? { ...segment } : other }));

describe('compact segment entries', () => {
  it('decode to entries with the content that was encoded, also through JSON, with segments of their own', () => {
    fc.assert(
      fc.property(entryArb, (entry) => {
        const persisted = JSON.parse(JSON.stringify(encodeSegmentEntry(entry))) as ReturnType<typeof encodeSegmentEntry>;
        const decoded = decodeSegmentEntry(persisted);
        expect(decoded).toEqual(entry);
        if (decoded.emitted !== null) expect(decoded.emitted).not.toBe(decoded.segment);
      }),
    );
  });

  it('write an emission equal to the segment as true, and only the attributes that are set', () => {
    const segment: ClosedSegment = { start: 10, end: 25, user: 1, handling: 4, profile: null, profileReason: null, profileType: null, campaignId: null };
    expect(encodeSegmentEntry({ segment, revision: 3, emitted: { ...segment } })).toEqual([10, 25, 1, 4, 3, true]);
    expect(encodeSegmentEntry({ segment, revision: 0, emitted: null })).toEqual([10, 25, 1, 4, 0, null]);
    expect(encodeSegmentEntry({ segment: { ...segment, profile: 'Lunch', campaignId: 'C1' }, revision: 1, emitted: { ...segment, end: 20, profileType: 'Absence' } })).toEqual([
      10,
      25,
      1,
      4,
      1,
      [10, 20, 1, 4, { profileType: 'Absence' }],
      { profile: 'Lunch', campaignId: 'C1' },
    ]);
  });
});

import type { ClosedSegment } from '../timeline/timeline-segment.ts';
import { sameSegment } from '../timeline/timeline-segment.ts';
import type { SegmentEntry } from './engine-types.ts';

/** The attributes of a closed segment that are set (non-null); left out of a {@link CompactSegment} when none is. */
export interface CompactSegmentAttributes {
  readonly profile?: string;
  readonly profileReason?: string;
  readonly profileType?: string;
  readonly campaignId?: string;
}

/** A closed segment as persisted (state format 9): `[start, end, user, handling, attributes?]`, codes as the machine's. */
export type CompactSegment = [start: number, end: number, user: number, handling: number] | [start: number, end: number, user: number, handling: number, attributes: CompactSegmentAttributes];

/**
 * A session's segment entry as persisted (state format 9): `[start, end, user, handling, revision, emitted,
 * attributes?]`, where `emitted` is `true` for an emission with the segment's content, null for none, and otherwise
 * the emitted segment as a {@link CompactSegment}. Before format 9 an entry was `{ segment, revision, emitted }`.
 */
export type CompactSegmentEntry =
  | [start: number, end: number, user: number, handling: number, revision: number, emitted: CompactSegment | true | null]
  | [start: number, end: number, user: number, handling: number, revision: number, emitted: CompactSegment | true | null, attributes: CompactSegmentAttributes];

/** The set attributes (a segment migrated from an old format may lack them: undefined counts as unset). */
function attributesOf(segment: Readonly<ClosedSegment>): CompactSegmentAttributes | undefined {
  const profile = segment.profile ?? null;
  const profileReason = segment.profileReason ?? null;
  const profileType = segment.profileType ?? null;
  const campaignId = segment.campaignId ?? null;
  if (profile === null && profileReason === null && profileType === null && campaignId === null) return undefined;
  const attributes: { profile?: string; profileReason?: string; profileType?: string; campaignId?: string } = {};
  if (profile !== null) attributes.profile = profile;
  if (profileReason !== null) attributes.profileReason = profileReason;
  if (profileType !== null) attributes.profileType = profileType;
  if (campaignId !== null) attributes.campaignId = campaignId;
  return attributes;
}

/** The segment in its persisted form; `decodeSegment(encodeSegment(s))` has the content of `s`. */
export function encodeSegment(segment: Readonly<ClosedSegment>): CompactSegment {
  const attributes = attributesOf(segment);
  return attributes === undefined ? [segment.start, segment.end, segment.user, segment.handling] : [segment.start, segment.end, segment.user, segment.handling, attributes];
}

function segmentOf(start: number, end: number, user: number, handling: number, attributes: CompactSegmentAttributes | undefined): ClosedSegment {
  return {
    start,
    end,
    user,
    handling,
    profile: attributes?.profile ?? null,
    profileReason: attributes?.profileReason ?? null,
    profileType: attributes?.profileType ?? null,
    campaignId: attributes?.campaignId ?? null,
  };
}

/** A new segment with the content of a persisted one. */
export function decodeSegment([start, end, user, handling, attributes]: CompactSegment): ClosedSegment {
  return segmentOf(start, end, user, handling, attributes);
}

/** The entry in its persisted form; `decodeSegmentEntry(encodeSegmentEntry(e))` has the content of `e`. */
export function encodeSegmentEntry(entry: SegmentEntry): CompactSegmentEntry {
  const { segment, revision } = entry;
  const emitted = entry.emitted === null ? null : sameSegment(entry.emitted, segment) ? true : encodeSegment(entry.emitted);
  const attributes = attributesOf(segment);
  return attributes === undefined
    ? [segment.start, segment.end, segment.user, segment.handling, revision, emitted]
    : [segment.start, segment.end, segment.user, segment.handling, revision, emitted, attributes];
}

/** A new entry (its own segment objects) with the content of a persisted one. */
export function decodeSegmentEntry([start, end, user, handling, revision, emitted, attributes]: CompactSegmentEntry): SegmentEntry {
  const segment = segmentOf(start, end, user, handling, attributes);
  return { segment, revision, emitted: emitted === null ? null : emitted === true ? { ...segment } : decodeSegment(emitted) };
}

import type { SourceProfile } from '../source/source-profiles.ts';
import type { MetricVector, ReadonlyVector } from './metric-vector.ts';
import { copyMetricVector, vectorHasContent } from './metric-vector.ts';
import type { FieldCoverage, PublishedMetrics } from './published-metrics.ts';
import { profileCoverage, publishCovered } from './published-metrics.ts';

/**
 * The agentHistory breakdown of a quarter-hour (Sinch RAI `/agentHistory`, showProfile / showCampaign): the share of
 * its metrics counted while the agent was in one presence profile (the `profile` and `profileReason` of the latest
 * user-status record) and served one outbound campaign (`OutboundServing` of the latest OBJoin, until OBUnJoin).
 *
 * A dimension is null where it is unknown or absent: no profile reported (the first user status of a Sinch session
 * often has none; vendors without profiles), or no campaign joined. A quarter-hour whose breakdown cannot be known
 * (a vendor's aggregate report, a window restored from state written before breakdowns) is one part with every
 * dimension null, holding all of its metrics.
 */
export interface HistoryDims {
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly campaignId: string | null;
}

/** One part of a quarter-hour's breakdown: its dimensions and the metrics counted in them (published: null where the source cannot supply a field). */
export interface HistoryPart extends HistoryDims {
  readonly metrics: PublishedMetrics;
}

/** The key of the part where every dimension is null. */
export const UNKNOWN_PART_KEY = '[null,null,null]';

let lastProfile: string | null = null;
let lastReason: string | null = null;
let lastCampaign: string | null = null;
let lastKey = UNKNOWN_PART_KEY;

/**
 * The key of a part (a JSON array of the three dimensions, so {@link partDims} reads it back). Equal dimensions give
 * equal keys; the last key is remembered, since consecutive calls almost always repeat it.
 */
export function partKey(profile: string | null, profileReason: string | null, campaignId: string | null): string {
  if (profile === lastProfile && profileReason === lastReason && campaignId === lastCampaign) return lastKey;
  lastProfile = profile;
  lastReason = profileReason;
  lastCampaign = campaignId;
  lastKey = JSON.stringify([profile, profileReason, campaignId]);
  return lastKey;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const DIMS = new Map<string, HistoryDims>();
/** How many decoded keys {@link partDims} remembers (a contact center has a few dozen profiles and campaigns). */
const DIMS_MAX = 4096;

/** The dimensions of a part key (decoded keys are remembered; the result is shared, do not modify it). */
export function partDims(key: string): HistoryDims {
  let dims = DIMS.get(key);
  if (dims === undefined) {
    const parsed = JSON.parse(key) as unknown[];
    dims = { profile: text(parsed[0]), profileReason: text(parsed[1]), campaignId: text(parsed[2]) };
    if (DIMS.size >= DIMS_MAX) DIMS.clear();
    DIMS.set(key, dims);
  }
  return dims;
}

/** Orders parts by key (the order every producer of a breakdown uses). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A breakdown as published: parts with content, ordered by key, each published with `coverage` (published-metrics.ts). */
export function publishedParts(parts: ReadonlyMap<string, ReadonlyVector>, coverage: Readonly<FieldCoverage>): HistoryPart[] {
  const out: HistoryPart[] = [];
  for (const key of [...parts.keys()].sort(compareKeys)) {
    const vector = parts.get(key) as ReadonlyVector;
    if (vectorHasContent(vector)) out.push({ ...partDims(key), metrics: publishCovered(vector, coverage).metrics });
  }
  return out;
}

/**
 * The published breakdown of a window of `profile`'s source. `parts` null (unknown) publishes the whole `vector` as one
 * part without dimensions.
 */
export function publishBreakdown(parts: ReadonlyMap<string, Readonly<MetricVector>> | null, vector: Readonly<MetricVector>, profile: SourceProfile): HistoryPart[] {
  return publishedParts(parts ?? new Map([[UNKNOWN_PART_KEY, vector]]), profileCoverage(profile));
}

/** True when two breakdowns (null: unknown) hold the same vectors under the same keys, empty parts ignored. */
export function sameParts(a: ReadonlyMap<string, Readonly<MetricVector>> | null, b: ReadonlyMap<string, Readonly<MetricVector>> | null): boolean {
  if (a === null || b === null) return a === b;
  const filled = (map: ReadonlyMap<string, Readonly<MetricVector>>): string[] => [...map.keys()].filter((key) => vectorHasContent(map.get(key) as MetricVector));
  const keys = filled(a);
  if (keys.length !== filled(b).length) return false;
  for (const key of keys) {
    const x = a.get(key) as MetricVector;
    const y = b.get(key);
    if (y === undefined) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

/** A deep copy of a breakdown (null stays null). */
export function copyParts(parts: ReadonlyMap<string, Readonly<MetricVector>> | null): Map<string, MetricVector> | null {
  if (parts === null) return null;
  const copy = new Map<string, MetricVector>();
  for (const [key, vector] of parts) if (vectorHasContent(vector)) copy.set(key, copyMetricVector(vector));
  return copy;
}

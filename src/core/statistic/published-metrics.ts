import type { SourceProfile } from '../source/source-profiles.ts';
import type { MetricField } from './agent-statistic-fields.ts';
import { METRIC_FIELDS } from './agent-statistic-fields.ts';
import type { MetricVector, ReadonlyVector } from './metric-vector.ts';
import { METRIC_COUNT, metricsOf } from './metric-vector.ts';

/**
 * The agentStatistic fields as published (Avro, Redis, HTTP, replay): milliseconds or counts where the source
 * supplies the field, null where it cannot (unknown is not zero). The engine keeps plain numbers internally; only
 * the functions below turn them into published values.
 */
export type PublishedMetrics = Record<MetricField, number | null>;

/** A coverage bit: at least one component of the value supplied the field. */
export const FIELD_KNOWN = 1;
/** A coverage bit: at least one component of the value could not supply the field. */
export const FIELD_UNKNOWN = 2;

/**
 * Per metric field (METRIC_FIELDS order), which of FIELD_KNOWN and FIELD_UNKNOWN hold over the components summed into
 * a value: KNOWN only → the sum is published; UNKNOWN only → null; both (a partial sum) → null, and the field is
 * named in `partialFields`. Coverages of summed values combine with bitwise OR ({@link mergeCoverage}).
 */
export type FieldCoverage = Uint8Array;

const PROFILE_COVERAGE = new WeakMap<SourceProfile, FieldCoverage>();

/** The coverage of one quarter-hour of `profile`'s source (cached; do not modify it). */
export function profileCoverage(profile: SourceProfile): Readonly<FieldCoverage> {
  let coverage = PROFILE_COVERAGE.get(profile);
  if (coverage === undefined) {
    coverage = Uint8Array.from(METRIC_FIELDS, (field) => (profile.knownFields.has(field) ? FIELD_KNOWN : FIELD_UNKNOWN));
    PROFILE_COVERAGE.set(profile, coverage);
  }
  return coverage;
}

/** The coverage of one published row: a null field is unknown, a number known. */
export function publishedCoverage(metrics: Readonly<Record<MetricField, number | null | undefined>>): FieldCoverage {
  return Uint8Array.from(METRIC_FIELDS, (field) => (typeof metrics[field] === 'number' ? FIELD_KNOWN : FIELD_UNKNOWN));
}

/** ORs `other` into `target`. */
export function mergeCoverage(target: FieldCoverage, other: Readonly<FieldCoverage>): void {
  for (let i = 0; i < METRIC_COUNT; i++) target[i]! |= other[i] ?? 0;
}

/** A published value and the fields that were left null because only some of its components supplied them. */
export interface CoveredMetrics {
  readonly metrics: PublishedMetrics;
  /** In METRIC_FIELDS order; empty when no field mixes known and unknown components. */
  readonly partialFields: MetricField[];
}

/**
 * The published metrics of a vector whose components cover the fields as `coverage` says: a field is its number
 * only when every component supplied it, else null (never a silent partial sum).
 */
export function publishCovered(vector: ReadonlyVector, coverage: Readonly<FieldCoverage>): CoveredMetrics {
  const values: (number | null)[] = [];
  const partialFields: MetricField[] = [];
  for (let i = 0; i < METRIC_COUNT; i++) {
    const bits = coverage[i] ?? FIELD_UNKNOWN;
    values.push(bits === FIELD_KNOWN ? (vector[i] ?? 0) : null);
    if (bits === (FIELD_KNOWN | FIELD_UNKNOWN)) partialFields.push(METRIC_FIELDS[i] as MetricField);
  }
  return { metrics: metricsOf(values, null), partialFields };
}

/** The published metrics of one source's vector: null for every field the source's profile does not know. */
export function publishMetrics(vector: ReadonlyVector, profile: SourceProfile): PublishedMetrics {
  const coverage = profileCoverage(profile);
  const values: (number | null)[] = [];
  for (let i = 0; i < METRIC_COUNT; i++) values.push(coverage[i] === FIELD_KNOWN ? (vector[i] ?? 0) : null);
  return metricsOf(values, null);
}

/** True when a published row holds something: a non-zero known field (all zero or null is an empty row). */
export function publishedHasContent(metrics: Readonly<Record<MetricField, number | null | undefined>>): boolean {
  for (const field of METRIC_FIELDS) {
    const value = metrics[field];
    if (typeof value === 'number' && value !== 0) return true;
  }
  return false;
}

/** The vector of a published row, null as 0 (pair it with {@link publishedCoverage}, which marks those unknown). */
export function publishedToVector(metrics: Readonly<Record<MetricField, number | null | undefined>>): MetricVector {
  return Float64Array.from(METRIC_FIELDS, (field) => metrics[field] ?? 0);
}

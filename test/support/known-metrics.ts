import type { MetricField } from '../../src/core/statistic/agent-statistic-fields.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';

type WithMetrics = Readonly<Record<MetricField, number | null>>;

/**
 * The fields a Sinch RAI row publishes as null (docs/metrics.md, "Fields by vendor"): written here apart from the
 * source profile, so a profile that claims one of them again fails every test that reads a Sinch row.
 */
export const SINCH_UNKNOWN_FIELDS = [
  'restingDuration',
  'callInDirectDuration',
  'callOutDirectDuration',
  'countOfHandledCallInDirect',
  'countOfHandledCallOutDirect',
] as const satisfies readonly MetricField[];

export type SinchUnknownField = (typeof SINCH_UNKNOWN_FIELDS)[number];
export type SinchKnownField = Exclude<MetricField, SinchUnknownField>;

export const SINCH_KNOWN_FIELDS: readonly SinchKnownField[] = METRIC_FIELDS.filter(
  (field): field is SinchKnownField => !(SINCH_UNKNOWN_FIELDS as readonly MetricField[]).includes(field),
);

/** The metrics of a Sinch RAI row: numbers for what it knows, null for the rest. */
export type SinchMetrics = Record<SinchKnownField, number> & Record<SinchUnknownField, null>;

/**
 * A published Sinch RAI row, typed with plain numbers for the fields Sinch knows; throws when one of them is not a
 * number or when a field Sinch cannot supply is not null, so a test of Sinch behaviour also checks the profile.
 */
export function known<T extends WithMetrics>(row: T): Omit<T, MetricField> & SinchMetrics {
  for (const field of METRIC_FIELDS) {
    const unknown = (SINCH_UNKNOWN_FIELDS as readonly MetricField[]).includes(field);
    if (unknown && row[field] !== null) throw new Error(`${field} is ${String(row[field])}, expected null (Sinch RAI cannot supply it)`);
    if (!unknown && typeof row[field] !== 'number') throw new Error(`${field} is ${String(row[field])}, expected a number (Sinch RAI knows it)`);
  }
  return row as unknown as Omit<T, MetricField> & SinchMetrics;
}

export function knownRows<T extends WithMetrics>(rows: readonly T[]): (Omit<T, MetricField> & SinchMetrics)[] {
  return rows.map(known);
}

/** `metrics` with the fields Sinch RAI cannot supply set to null: what an oracle computing 0 for them should expect. */
export function asSinchRow<T extends Readonly<Record<MetricField, number | null>>>(metrics: T): Omit<T, SinchUnknownField> & Record<SinchUnknownField, null> {
  const row: Record<string, unknown> = { ...metrics };
  for (const field of SINCH_UNKNOWN_FIELDS) row[field] = null;
  return row as Omit<T, SinchUnknownField> & Record<SinchUnknownField, null>;
}

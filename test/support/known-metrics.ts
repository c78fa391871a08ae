import type { AgentMetrics, MetricField } from '../../src/core/statistic/agent-statistic-fields.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';

type WithMetrics = Readonly<Record<MetricField, number | null>>;

/**
 * A published row of a source that supplies every field (Sinch RAI), typed with plain numbers; throws when a field is
 * null, so a test of Sinch behaviour also checks that nothing it knows was published as unknown.
 */
export function known<T extends WithMetrics>(row: T): Omit<T, MetricField> & AgentMetrics {
  for (const field of METRIC_FIELDS) {
    if (typeof row[field] !== 'number') throw new Error(`${field} is ${String(row[field])}, expected a number (a Sinch RAI row knows every field)`);
  }
  return row as unknown as Omit<T, MetricField> & AgentMetrics;
}

export function knownRows<T extends WithMetrics>(rows: readonly T[]): (Omit<T, MetricField> & AgentMetrics)[] {
  return rows.map(known);
}

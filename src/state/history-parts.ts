import { partKey } from '../core/statistic/history-part.ts';
import type { MetricVector } from '../core/statistic/metric-vector.ts';
import { publishedToVector } from '../core/statistic/published-metrics.ts';
import type { HistoryPartRow } from './store-types.ts';

/** A stored quarter-hour's breakdown as the core roll-up takes it: part key → vector (null metrics as 0, as the row's own vector). */
export function breakdownParts(breakdown: readonly HistoryPartRow[]): Map<string, MetricVector> {
  const parts = new Map<string, MetricVector>();
  for (const part of breakdown) parts.set(partKey(part.profile, part.profileReason, part.campaignId), publishedToVector(part));
  return parts;
}

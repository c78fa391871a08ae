import type { QuarterHourEmission } from '../core/engine/engine-types.ts';
import { replay } from '../core/replay/replay.ts';
import type { AgentStatisticRow, ReplayOptions } from '../core/replay/replay.ts';
import { METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { sourceProfile } from '../core/source/source-profiles.ts';
import { newMetricVector } from '../core/statistic/metric-vector.ts';
import type { HistoryPart } from '../core/statistic/history-part.ts';
import type { PublishedMetrics } from '../core/statistic/published-metrics.ts';
import { publishMetrics } from '../core/statistic/published-metrics.ts';
import { parseTimestamp } from '../core/time/timestamp.ts';
import type { ReprocessChunk } from './reprocess-plan.ts';
import type { SourceAdapter } from '../core/source/source-adapter.ts';

/** A raw record of a chunk's range and whether it was too late for the live engine (a trigger of this run). */
export interface ChunkRecord {
  readonly record: Readonly<Record<string, unknown>>;
  readonly trigger: boolean;
}

/** A quarter-hour row to publish, without its revision (the run decides it). */
export type QuarterHourCorrection = Omit<QuarterHourEmission, 'revision'>;

interface Row {
  readonly userName: string;
  readonly start: number;
  readonly end: number;
  readonly metrics: PublishedMetrics;
  readonly breakdown: HistoryPart[];
  readonly maxChangeTimestamp: number;
}

/** The re-processor replays raw Sinch RAI records (the batch replay reads only those). */
const SOURCE = 'sinch-rai';

/** The live engine's session and time limits, so a recomputed window follows the same rules (docs/metrics.md), and
 * whether the tenant's direct contacts are fed (EngineConfig.directContacts): then the chunk's routed direct contacts are
 * joined as the live engine joins them and the Direct fields are known, else they are null, as the live engine publishes them. */
export type ReplayLimits = Pick<ReplayOptions, 'sessionMaxIdleMs' | 'maxEventAgeMs' | 'maxEventLeadMs' | 'directContacts'>;

function rowsOf(records: readonly ChunkRecord[], chunk: Pick<ReprocessChunk, 'start' | 'end' | 'users'>, adapter: SourceAdapter, limits: ReplayLimits): Map<string, Row> {
  const users = new Set(chunk.users);
  const rows = new Map<string, Row>();
  for (const row of replay(records.map((r) => r.record), adapter, { ...limits, until: chunk.end, breakdown: true }).rows) {
    const start = parseTimestamp(row.intervalStart);
    if (start < chunk.start || start >= chunk.end || !users.has(row.userId)) continue;
    rows.set(`${row.userId}|${start}`, { userName: row.userName, start, end: parseTimestamp(row.intervalEnd), metrics: metricsOf(row), breakdown: row.breakdown ?? [], maxChangeTimestamp: parseTimestamp(row.maxChangeTimestamp) });
  }
  return rows;
}

function metricsOf(row: AgentStatisticRow): PublishedMetrics {
  const metrics = {} as PublishedMetrics;
  for (const field of METRIC_FIELDS) metrics[field] = row[field];
  return metrics;
}

function sameRow(a: Row, b: Row): boolean {
  return (
    a.userName === b.userName &&
    a.maxChangeTimestamp === b.maxChangeTimestamp &&
    METRIC_FIELDS.every((field) => a.metrics[field] === b.metrics[field]) &&
    JSON.stringify(a.breakdown) === JSON.stringify(b.breakdown)
  );
}

/**
 * What one chunk must publish: the batch replay (`replay()` with the source's `adapter`, horizon = chunk end) of the chunk's raw records, compared
 * with the replay of the same records without this run's triggers, which is what the outputs already hold (the live
 * engine or an earlier run computed it from exactly those records). Rows that differ are published: `final` when the
 * window had no content before, else `correction`; a window that had content and has none now is published with zero
 * metrics (`correction`, "deleted"). Unchanged windows are not published again. Sorted by userId, then start.
 */
export function chunkCorrections(
  tenant: string,
  chunk: Pick<ReprocessChunk, 'start' | 'end' | 'users'>,
  records: readonly ChunkRecord[],
  adapter: SourceAdapter,
  limits: ReplayLimits = {},
): QuarterHourCorrection[] {
  const after = rowsOf(records, chunk, adapter, limits);
  const before = rowsOf(records.filter((r) => !r.trigger), chunk, adapter, limits);
  const out: { userId: string; correction: QuarterHourCorrection }[] = [];
  const emit = (key: string, row: Row, status: 'final' | 'correction', metrics: PublishedMetrics, breakdown: HistoryPart[]): void => {
    const userId = key.slice(0, key.lastIndexOf('|'));
    out.push({ userId, correction: { tenant, source: SOURCE, userId, userName: row.userName, intervalStart: row.start, intervalEnd: row.end, status, metrics, breakdown, maxChangeTimestamp: row.maxChangeTimestamp } });
  };
  for (const [key, row] of after) {
    const previous = before.get(key);
    if (previous === undefined) emit(key, row, 'final', row.metrics, row.breakdown);
    else if (!sameRow(previous, row)) emit(key, row, 'correction', row.metrics, row.breakdown);
  }
  for (const [key, row] of before) if (!after.has(key)) emit(key, row, 'correction', publishMetrics(newMetricVector(), sourceProfile(SOURCE, limits.directContacts === true)), []);
  return out
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.correction.intervalStart - b.correction.intervalStart))
    .map((entry) => entry.correction);
}

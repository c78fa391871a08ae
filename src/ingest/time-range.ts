import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/** A half-open range of epoch milliseconds, [start, end). */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Rounds `ms` down to a multiple of `granularityMs` (1 for exact ranges, 900 000 for quarter-hour endpoints). */
export function alignDown(ms: number, granularityMs: number): number {
  return Math.floor(ms / granularityMs) * granularityMs;
}

/**
 * Splits a range whose query hit the vendor's row limit into two halves at a granularity-aligned midpoint.
 * Throws VENDOR_ROW_LIMIT when the range is a single granule and cannot be narrowed.
 */
export function splitRange(range: TimeRange, granularityMs: number): [TimeRange, TimeRange] {
  const mid = alignDown(range.start + (range.end - range.start) / 2, granularityMs);
  const cut = mid <= range.start ? range.start + granularityMs : mid;
  if (cut >= range.end) {
    throw new AgentTimelinesError(
      'VENDOR_ROW_LIMIT',
      `the range [${new Date(range.start).toISOString()}, ${new Date(range.end).toISOString()}) still hits the row limit and cannot be narrowed below ${granularityMs} ms`,
    );
  }
  return [
    { start: range.start, end: cut },
    { start: cut, end: range.end },
  ];
}

/** Splits [start, end) into consecutive chunks of at most `chunkMs`. */
export function chunkRange(range: TimeRange, chunkMs: number): TimeRange[] {
  const chunks: TimeRange[] = [];
  for (let start = range.start; start < range.end; start += chunkMs) chunks.push({ start, end: Math.min(range.end, start + chunkMs) });
  return chunks;
}

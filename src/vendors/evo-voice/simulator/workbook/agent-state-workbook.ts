import type { EvoStateInterval } from '../model/agent-states.ts';
import { visibleAt } from '../model/visible-interval.ts';
import { renderTime } from './render-time.ts';
import { writeSheet } from './write-sheet.ts';

export const AGENT_STATE_SHEET = 'Agent States';

/** Row 1 of the sheet, in order; the webhook's row keys are these, camelCased (AGENT_STATE_ROW_KEYS). */
export const AGENT_STATE_HEADERS = ['Agent Id', 'Agent Name', 'Extension', 'State', 'Reason', 'Start Time', 'End Time', 'Duration (s)'] as const;
export const AGENT_STATE_ROW_KEYS = ['agentId', 'agentName', 'extension', 'state', 'reason', 'startTime', 'endTime', 'durationSeconds'] as const;

export type AgentStateRowKey = (typeof AGENT_STATE_ROW_KEYS)[number];
/** One workbook row by column key; null is a blank cell. */
export type AgentStateRow = Readonly<Record<AgentStateRowKey, string | number | null>>;

/**
 * The rows of an agent-state report over [windowStart, windowEnd) run at simulated time `now`: every interval that
 * starts in the window and before `now`, sorted by start, then agent id (`intervals` must be in that order), with
 * End Time and Duration blank while the interval is open at `now`. Times rendered in `zone`.
 */
export function agentStateRows(intervals: readonly EvoStateInterval[], window: { start: number; end: number }, now: number, zone: string): AgentStateRow[] {
  const rows: AgentStateRow[] = [];
  for (const interval of intervals) {
    if (interval.start < window.start || interval.start >= window.end) continue;
    const visible = visibleAt(interval, now);
    if (visible === null) continue;
    rows.push({
      agentId: visible.agentId,
      agentName: visible.agentName,
      extension: visible.extension,
      state: visible.state,
      reason: visible.reason,
      startTime: renderTime(visible.start, zone),
      endTime: visible.end === null ? null : renderTime(visible.end, zone),
      durationSeconds: visible.end === null ? null : (visible.end - visible.start) / 1000,
    });
  }
  return rows;
}

/** The agent-state workbook of `rows`. */
export function agentStateWorkbook(rows: readonly AgentStateRow[]): Promise<Buffer> {
  return writeSheet(AGENT_STATE_SHEET, AGENT_STATE_HEADERS, AGENT_STATE_ROW_KEYS, rows);
}

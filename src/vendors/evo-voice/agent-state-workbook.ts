import { parseTimestamp } from '../../core/time/timestamp.ts';
import type { Cell, ParsedWorkbook, RowRejection, SheetLayout, SheetRow } from './workbook-sheet.ts';
import { idText, readSheet, rowJson } from './workbook-sheet.ts';

/** `AgentStates` of the Evo Voice API. */
export const AGENT_STATES = ['Unknown', 'Ready', 'NotReady', 'LoggedOut', 'WrapUp', 'Outgoing', 'Other'] as const;
/** `AgentStateReasons` of the Evo Voice API. */
export const AGENT_STATE_REASONS = ['Unknown', 'SetByUser', 'MissedCall', 'SetBySystem'] as const;

type AgentStateField = 'agentId' | 'agentName' | 'extension' | 'state' | 'reason' | 'startTime' | 'endTime' | 'durationSeconds';

/**
 * Header text → field of the `Agent States` sheet (docs/vendors/evo-voice-contract.md). A real export with other
 * column names or order needs only more entries here.
 */
export const AGENT_STATE_LAYOUT: SheetLayout<AgentStateField> = {
  sheet: 'Agent States',
  headers: {
    'Agent Id': 'agentId',
    'Agent Name': 'agentName',
    Extension: 'extension',
    State: 'state',
    Reason: 'reason',
    'Start Time': 'startTime',
    'End Time': 'endTime',
    'Duration (s)': 'durationSeconds',
  },
  fields: ['agentId', 'agentName', 'extension', 'state', 'reason', 'startTime', 'endTime', 'durationSeconds'],
  required: ['agentId', 'state', 'reason', 'startTime', 'endTime', 'durationSeconds'],
};

/** One agent state interval as the workbook renders it (times are the workbook's text, with their offset). */
export interface AgentStateRow {
  readonly agentId: string;
  readonly agentName: string | null;
  readonly extension: string | null;
  readonly state: string;
  readonly reason: string | null;
  readonly startTime: string;
  readonly endTime: string | null;
  readonly durationSeconds: number | null;
}

/** A row that passed validation, with its sheet row number and its start as epoch ms. */
export interface ParsedAgentStateRow {
  readonly sheetRow: number;
  readonly start: number;
  readonly row: AgentStateRow;
}

/** ISO-8601 with a `T`, seconds, optional fraction and an explicit offset (`Z` or ±HH:MM): an unambiguous instant. */
const INSTANT_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function instant(cell: Cell): { text: string; ms: number } | 'not-text' | 'bad' | null {
  if (cell === null) return null;
  if (typeof cell !== 'string') return 'not-text';
  const text = cell.trim();
  if (!INSTANT_TEXT.test(text)) return 'bad';
  const ms = parseTimestamp(text);
  return Number.isNaN(ms) ? 'bad' : { text, ms };
}

/** Slack between Duration (s) and End − Start: the duration is rendered with millisecond precision. */
const DURATION_SLACK_MS = 2;

/** Validates one row; returns the row or the kebab-case reason it is rejected. */
export function validateAgentStateRow(row: SheetRow<AgentStateField>): ParsedAgentStateRow | string {
  const c = row.cells;
  const agentId = idText(c.agentId);
  if (agentId === null || agentId === '') return 'missing-agent-id';
  if (typeof c.state !== 'string' || !(AGENT_STATES as readonly string[]).includes(c.state.trim())) return 'unknown-state';
  if (c.reason !== null && (typeof c.reason !== 'string' || !(AGENT_STATE_REASONS as readonly string[]).includes(c.reason.trim()))) return 'unknown-reason';
  const start = instant(c.startTime);
  if (start === null) return 'missing-start-time';
  if (typeof start === 'string') return start === 'not-text' ? 'start-time-not-text' : 'bad-start-time';
  const end = instant(c.endTime);
  if (typeof end === 'string') return end === 'not-text' ? 'end-time-not-text' : 'bad-end-time';
  if (end !== null && end.ms < start.ms) return 'end-before-start';
  const duration = c.durationSeconds;
  if (duration !== null && (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0)) return 'bad-duration';
  if ((end === null) !== (duration === null)) return 'open-interval-mismatch';
  if (end !== null && typeof duration === 'number' && Math.abs(end.ms - start.ms - duration * 1000) > DURATION_SLACK_MS) return 'duration-mismatch';
  return {
    sheetRow: row.sheetRow,
    start: start.ms,
    row: {
      agentId,
      agentName: idText(c.agentName),
      extension: idText(c.extension),
      state: c.state.trim(),
      reason: typeof c.reason === 'string' ? c.reason.trim() : null,
      startTime: start.text,
      endTime: end?.text ?? null,
      durationSeconds: typeof duration === 'number' ? duration : null,
    },
  };
}

/**
 * Parses an agent-state report workbook (sheet `Agent States`, header-driven via {@link AGENT_STATE_LAYOUT}). Rows
 * that fail validation become rejections; the rest come back in sheet order. Throws WorkbookError when the workbook
 * as a whole is unusable (see workbook-sheet.ts).
 */
export async function parseAgentStateWorkbook(bytes: Uint8Array): Promise<ParsedWorkbook<ParsedAgentStateRow>> {
  const sheet = await readSheet(bytes, AGENT_STATE_LAYOUT);
  const rows: ParsedAgentStateRow[] = [];
  const rejections: RowRejection[] = [];
  for (const row of sheet.rows) {
    const result = validateAgentStateRow(row);
    if (typeof result === 'string') rejections.push({ sheetRow: row.sheetRow, reason: result, body: rowJson(row) });
    else rows.push(result);
  }
  return { rows, rejections, unknownHeaders: sheet.unknownHeaders };
}

import { describe, expect, it } from 'vitest';
import { parseAgentStateWorkbook } from '../../../src/vendors/evo-voice/agent-state-workbook.ts';
import { WorkbookError } from '../../../src/vendors/evo-voice/workbook-sheet.ts';
import { AGENT_STATE_HEADERS, intervalRow, workbook } from './support/workbooks.ts';

const T0 = Date.parse('2026-11-29T09:00:00.000Z');

describe('parseAgentStateWorkbook', () => {
  it('reads every interval row, with offsets, open intervals and blank reasons as the workbook renders them', async () => {
    const bytes = await workbook('Agent States', AGENT_STATE_HEADERS, [
      ['a1', 'Ann', '101', 'Ready', null, '2026-10-25T03:30:00.000+02:00', '2026-10-25T03:00:00.000+01:00', 1800],
      ['a2', 'Bob', 102, 'NotReady', 'MissedCall', '2026-10-25T03:15:00.250+02:00', null, null],
    ]);
    const parsed = await parseAgentStateWorkbook(bytes);
    expect(parsed.rejections).toEqual([]);
    expect(parsed.rows).toEqual([
      { sheetRow: 2, start: Date.parse('2026-10-25T01:30:00.000Z'), row: { agentId: 'a1', agentName: 'Ann', extension: '101', state: 'Ready', reason: null, startTime: '2026-10-25T03:30:00.000+02:00', endTime: '2026-10-25T03:00:00.000+01:00', durationSeconds: 1800 } },
      { sheetRow: 3, start: Date.parse('2026-10-25T01:15:00.250Z'), row: { agentId: 'a2', agentName: 'Bob', extension: '102', state: 'NotReady', reason: 'MissedCall', startTime: '2026-10-25T03:15:00.250+02:00', endTime: null, durationSeconds: null } },
    ]);
  });

  it('is header-driven: another column order, other spacing and case, and unknown columns read the same', async () => {
    const headers = ['duration (s)', 'Unknown Column', 'START  TIME', 'Agent Id', 'State', 'End Time', 'Reason'];
    const bytes = await workbook('Agent States', headers, [[60, 'x', '2026-11-29T09:00:00.000Z', 'a1', 'WrapUp', '2026-11-29T09:01:00.000Z', null]]);
    const parsed = await parseAgentStateWorkbook(bytes);
    expect(parsed.unknownHeaders).toEqual(['Unknown Column']);
    expect(parsed.rows).toEqual([{ sheetRow: 2, start: T0, row: { agentId: 'a1', agentName: null, extension: null, state: 'WrapUp', reason: null, startTime: '2026-11-29T09:00:00.000Z', endTime: '2026-11-29T09:01:00.000Z', durationSeconds: 60 } }]);
  });

  it('rejects each bad row with a reason and keeps the good ones', async () => {
    const good = intervalRow('a1', 'Ready', T0, T0 + 60_000);
    const bytes = await workbook('Agent States', AGENT_STATE_HEADERS, [
      good,
      [null, 'Nobody', '100', 'Ready', null, '2026-11-29T09:00:00.000Z', '2026-11-29T09:01:00.000Z', 60],
      ['a2', 'B', '102', 'OnCall', null, '2026-11-29T09:00:00.000Z', '2026-11-29T09:01:00.000Z', 60],
      ['a3', 'C', '103', 'NotReady', 'Lunch', '2026-11-29T09:00:00.000Z', '2026-11-29T09:01:00.000Z', 60],
      ['a4', 'D', '104', 'Ready', null, '2026-11-29 09:00:00', '2026-11-29T09:01:00.000Z', 60],
      ['a5', 'E', '105', 'Ready', null, '2026-11-29T09:02:00.000Z', '2026-11-29T09:01:00.000Z', 0],
      ['a6', 'F', '106', 'Ready', null, '2026-11-29T09:00:00.000Z', '2026-11-29T09:01:00.000Z', 61],
      ['a7', 'G', '107', 'Ready', null, '2026-11-29T09:00:00.000Z', null, 60],
      ['a8', 'H', '108', 'Ready', null, '2026-11-29T09:00:00.000Z', '2026-11-29T09:01:00.000Z', 'sixty'],
    ]);
    const parsed = await parseAgentStateWorkbook(bytes);
    expect(parsed.rows.map((r) => r.row.agentId)).toEqual(['a1']);
    expect(parsed.rejections.map((r) => [r.sheetRow, r.reason])).toEqual([
      [3, 'missing-agent-id'],
      [4, 'unknown-state'],
      [5, 'unknown-reason'],
      [6, 'bad-start-time'],
      [7, 'end-before-start'],
      [8, 'duration-mismatch'],
      [9, 'open-interval-mismatch'],
      [10, 'bad-duration'],
    ]);
    expect(JSON.parse(parsed.rejections[1]?.body ?? '{}')).toMatchObject({ sheetRow: 4, agentId: 'a2', state: 'OnCall' });
  });

  it('a truncated workbook is a retriable error; a missing sheet or column is a schema mismatch', async () => {
    const bytes = await workbook('Agent States', AGENT_STATE_HEADERS, [intervalRow('a1', 'Ready', T0, T0 + 1000)]);
    const truncated = parseAgentStateWorkbook(bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expect(truncated).rejects.toBeInstanceOf(WorkbookError);
    await expect(truncated).rejects.toMatchObject({ code: 'VENDOR_MALFORMED_RESPONSE', retriable: true });
    await expect(parseAgentStateWorkbook(await workbook('Sheet1', AGENT_STATE_HEADERS, []))).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining('no sheet "Agent States"') });
    const noStart = AGENT_STATE_HEADERS.filter((h) => h !== 'Start Time');
    await expect(parseAgentStateWorkbook(await workbook('Agent States', noStart, []))).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', retriable: false, message: expect.stringContaining('startTime') });
  });

  it('an empty report (headers only) has no rows', async () => {
    expect(await parseAgentStateWorkbook(await workbook('Agent States', AGENT_STATE_HEADERS, []))).toEqual({ rows: [], rejections: [], unknownHeaders: [] });
  });
});

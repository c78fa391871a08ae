import { describe, expect, it } from 'vitest';
import { replay } from '../../src/core/replay/replay.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { parseTimestamp } from '../../src/core/time/timestamp.ts';
import { chunkCorrections } from '../../src/processor/reprocess-diff.ts';
import { generateRawHistory } from './support/raw-history.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { SINCH_KNOWN_FIELDS, SINCH_UNKNOWN_FIELDS } from '../support/known-metrics.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAY0 = Date.UTC(2024, 4, 6);
const records = generateRawHistory({ seed: 11, agents: 3, start: DAY0 + 8 * HOUR, spanMs: 3 * HOUR, sessionsPerAgent: 1 });
const users = [...new Set(records.map((r) => r['userId']!))].sort();
const chunk = { start: DAY0, end: DAY0 + DAY, users };

describe('chunkCorrections', () => {
  it('publishes every replay row of the chunk as final when none of it was published before', () => {
    const rows = chunkCorrections('t', chunk, records.map((record) => ({ record, trigger: true })), sinchAgentStatusHistoryAdapter);
    const expected = replay(records, sinchAgentStatusHistoryAdapter, { until: chunk.end }).rows;
    expect(rows).toHaveLength(expected.length);
    expect(rows.every((row) => row.status === 'final' && row.tenant === 't')).toBe(true);
    expected.forEach((row, i) => {
      expect(rows[i]!.userId).toBe(row.userId);
      expect(rows[i]!.intervalStart).toBe(parseTimestamp(row.intervalStart));
      expect(rows[i]!.maxChangeTimestamp).toBe(parseTimestamp(row.maxChangeTimestamp));
      for (const field of METRIC_FIELDS) expect(rows[i]!.metrics[field], field).toBe(row[field]);
    });
  });

  it('publishes nothing when the run adds nothing (a backfill of rows that were already there)', () => {
    const twice = [...records.map((record) => ({ record, trigger: false })), ...records.map((record) => ({ record, trigger: true }))];
    expect(chunkCorrections('t', chunk, twice, sinchAgentStatusHistoryAdapter)).toEqual([]);
  });

  it('publishes only the windows a late row changes, as corrections', () => {
    const user = users[0]!;
    const session = records.filter((r) => r['userId'] === user);
    const at = parseTimestamp(session[5]!['changeTimestamp']!) + 1;
    const late: Record<string, string> = { ...session[0]!, userStatus: 'Pause', userStatusTimestamp: new Date(at).toISOString(), changeTimestamp: new Date(at + 1).toISOString() };
    delete late['status'];
    delete late['statusTimestamp'];
    const rows = chunkCorrections('t', chunk, [...records.map((record) => ({ record, trigger: false })), { record: late, trigger: true }], sinchAgentStatusHistoryAdapter);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.userId === user && row.status === 'correction' && row.intervalStart >= Math.floor(at / 900_000) * 900_000 - 900_000)).toBe(true);
    const after = new Map(replay([...records, late], sinchAgentStatusHistoryAdapter, { until: chunk.end }).rows.map((row) => [`${row.userId}|${parseTimestamp(row.intervalStart)}`, row]));
    for (const row of rows) expect(row.metrics.pauseDuration).toBe(after.get(`${row.userId}|${row.intervalStart}`)!.pauseDuration);
  });

  it('publishes zero rows for windows that lose their content (a LoggedOut that arrived late)', () => {
    const user = users[1]!;
    const session = records.filter((r) => r['userId'] === user);
    const end = session.find((r) => r['userStatus'] === 'LoggedOut')!;
    const cut = parseTimestamp(session[Math.floor(session.length / 2)]!['changeTimestamp']!) + 1;
    const early = { ...end, userStatusTimestamp: new Date(cut).toISOString(), statusTimestamp: new Date(cut).toISOString(), changeTimestamp: new Date(cut).toISOString() };
    const rows = chunkCorrections('t', chunk, [...records.map((record) => ({ record, trigger: false })), { record: early, trigger: true }], sinchAgentStatusHistoryAdapter);
    // an emptied Sinch RAI row: 0 for every field it knows, null (still unknown) for the rest
    const zero = rows.filter((row) => SINCH_KNOWN_FIELDS.every((field) => row.metrics[field] === 0) && SINCH_UNKNOWN_FIELDS.every((field) => row.metrics[field] === null));
    expect(zero.length).toBeGreaterThan(2);
    expect(zero.every((row) => row.status === 'correction' && row.userId === user && row.intervalStart >= cut - 900_000)).toBe(true);
  });

  it('keeps to the chunk and its users', () => {
    const rows = chunkCorrections('t', { start: DAY0 + 9 * HOUR, end: DAY0 + 10 * HOUR, users: [users[2]!] }, records.map((record) => ({ record, trigger: true })), sinchAgentStatusHistoryAdapter);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.userId === users[2] && row.intervalStart >= DAY0 + 9 * HOUR && row.intervalStart < DAY0 + 10 * HOUR)).toBe(true);
  });
});

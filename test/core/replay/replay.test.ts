import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const at = (s: string): string => `2024-01-01 ${s}`;
const rec = (sessionId: string, fields: Record<string, unknown>): Record<string, unknown> => ({ sessionId, userId: 'U1', userName: 'Agent', ...fields });

describe('replay', () => {
  it('counts rejected records by reason and keeps going', () => {
    const result = replay([
      42,
      { userId: 'U1' },
      rec('S1', { changeTimeStamp: at('09:00:00'), userStatus: 'Ready', userStatusTimeStamp: at('09:00:00'), status: 'Waiting', statusTimestamp: at('09:00:00') }),
      rec('S1', { changeTimeStamp: at('09:10:00'), status: 'LoggedOut', statusTimestamp: at('09:10:00') }),
      rec('S1', { changeTimeStamp: at('09:20:00'), status: 'Waiting', statusTimestamp: at('09:20:00') }),
      rec('S1', { changeTimeStamp: at('09:20:00'), status: 'Waiting', statusTimestamp: at('09:20:00') }),
      rec('S1', { changeTimeStamp: 'bad', status: 'Waiting', statusTimestamp: at('09:20:00') }),
    ], sinchAgentStatusHistoryAdapter);
    expect(result.rejected).toEqual({ 'not-an-object': 1, 'missing-sessionId': 1, 'after-session-end': 2, 'bad-timestamp': 1 });
    expect(result.accepted).toBe(2);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.servingDuration).toBe(600_000);
  });
  // S1's LoggedOut is missing: S2, the user's newer session, ends it at its first event (docs/metrics.md)
  it('sums a user’s sessions and takes the newest userName', () => {
    const rows = replay([
      rec('S1', { userName: 'Old', changeTimeStamp: at('09:00:00'), userStatus: 'Ready', userStatusTimeStamp: at('09:00:00'), status: 'Waiting', statusTimestamp: at('09:00:00') }),
      rec('S2', { userName: 'New', changeTimeStamp: at('09:05:00'), userStatus: 'Pause', userStatusTimeStamp: at('09:05:00'), status: 'Waiting', statusTimestamp: at('09:05:00') }),
      rec('S2', { userName: 'New', changeTimeStamp: at('09:14:00'), status: 'LoggedOut', statusTimestamp: at('09:14:00') }),
    ], sinchAgentStatusHistoryAdapter, { until: Date.UTC(2024, 0, 1, 9, 15) }).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userName: 'New', servingDuration: 300_000 + 540_000, readyDuration: 300_000, pauseDuration: 540_000, maxChangeTimestamp: '2024-01-01T09:14:00.000Z' });
  });
  it('uses the greatest accepted eventTime as the default horizon', () => {
    const rows = replay([
      rec('S1', { changeTimeStamp: at('09:00:00'), userStatus: 'Ready', userStatusTimeStamp: at('09:00:00'), status: 'Waiting', statusTimestamp: at('09:00:00') }),
      { ...rec('S9', { changeTimeStamp: at('09:07:00'), status: 'Waiting', statusTimestamp: at('09:07:00') }), userId: 'U2' },
    ], sinchAgentStatusHistoryAdapter).rows;
    expect(rows.map((r) => [r.userId, r.servingDuration])).toEqual([['U1', 420_000]]);
  });
  it('rejects invalid options', () => {
    expect(() => replay([], sinchAgentStatusHistoryAdapter, { timeZone: 'Nowhere/Land' })).toThrow(RangeError);
    expect(() => replay([], sinchAgentStatusHistoryAdapter, { timeCategory: 'decade' as never })).toThrow(RangeError);
    expect(replay([], sinchAgentStatusHistoryAdapter)).toEqual({ rows: [], rejected: {}, accepted: 0, duplicates: 0 });
  });
});

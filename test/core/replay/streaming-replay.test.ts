import { describe, expect, it } from 'vitest';
import { replay, statisticRow } from '../../../src/core/replay/replay.ts';
import type { AgentStatisticRow, TimeCategory } from '../../../src/core/replay/replay.ts';
import { StreamingReplay } from '../../../src/core/replay/streaming-replay.ts';
import { sinchAgentStatusHistoryAdapter as adapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const DAY = 86_400_000;
const STATUSES = ['Talking_Inbound', 'Wrap', 'Waiting', 'Dialing_Outbound', 'Talking_Outbound', 'Waiting'];
const sinch = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** `days` working days of `agents` agents (one session a day, a status every 7 minutes), in event-time order. */
function* workdays(agents: number, days: number): Generator<Record<string, string>> {
  for (let day = 0; day < days; day++) {
    const records: { t: number; r: Record<string, string> }[] = [];
    for (let a = 0; a < agents; a++) {
      const base = { sessionId: `S${a}-${day}`, userId: `U${a}`, userName: `Agent ${a}${day % 5 === 0 ? ' (renamed)' : ''}` };
      const start = Date.UTC(2024, 0, 1) + day * DAY + 8 * 3_600_000 + a * 61_000;
      const push = (t: number, r: Record<string, string>): void => void records.push({ t, r: { ...base, ...r, changeTimeStamp: sinch(t + 250) } });
      push(start, { userStatus: 'Ready', userStatusTimeStamp: sinch(start), status: 'Waiting', statusTimestamp: sinch(start) });
      for (let i = 1; i < 60; i++) push(start + i * 420_000, { status: STATUSES[(i + a) % STATUSES.length] as string, statusTimestamp: sinch(start + i * 420_000) });
      if (day % 7 !== 3) push(start + 60 * 420_000, { status: 'LoggedOut', statusTimestamp: sinch(start + 60 * 420_000) });
    }
    records.sort((x, y) => x.t - y.t);
    for (const { r } of records) yield r;
  }
}

describe('StreamingReplay', () => {
  it.each<TimeCategory>(['quarterHour', 'week', 'all'])('holds as much on day 40 as on day 10, hands rows on as they become final, and equals replay() (%s)', (timeCategory) => {
    const rows: AgentStatisticRow[] = [];
    let rowsBeforeFinish = 0;
    const stream = new StreamingReplay(adapter, { timeCategory, timeZone: 'Europe/Helsinki' }, (batch) => rows.push(...batch.map(statisticRow)));
    const held: (typeof stream.held)[] = [];
    const records = [...workdays(4, 40)];
    records.forEach((record, i) => {
      expect(stream.push(record)).toBeNull();
      if (i % 245 === 244) held.push(stream.held);
    });
    rowsBeforeFinish = rows.length;
    const end = stream.finish();
    expect('reason' in end).toBe(false);
    const expected = replay(records, adapter, { timeCategory, timeZone: 'Europe/Helsinki' });
    const byUser = [...rows].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.intervalStart < b.intervalStart ? -1 : 1));
    expect({ rows: byUser, ...end }).toEqual(expected);
    if (timeCategory !== 'all') expect(rowsBeforeFinish).toBeGreaterThan(rows.length * 0.8);
    // every day of 245 records: what is held on the last days is no more than on the tenth
    const day10 = held[9] as (typeof held)[number];
    const late = held.slice(30);
    for (const key of ['bufferedEvents', 'openSessions', 'sessions', 'users', 'windows', 'marks'] as const) {
      expect(Math.max(...late.map((h) => h[key])), key).toBeLessThanOrEqual(Math.max(day10[key], 4) * 1.5);
    }
    expect((held[held.length - 1] as (typeof held)[number]).forgottenSessions).toBeGreaterThan(30 * 4);
  });
});

/**
 * The re-processor keeps the Direct fields: a correction of an old day (chunkCorrections, the batch replay over the raw
 * topic's records) joins the routed direct contacts found by the raw scan as the live engine did, so a corrected
 * window carries the exact Direct values (not 0); for a tenant without direct contacts they stay null, as live.
 */
import { describe, expect, it } from 'vitest';
import { chunkCorrections } from '../../src/processor/reprocess-diff.ts';
import { eventSpan } from '../../src/processor/reprocess-requests.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import type { Call } from '../core/direct/direct-raw.ts';
import { historyRow, routedContact } from '../core/direct/direct-raw.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 30, 8, 0);
// 08:00 login, 08:10:00–08:22:00 a direct inbound call (08:15 splits it), 08:23 a queued one of 1 min, logout 08:40
const direct: Call = { contactId: 'c1', inbound: true, start: T0 + 10 * MIN, connect: T0 + 10 * MIN, disconnect: T0 + 22 * MIN, afterworkEnd: T0 + 22 * MIN + 30_000, direct: true, lag: 2_000, arrivesAt: 0 };
const history = [
  historyRow('s', 'u', T0, 'userStatus', 'Ready'), historyRow('s', 'u', T0, 'status', 'Waiting'),
  historyRow('s', 'u', direct.start, 'status', 'Talking_Inbound'), historyRow('s', 'u', direct.disconnect, 'status', 'Wrap'), historyRow('s', 'u', direct.afterworkEnd, 'status', 'Waiting'),
  historyRow('s', 'u', T0 + 23 * MIN, 'status', 'Talking_Inbound'), historyRow('s', 'u', T0 + 24 * MIN, 'status', 'Waiting'),
  historyRow('s', 'u', T0 + 40 * MIN, 'userStatus', 'LoggedOut'),
];
const contact = routedContact('u', direct);
// too late for the live engine: two 1-min Pauses of the presence (08:12, 08:20), one in each window of the call
const late = [historyRow('s', 'u', T0 + 12 * MIN, 'userStatus', 'Pause'), historyRow('s', 'u', T0 + 13 * MIN, 'userStatus', 'Ready'), historyRow('s', 'u', T0 + 20 * MIN, 'userStatus', 'Pause'), historyRow('s', 'u', T0 + 21 * MIN, 'userStatus', 'Ready')];
const chunk = { start: T0 - 60 * MIN, end: T0 + 24 * 60 * MIN, users: ['u'] };

describe('re-processing keeps the Direct fields', () => {
  it('a routed direct contact spans the times its run can cover, so the raw scan of the run\'s range finds it', () => {
    const span = eventSpan(contact, sinchAgentStatusHistoryAdapter);
    expect(span).not.toBeNull();
    expect(span!.from).toBeLessThanOrEqual(direct.connect);
    expect(span!.to).toBeGreaterThanOrEqual(direct.disconnect);
  });

  it('corrections of the windows a late record changes carry the exact Direct values of the joined contact', () => {
    const records = [...history, contact].map((record) => ({ record, trigger: false }));
    const rows = chunkCorrections('t', chunk, [...records, ...late.map((record) => ({ record, trigger: true }))], sinchAgentStatusHistoryAdapter, { directContacts: true });
    const byStart = new Map(rows.map((row) => [row.intervalStart, row]));
    expect([...byStart.keys()].sort()).toEqual([T0, T0 + 15 * MIN]);
    expect(rows.every((row) => row.status === 'correction')).toBe(true);
    expect(byStart.get(T0)!.metrics).toMatchObject({ pauseDuration: MIN, callInDuration: 5 * MIN, callInDirectDuration: 5 * MIN, countOfHandledCallInDirect: 0, countOfHandledCallIn: 0 });
    // 08:15–08:22 of the direct call and its count; the queued call 08:23–08:24 is not direct
    expect(byStart.get(T0 + 15 * MIN)!.metrics).toMatchObject({ pauseDuration: MIN, callInDuration: 8 * MIN, countOfHandledCallIn: 2, callInDirectDuration: 7 * MIN, countOfHandledCallInDirect: 1, callOutDirectDuration: 0, countOfHandledCallOutDirect: 0 });
  });

  it('a tenant without direct contacts keeps them null (unknown), as its live engine publishes them', () => {
    const records = history.map((record) => ({ record, trigger: false }));
    const rows = chunkCorrections('t', chunk, [...records, ...late.map((record) => ({ record, trigger: true }))], sinchAgentStatusHistoryAdapter);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.metrics).toMatchObject({ callInDirectDuration: null, countOfHandledCallInDirect: null, callOutDirectDuration: null, countOfHandledCallOutDirect: null });
  });

  it('a window emptied by a correction publishes Direct 0 where Direct is known', () => {
    const early = historyRow('s', 'u', T0 + 5 * MIN, 'userStatus', 'LoggedOut');
    const records = [...history, contact].map((record) => ({ record, trigger: false }));
    const rows = chunkCorrections('t', chunk, [...records, { record: early, trigger: true }], sinchAgentStatusHistoryAdapter, { directContacts: true });
    const emptied = rows.find((row) => row.intervalStart === T0 + 15 * MIN)!;
    expect(emptied.metrics).toMatchObject({ servingDuration: 0, callInDirectDuration: 0, countOfHandledCallInDirect: 0 });
  });
});

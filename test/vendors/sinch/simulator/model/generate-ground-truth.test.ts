import { describe, expect, it } from 'vitest';
import { replay } from '../../../../../src/core/replay/replay.ts';
import { adaptSinchRecord } from '../../../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { parseTimestamp } from '../../../../../src/core/time/timestamp.ts';
import { generateGroundTruth } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { FROM, TO } from '../support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { knownRows } from '../../../../support/known-metrics.ts';

const day = generateGroundTruth({ seed: 11, agents: 24, from: FROM, to: TO });
const RAW_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

function bySession(): Map<string, Array<Record<string, unknown>>> {
  const sessions = new Map<string, Array<Record<string, unknown>>>();
  for (const { row } of day.agentStatusHistory) {
    const list = sessions.get(String(row['sessionId'])) ?? [];
    list.push(row);
    sessions.set(String(row['sessionId']), list);
  }
  return sessions;
}

describe('generateGroundTruth', () => {
  it('is deterministic: same options, same ground truth; another seed differs', () => {
    const again = generateGroundTruth({ seed: 11, agents: 24, from: FROM, to: TO });
    expect(JSON.stringify(again)).toBe(JSON.stringify(day));
    const other = generateGroundTruth({ seed: 12, agents: 24, from: FROM, to: TO });
    expect(other.agentStatusHistory[0]?.row).not.toEqual(day.agentStatusHistory[0]?.row);
  });

  it("an agent's timeline does not depend on how many agents run", () => {
    const fewer = generateGroundTruth({ seed: 11, agents: 3, from: FROM, to: TO });
    const firstAgent = fewer.agents[0]?.userId;
    const pick = (d: typeof day): unknown[] => d.agentStatusHistory.filter((r) => r.userId === firstAgent).map((r) => r.row);
    expect(pick(fewer)).toEqual(pick(day));
  });

  it('agents have 32-hex uppercase ids and "Last, First" names', () => {
    for (const agent of day.agents) {
      expect(agent.userId).toMatch(/^[0-9A-F]{32}$/);
      expect(agent.userName).toMatch(/^[A-Za-z0-9 ]+, [A-Za-z]+$/);
    }
    expect(new Set(day.agents.map((a) => a.userId)).size).toBe(day.agents.length);
  });

  it('every row parses with the core adapter, uses the seed spellings and formats, and lies in [from, to)', () => {
    for (const { row, changeTimestamp, visibleAt } of day.agentStatusHistory) {
      expect('rejection' in adaptSinchRecord(row), JSON.stringify(row)).toBe(false);
      expect(row['changeTimeStamp']).toMatch(RAW_TIME);
      for (const key of ['signOn', 'statusTimestamp', 'userStatusTimeStamp']) if (row[key] !== undefined) expect(row[key]).toMatch(RAW_TIME);
      expect(Object.keys(row).every((k) => ['sessionId', 'userId', 'userName', 'signOn', 'profile', 'profileReason', 'profileType', 'status', 'statusTimestamp', 'OutboundServing', 'userStatus', 'userStatusTimeStamp', 'changeTimeStamp'].includes(k))).toBe(true);
      expect(changeTimestamp).toBe(parseTimestamp(String(row['changeTimeStamp'])));
      expect(changeTimestamp >= FROM && changeTimestamp < TO).toBe(true);
      expect(visibleAt).toBe(changeTimestamp);
    }
    const changes = day.agentStatusHistory.map((r) => r.changeTimestamp);
    expect(changes).toEqual([...changes].sort((a, b) => a - b));
  });

  it('every session starts with signOn + Waiting + Ready and ends with a LoggedOut row (profileReason "-")', () => {
    const sessions = bySession();
    expect(sessions.size).toBeGreaterThan(24);
    for (const rows of sessions.values()) {
      const first = rows[0] ?? {};
      expect(first).toMatchObject({ status: 'Waiting', userStatus: 'Ready' });
      expect(first['signOn']).toBe(first['statusTimestamp']);
      expect(rows.filter((r) => r['signOn'] !== undefined)).toHaveLength(1);
      const last = rows[rows.length - 1] ?? {};
      expect(last).toMatchObject({ status: 'LoggedOut', profileReason: '-' });
      expect(last['userStatus']).toBeUndefined();
      expect(rows.filter((r) => r['status'] === 'LoggedOut')).toHaveLength(1);
    }
  });

  it('covers the documented statuses and mirrors the seed quirks', () => {
    const rows = day.agentStatusHistory.map((r) => r.row);
    const statuses = new Set(rows.map((r) => r['status']));
    for (const s of ['Waiting', 'OBJoin', 'OBUnJoin', 'Preview', 'Wrap', 'Talking_Inbound', 'Talking_Outbound', 'Talking_Outbound_Campaign', 'Dialing_Outbound', 'Dialing_Outbound_Campaign', 'Chatting_Inbound', 'Chatting_Outbound', 'Emailing_Inbound', 'Emailing_Outbound', 'LoggedOut']) {
      expect(statuses.has(s), s).toBe(true);
    }
    expect(new Set(rows.map((r) => r['userStatus']))).toEqual(new Set([undefined, 'Ready', 'NotReady', 'Pause']));
    for (const r of rows.filter((x) => x['status'] === 'OBJoin' || x['status'] === 'OBUnJoin')) expect(r['OutboundServing']).toMatch(/^[0-9A-F]{32}$/);
    for (const r of rows.filter((x) => x['userStatus'] === 'Pause')) expect(r).toMatchObject({ profileType: 'Absence' });
    expect(rows.some((r) => r['profile'] === 'Lunch') && rows.some((r) => r['profile'] === 'Meeting')).toBe(true);
    for (const session of bySession().values()) {
      session.forEach((row, i) => {
        if (row['status'] !== 'Dialing_Outbound_Campaign') return;
        const preview = session.slice(0, i).reverse().find((r) => r['status'] === 'Preview');
        expect(row['statusTimestamp']).toBe(preview?.['statusTimestamp']);
        expect(parseTimestamp(String(row['statusTimestamp']))).toBeLessThan(parseTimestamp(String(session[i - 1]?.['statusTimestamp'])));
      });
    }
  });

  it('the core replay accepts every row and yields serving = ready + notReady + pause', () => {
    const result = replay(day.agentStatusHistory.map((r) => r.row), sinchAgentStatusHistoryAdapter, { until: TO });
    expect(result.rejected).toEqual({});
    expect(result.rows.length).toBeGreaterThan(100);
    for (const row of knownRows(result.rows)) expect(row.servingDuration).toBe(row.readyDuration + row.notReadyDuration + row.pauseDuration);
  });

  it('contacts are consistent with the timelines: each handled contact lies inside a session of its agent', () => {
    const spans = new Map<string, Array<[number, number]>>();
    for (const rows of bySession().values()) {
      const userId = String(rows[0]?.['userId']);
      const start = parseTimestamp(String(rows[0]?.['signOn']));
      const end = parseTimestamp(String(rows[rows.length - 1]?.['statusTimestamp']));
      spans.set(userId, [...(spans.get(userId) ?? []), [start, end]]);
    }
    expect(day.contacts.length).toBeGreaterThan(100);
    const types = new Set(day.contacts.map((c) => c.contact.type));
    expect(types).toEqual(new Set(['CallIn', 'CallOut', 'ChatIn', 'ChatOut', 'EmailIn', 'EmailOut']));
    for (const { contact, record } of day.contacts) {
      expect(record['contactId']).toMatch(/^[0-9A-F]{32}$/);
      expect(record['maxChangeTimestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      if (contact.user === undefined) {
        expect(contact.connect).toBeNull();
        continue;
      }
      const from = contact.connect ?? contact.arrival;
      expect(spans.get(contact.user.userId)?.some(([s, e]) => s <= from && contact.afterworkEnd <= e), contact.contactId).toBe(true);
    }
  });

  it('changeLagMaxMs and lateVisibilityMaxMs shape changeTimestamp and visibleAt', () => {
    const lagged = generateGroundTruth({ seed: 11, agents: 8, from: FROM, to: TO, changeLagMaxMs: 180_000, lateVisibilityMaxMs: 600_000 });
    const lags = lagged.agentStatusHistory.map((r) => r.changeTimestamp - parseTimestamp(String(r.row['statusTimestamp'] ?? r.row['userStatusTimeStamp'])));
    expect(Math.max(...lags)).toBeGreaterThan(60_000);
    const late = lagged.agentStatusHistory.filter((r) => r.visibleAt > r.changeTimestamp);
    expect(late.length).toBeGreaterThan(0);
    for (const r of lagged.agentStatusHistory) expect(r.visibleAt - r.changeTimestamp).toBeLessThanOrEqual(600_000);
    expect(Math.max(...lagged.agentStatusHistory.map((r) => r.visibleAt))).toBeLessThanOrEqual(TO);
  });

  it("a session's rows become visible in the order they are written (a late row holds back the later ones)", () => {
    const lagged = generateGroundTruth({ seed: 11, agents: 8, from: FROM, to: TO, changeLagMaxMs: 180_000, lateVisibilityMaxMs: 600_000 });
    const lastVisible = new Map<string, number>();
    let heldBack = 0;
    for (const r of lagged.agentStatusHistory) {
      const previous = lastVisible.get(r.sessionId) ?? Number.NEGATIVE_INFINITY;
      expect(r.visibleAt).toBeGreaterThanOrEqual(previous);
      if (r.visibleAt === previous && r.visibleAt > r.changeTimestamp) heldBack++;
      lastVisible.set(r.sessionId, r.visibleAt);
    }
    expect(heldBack).toBeGreaterThan(0);
  });
});

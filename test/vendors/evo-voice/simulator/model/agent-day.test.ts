import { describe, expect, it } from 'vitest';
import { AGENT_STATES, AGENT_STATE_REASONS, generateWorld } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import type { EvoStateInterval } from '../../../../../src/vendors/evo-voice/simulator/index.ts';

const FROM = Date.parse('2026-10-23T00:00:00.000Z');
const TO = Date.parse('2026-10-27T00:00:00.000Z');
const world = generateWorld({ seed: 3, agents: 10, from: FROM, to: TO, zone: 'Europe/Helsinki' });
const intervals = world.accounts.flatMap((a) => a.intervals);

function byAgent(list: readonly EvoStateInterval[]): Map<string, EvoStateInterval[]> {
  const map = new Map<string, EvoStateInterval[]>();
  for (const i of list) map.set(i.agentId, [...(map.get(i.agentId) ?? []), i]);
  for (const own of map.values()) own.sort((a, b) => a.start - b.start);
  return map;
}

describe('Evo Voice model: agents and their state intervals', () => {
  it('agents are User endpoints: 24-hex ids, names, distinct extensions', () => {
    const agents = world.accounts[0]?.agents ?? [];
    expect(agents).toHaveLength(10);
    for (const agent of agents) {
      expect(agent.id).toMatch(/^[0-9a-f]{24}$/);
      expect(agent.name).toMatch(/^\S+ \S+$/);
    }
    expect(new Set(agents.map((a) => a.extension)).size).toBe(10);
    expect(new Set(agents.map((a) => a.id)).size).toBe(10);
  });

  it("each agent's intervals are contiguous from `from`, never overlap, and only the last one is open", () => {
    const agents = byAgent(intervals);
    expect(agents.size).toBe(10);
    for (const own of agents.values()) {
      expect(own[0]?.start).toBe(FROM);
      own.forEach((interval, i) => {
        const next = own[i + 1];
        if (next === undefined) return expect(interval.end).toBeNull();
        expect(interval.end).toBe(next.start);
        expect(next.start).toBeGreaterThan(interval.start);
      });
    }
  });

  it('uses the vendor enums; Reason exactly for NotReady/Other/LoggedOut; LoggedOut separates sessions', () => {
    const states = new Set(intervals.map((i) => i.state));
    expect([...states].sort()).toEqual([...AGENT_STATES].sort());
    for (const i of intervals) {
      if (['NotReady', 'Other', 'LoggedOut'].includes(i.state)) expect(AGENT_STATE_REASONS).toContain(i.reason);
      else expect(i.reason).toBeNull();
    }
    const reasons = new Set(intervals.filter((i) => i.state === 'NotReady').map((i) => i.reason));
    expect(reasons).toEqual(new Set(['SetByUser', 'MissedCall', 'SetBySystem']));
    expect(new Set(intervals.map((i) => i.reason).filter((r) => r !== null))).toEqual(new Set(AGENT_STATE_REASONS));
    for (const own of byAgent(intervals).values()) {
      expect(own.filter((i) => i.state === 'LoggedOut').length).toBeGreaterThanOrEqual(3);
      own.forEach((interval, i) => {
        if (interval.state === 'WrapUp') expect(own[i - 1]?.state).toBe('Outgoing');
        // adjacent LoggedOut intervals never happen: a logout is one interval
        if (interval.state === 'LoggedOut') expect(own[i + 1]?.state ?? 'end').not.toBe('LoggedOut');
      });
    }
  });

  it('times have millisecond precision, and NotReady sometimes follows NotReady with another reason', () => {
    expect(intervals.filter((i) => i.start % 1000 !== 0).length).toBeGreaterThan(intervals.length * 0.9);
    const own = [...byAgent(intervals).values()].flat();
    const repeated = own.filter((i, k) => i.state === 'NotReady' && own[k + 1]?.state === 'NotReady' && own[k + 1]?.agentId === i.agentId);
    expect(repeated.length).toBeGreaterThan(0);
  });

  it('is a function of its options: same seed, same intervals; another seed, other intervals', () => {
    const again = generateWorld({ seed: 3, agents: 10, from: FROM, to: TO, zone: 'Europe/Helsinki' });
    expect(again).toEqual(world);
    const other = generateWorld({ seed: 4, agents: 10, from: FROM, to: TO, zone: 'Europe/Helsinki' });
    expect(other.accounts[0]?.intervals).not.toEqual(world.accounts[0]?.intervals);
    // adding agents keeps the existing ones
    const more = generateWorld({ seed: 3, agents: 12, from: FROM, to: TO, zone: 'Europe/Helsinki' });
    const first = world.accounts[0]?.agents[0];
    expect(more.accounts[0]?.agents[0]).toEqual(first);
    expect(more.accounts[0]?.intervals.filter((i) => i.agentId === first?.id)).toEqual(world.accounts[0]?.intervals.filter((i) => i.agentId === first?.id));
  });

  it('shifts follow local time in the zone: night agents work through the DST fall-back night', () => {
    // 2026-10-25 03:00–04:00 EEST happens twice in Europe/Helsinki: 00:00–01:00Z and 01:00–02:00Z
    const inRepeatedHour = intervals.filter((i) => i.state !== 'LoggedOut' && i.start >= Date.parse('2026-10-25T00:00:00Z') && i.start < Date.parse('2026-10-25T02:00:00Z'));
    expect(inRepeatedHour.length).toBeGreaterThan(10);
    const utc = generateWorld({ seed: 3, agents: 10, from: FROM, to: TO });
    expect(utc.accounts[0]?.intervals).not.toEqual(world.accounts[0]?.intervals);
  });
});

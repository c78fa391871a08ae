import { describe, expect, it } from 'vitest';
import type { AgentFacts } from '../../../src/core/alerts/agent-facts.ts';
import type { AlertRule } from '../../../src/core/alerts/alert-rule.ts';
import { AlertSnapshotError } from '../../../src/core/alerts/alert-snapshot.ts';
import { TenantAlertEvaluator } from '../../../src/core/alerts/tenant-alert-evaluator.ts';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const MIN = 60_000;

const LUNCH: AlertRule = { id: 'lunch', kind: 'state-duration', dimension: 'presence', states: ['NotReady'], reasons: ['Lunch'], longerThanMs: 30 * MIN };
const WRAP: AlertRule = { id: 'wrap', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: 2 * MIN };
const TALK: AlertRule = { id: 'talk', kind: 'state-duration', dimension: 'handling', states: ['Talking_*'], longerThanMs: 10 * MIN };
const FLOOR: AlertRule = { id: 'floor', kind: 'ready-below', minReady: 2 };

function agent(userId: string, patch: Partial<AgentFacts>): AgentFacts {
  return {
    userId, userName: `Agent ${userId}`, loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting', profile: null, profileReason: null,
    userStatusSince: T0, handlingStatusSince: T0, asOf: T0, ...patch,
  };
}

describe('TenantAlertEvaluator', () => {
  it('fires a NotReady-with-reason rule on the clock once the agent has been in it longer than N, and resolves it once', () => {
    const evaluator = new TenantAlertEvaluator('acme', [LUNCH]);
    expect(evaluator.apply(agent('u1', { userStatus: 'NotReady', profile: 'Lunch', userStatusSince: T0 }), T0 + 1_000)).toEqual([]);
    expect(evaluator.tick(T0 + 30 * MIN)).toEqual([]);
    const [fired, ...more] = evaluator.tick(T0 + 30 * MIN + 1);
    expect(more).toEqual([]);
    expect(fired).toMatchObject({ id: `acme/lunch/u1/${T0}`, status: 'firing', agentId: 'u1', userName: 'Agent u1', since: T0, firedAt: T0 + 30 * MIN + 1, resolvedAt: null, userStatus: 'NotReady', reason: 'Lunch' });
    expect(evaluator.tick(T0 + 31 * MIN)).toEqual([]);
    expect(evaluator.firing().map((alert) => alert.id)).toEqual([`acme/lunch/u1/${T0}`]);
    const resolved = evaluator.apply(agent('u1', { userStatus: 'Ready', userStatusSince: T0 + 32 * MIN, asOf: T0 + 32 * MIN }), T0 + 32 * MIN + 500);
    expect(resolved).toEqual([{ ...fired, status: 'resolved', resolvedAt: T0 + 32 * MIN + 500 }]);
    expect(evaluator.tick(T0 + 40 * MIN)).toEqual([]);
    expect(evaluator.firing()).toEqual([]);
  });

  it('fires at once when a state arrives whose start is already older than N (late history)', () => {
    const evaluator = new TenantAlertEvaluator('acme', [WRAP, TALK]);
    const late = evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0 - 5 * MIN }), T0);
    expect(late).toMatchObject([{ id: `acme/wrap/u1/${T0 - 5 * MIN}`, status: 'firing', firedAt: T0 }]);
    const talking = evaluator.apply(agent('u1', { handlingStatus: 'Talking_Outbound_Campaign', handlingStatusSince: T0 - 11 * MIN, asOf: T0 + 1 }), T0 + 1);
    expect(talking.map((t) => [t.ruleId, t.status])).toEqual([['wrap', 'resolved'], ['talk', 'firing']]);
  });

  it('fires as it resolves an episode that lasted longer than N but ended before a tick came (evaluator down or behind)', () => {
    const evaluator = new TenantAlertEvaluator('acme', [WRAP]);
    evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0 }), T0 + 1_000);
    const ended = evaluator.apply(agent('u1', { handlingStatus: 'Waiting', handlingStatusSince: T0 + 2 * MIN + 1, asOf: T0 + 3 * MIN }), T0 + 3 * MIN);
    expect(ended.map((t) => [t.id, t.status, t.handlingStatus, t.firedAt, t.resolvedAt])).toEqual([
      [`acme/wrap/u1/${T0}`, 'firing', 'Wrap', T0 + 3 * MIN, null],
      [`acme/wrap/u1/${T0}`, 'resolved', 'Wrap', T0 + 3 * MIN, T0 + 3 * MIN],
    ]);
    evaluator.apply(agent('u2', { handlingStatus: 'Wrap', handlingStatusSince: T0 }), T0 + 1_000);
    expect(evaluator.apply(agent('u2', { handlingStatus: 'Waiting', handlingStatusSince: T0 + 2 * MIN, asOf: T0 + 3 * MIN }), T0 + 3 * MIN)).toEqual([]);
  });

  it('does not fire for another reason, a logged-out agent or an unknown start', () => {
    const evaluator = new TenantAlertEvaluator('acme', [LUNCH]);
    evaluator.apply(agent('u1', { userStatus: 'NotReady', profile: 'Break', userStatusSince: T0 }), T0);
    evaluator.apply(agent('u2', { userStatus: 'NotReady', profile: 'Lunch', userStatusSince: null }), T0);
    evaluator.apply(agent('u3', { loggedIn: false, userStatus: 'NotReady', profile: 'Lunch' }), T0);
    expect(evaluator.tick(T0 + 60 * MIN)).toEqual([]);
  });

  it('matches the reason in profileReason too', () => {
    const evaluator = new TenantAlertEvaluator('acme', [LUNCH]);
    expect(evaluator.apply(agent('u1', { userStatus: 'NotReady', profile: 'Away', profileReason: 'Lunch', userStatusSince: T0 - 31 * MIN }), T0)).toHaveLength(1);
  });

  it('a new entry into the same state is a new episode with a new id', () => {
    const evaluator = new TenantAlertEvaluator('acme', [WRAP]);
    evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0 }), T0);
    expect(evaluator.tick(T0 + 3 * MIN)).toHaveLength(1);
    const next = evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0 + 4 * MIN, asOf: T0 + 4 * MIN }), T0 + 4 * MIN);
    expect(next.map((t) => [t.id, t.status])).toEqual([[`acme/wrap/u1/${T0}`, 'resolved']]);
    expect(evaluator.tick(T0 + 7 * MIN).map((t) => [t.id, t.status])).toEqual([[`acme/wrap/u1/${T0 + 4 * MIN}`, 'firing']]);
  });

  it('ignores a state older than the kept one and never reopens an episode', () => {
    const evaluator = new TenantAlertEvaluator('acme', [WRAP]);
    evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0, asOf: T0 }), T0);
    evaluator.tick(T0 + 3 * MIN);
    expect(evaluator.apply(agent('u1', { handlingStatus: 'Waiting', handlingStatusSince: T0 + MIN, asOf: T0 - 1 }), T0 + 3 * MIN)).toEqual([]);
    expect(evaluator.apply(agent('u1', { handlingStatus: 'Waiting', handlingStatusSince: T0 + 3 * MIN, asOf: T0 + 3 * MIN }), T0 + 3 * MIN)).toHaveLength(1);
    expect(evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0, asOf: T0 + 4 * MIN }), T0 + 4 * MIN)).toEqual([]);
  });

  it('fires when fewer than K agents are Ready and resolves when enough are back', () => {
    const evaluator = new TenantAlertEvaluator('acme', [FLOOR]);
    expect(evaluator.tick(T0)).toEqual([]);
    const first = evaluator.apply(agent('u1', {}), T0);
    expect(first).toMatchObject([{ id: `acme/floor/${T0}`, status: 'firing', agentId: null, readyCount: 1 }]);
    expect(evaluator.apply(agent('u2', { asOf: T0 + 1 }), T0 + 1).map((t) => t.status)).toEqual(['resolved']);
    const drop = evaluator.apply(agent('u2', { userStatus: 'NotReady', userStatusSince: T0 + MIN, asOf: T0 + MIN }), T0 + MIN + 7);
    expect(drop).toMatchObject([{ id: `acme/floor/${T0 + MIN}`, status: 'firing', since: T0 + MIN, firedAt: T0 + MIN + 7, readyCount: 1 }]);
    expect(evaluator.tick(T0 + 2 * MIN)).toEqual([]);
  });

  it('restores from its JSON snapshot and goes on as if it had not stopped', () => {
    const evaluator = new TenantAlertEvaluator('acme', [LUNCH, FLOOR]);
    evaluator.apply(agent('u1', { userStatus: 'NotReady', profile: 'Lunch' }), T0);
    const restored = TenantAlertEvaluator.restore(JSON.parse(JSON.stringify(evaluator.snapshot())), 'acme', [LUNCH, FLOOR]);
    expect(restored.snapshot()).toEqual(evaluator.snapshot());
    expect(restored.tick(T0 + 31 * MIN)).toEqual(evaluator.tick(T0 + 31 * MIN));
    expect(restored.firing()).toHaveLength(2);
  });

  it('rejects a snapshot of another format or tenant', () => {
    const snapshot = new TenantAlertEvaluator('acme', []).snapshot();
    expect(() => TenantAlertEvaluator.restore({ ...snapshot, format: 99 }, 'acme', [])).toThrow(AlertSnapshotError);
    expect(() => TenantAlertEvaluator.restore(snapshot, 'other', [])).toThrow(AlertSnapshotError);
  });

  it('resolves the firing episodes of a rule removed from the configuration at the next tick', () => {
    const evaluator = new TenantAlertEvaluator('acme', [WRAP]);
    evaluator.apply(agent('u1', { handlingStatus: 'Wrap', handlingStatusSince: T0 - 3 * MIN }), T0);
    evaluator.setRules([]);
    expect(evaluator.tick(T0 + 1).map((t) => [t.ruleId, t.status])).toEqual([['wrap', 'resolved']]);
    expect(evaluator.snapshot().episodes).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentFacts } from '../../../src/core/alerts/agent-facts.ts';
import type { AlertRule } from '../../../src/core/alerts/alert-rule.ts';
import type { AlertTransition } from '../../../src/core/alerts/alert-transition.ts';
import { TenantAlertEvaluator } from '../../../src/core/alerts/tenant-alert-evaluator.ts';
import { oracleTransitions } from '../oracle/alert-episodes-oracle.ts';
import type { OracleStep, OracleTransition } from '../oracle/alert-episodes-oracle.ts';

const RULES: AlertRule[] = [
  { id: 'lunch-long', kind: 'state-duration', dimension: 'presence', states: ['NotReady'], reasons: ['Lunch'], longerThanMs: 5_000 },
  { id: 'not-ready-long', kind: 'state-duration', dimension: 'presence', states: ['NotReady', 'Pause'], longerThanMs: 8_000 },
  { id: 'wrap-long', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: 3_000 },
  { id: 'talk-long', kind: 'state-duration', dimension: 'handling', states: ['Talking_*'], longerThanMs: 10_000 },
  { id: 'ready-floor', kind: 'ready-below', minReady: 2 },
];

/** Raw step: a state of agent `agent` whose times are offsets back from `now`, or a tick `advance` ms later. */
const rawStep = fc.oneof(
  fc.record({
    kind: fc.constant('state' as const),
    agent: fc.constantFrom('a', 'b', 'c/x'),
    loggedIn: fc.constantFrom(true, true, true, true, false),
    userStatus: fc.constantFrom('Ready', 'NotReady', 'Pause', null),
    handlingStatus: fc.constantFrom('Waiting', 'Wrap', 'Talking_Inbound', 'Talking_Outbound', null),
    profile: fc.constantFrom('Lunch', 'Break', null),
    profileReason: fc.constantFrom('Lunch', null),
    userAge: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
    handlingAge: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
    asOfBack: fc.integer({ min: 0, max: 3 }),
    advance: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 12_000 })),
  }),
  fc.record({ kind: fc.constant('tick' as const), advance: fc.integer({ min: 0, max: 4_000 }) }),
);

type RawStep = typeof rawStep extends fc.Arbitrary<infer T> ? T : never;

/** Times are whole seconds back from now so that episodes share starts and stale states occur. */
function toSteps(raw: readonly RawStep[]): OracleStep[] {
  let now = 1_000_000;
  return raw.map((step): OracleStep => {
    now += step.advance;
    if (step.kind === 'tick') return { kind: 'tick', now };
    const second = Math.floor(now / 1_000) * 1_000;
    const facts: AgentFacts = {
      userId: step.agent, userName: `name of ${step.agent}`, loggedIn: step.loggedIn, userStatus: step.userStatus, handlingStatus: step.handlingStatus,
      profile: step.profile, profileReason: step.profileReason,
      userStatusSince: step.userAge === null ? null : second - step.userAge * 1_000,
      handlingStatusSince: step.handlingAge === null ? null : second - step.handlingAge * 1_000,
      asOf: second - step.asOfBack * 1_000,
    };
    return { kind: 'state', facts, now };
  });
}

/** Runs the evaluator over the steps; `restoreAt` steps are preceded by a snapshot → JSON → restore. */
function evaluate(steps: readonly OracleStep[], restoreAt: ReadonlySet<number>): OracleTransition[] {
  let evaluator = new TenantAlertEvaluator('t1', RULES);
  const out: OracleTransition[] = [];
  steps.forEach((step, i) => {
    if (restoreAt.has(i)) evaluator = TenantAlertEvaluator.restore(JSON.parse(JSON.stringify(evaluator.snapshot())), 't1', RULES);
    const transitions = step.kind === 'tick' ? evaluator.tick(step.now) : evaluator.apply(step.facts, step.now);
    for (const transition of transitions) out.push({ step: i, transition });
  });
  return out;
}

const order = (a: OracleTransition, b: OracleTransition): number => a.step - b.step || a.transition.id.localeCompare(b.transition.id) || a.transition.status.localeCompare(b.transition.status);

describe('TenantAlertEvaluator against the brute-force episode oracle', () => {
  it('produces exactly the oracle transitions, also across snapshot/restore', () => {
    fc.assert(
      fc.property(fc.array(rawStep, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 4 }), (raw, restores) => {
        const steps = toSteps(raw);
        const actual = evaluate(steps, new Set(restores)).sort(order);
        expect(actual).toEqual(oracleTransitions('t1', RULES, steps).sort(order));
      }),
      { numRuns: 400 },
    );
  });

  it('fires each id at most once and resolves it at most once, after firing', () => {
    fc.assert(
      fc.property(fc.array(rawStep, { maxLength: 60 }), (raw) => {
        const seen = new Map<string, AlertTransition['status'][]>();
        for (const { transition } of evaluate(toSteps(raw), new Set())) seen.set(transition.id, [...(seen.get(transition.id) ?? []), transition.status]);
        for (const statuses of seen.values()) expect(['firing', 'firing,resolved']).toContain(statuses.join(','));
      }),
      { numRuns: 300 },
    );
  });
});

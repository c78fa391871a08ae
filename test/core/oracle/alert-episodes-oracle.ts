/**
 * Brute-force oracle of alert episodes, written apart from src/core/alerts: it recomputes every agent's accepted
 * state from scratch at every step, splits each (rule, agent)'s evaluation points into runs of equal match, and
 * reads the episodes off the runs. Used by test/core/alerts/alert-evaluator.property.test.ts.
 */
import type { AgentFacts } from '../../../src/core/alerts/agent-facts.ts';
import type { AlertRule } from '../../../src/core/alerts/alert-rule.ts';
import type { AlertTransition } from '../../../src/core/alerts/alert-transition.ts';

export type OracleStep = { readonly kind: 'state'; readonly facts: AgentFacts; readonly now: number } | { readonly kind: 'tick'; readonly now: number };

/** A transition and the index of the step that produced it. */
export interface OracleTransition {
  readonly step: number;
  readonly transition: AlertTransition;
}

/** True when step i is a state that the evaluator takes: its asOf is not below any earlier taken state of the agent. */
const acceptedCache = new WeakMap<readonly OracleStep[], Map<number, boolean>>();

function accepted(steps: readonly OracleStep[], i: number): boolean {
  const cache = acceptedCache.get(steps) ?? new Map<number, boolean>();
  acceptedCache.set(steps, cache);
  const cached = cache.get(i);
  if (cached !== undefined) return cached;
  const result = acceptedUncached(steps, i);
  cache.set(i, result);
  return result;
}

function acceptedUncached(steps: readonly OracleStep[], i: number): boolean {
  const step = steps[i];
  if (step?.kind !== 'state') return false;
  for (let j = 0; j < i; j++) {
    const earlier = steps[j];
    if (earlier?.kind === 'state' && earlier.facts.userId === step.facts.userId && accepted(steps, j) && earlier.facts.asOf > step.facts.asOf) return false;
  }
  return true;
}

/** The agents' taken states after step i, in order of first appearance. */
function statesAfter(steps: readonly OracleStep[], i: number): Map<string, AgentFacts> {
  const out = new Map<string, AgentFacts>();
  for (let j = 0; j <= i; j++) {
    const step = steps[j];
    if (step?.kind === 'state' && accepted(steps, j)) out.set(step.facts.userId, step.facts);
  }
  return out;
}

function stateMatches(patterns: readonly string[], state: string): boolean {
  for (const p of patterns) {
    if (p.endsWith('*') && state.slice(0, p.length - 1) === p.slice(0, -1)) return true;
    if (p === state) return true;
  }
  return false;
}

function matchOf(rule: Extract<AlertRule, { kind: 'state-duration' }>, facts: AgentFacts | undefined): number | null {
  if (facts === undefined || !facts.loggedIn) return null;
  const [state, since] = rule.dimension === 'presence' ? [facts.userStatus, facts.userStatusSince] : [facts.handlingStatus, facts.handlingStatusSince];
  if (state === null || since === null || !stateMatches(rule.states, state)) return null;
  if (rule.reasons !== undefined && !rule.reasons.includes(facts.profile ?? '\u0000') && !rule.reasons.includes(facts.profileReason ?? '\u0000')) return null;
  return since;
}

function id(tenant: string, ruleId: string, agent: string | null, since: number): string {
  return [tenant, ruleId, ...(agent === null ? [] : [encodeURIComponent(agent)]), String(since)].join('/');
}

/** Every transition the steps must produce, with the step that produces it. */
export function oracleTransitions(tenant: string, rules: readonly AlertRule[], steps: readonly OracleStep[]): OracleTransition[] {
  const out: OracleTransition[] = [];
  const agents = [...new Set(steps.flatMap((s) => (s.kind === 'state' ? [s.facts.userId] : [])))];
  for (const rule of rules) {
    if (rule.kind === 'state-duration') {
      for (const agent of agents) {
        const points = steps.map((s, i) => i).filter((i) => steps[i]?.kind === 'tick' ? statesAfter(steps, i).has(agent) : accepted(steps, i) && (steps[i] as { facts: AgentFacts }).facts.userId === agent);
        const runs: { match: number | null; points: number[] }[] = [];
        for (const i of points) {
          const match = matchOf(rule, statesAfter(steps, i).get(agent));
          const last = runs[runs.length - 1];
          if (last !== undefined && last.match === match) last.points.push(i);
          else runs.push({ match, points: [i] });
        }
        let highest = -Infinity;
        runs.forEach((run, r) => {
          if (run.match === null || run.match <= highest) return;
          const since = run.match;
          highest = since;
          const end = runs[r + 1]?.points[0];
          const endFacts = end === undefined ? undefined : statesAfter(steps, end).get(agent);
          const endedAt = endFacts === undefined ? null : rule.dimension === 'presence' ? endFacts.userStatusSince : endFacts.handlingStatusSince;
          // fires on the clock inside the run, else (no evaluation came in time) at its end if the next state says it lasted longer
          const onClock = run.points.find((i) => steps[i]!.now - since > rule.longerThanMs);
          const fire = onClock ?? (end !== undefined && endedAt !== null && endedAt - since > rule.longerThanMs ? end : undefined);
          if (fire === undefined) return;
          const facts = statesAfter(steps, onClock ?? fire - 1).get(agent)!;
          const firing: AlertTransition = {
            id: id(tenant, rule.id, agent, since), status: 'firing', tenant, ruleId: rule.id, ruleKind: rule.kind, agentId: agent, userName: facts.userName, since, firedAt: steps[fire]!.now, resolvedAt: null,
            userStatus: facts.userStatus, handlingStatus: facts.handlingStatus, reason: facts.profile ?? facts.profileReason, readyCount: null,
          };
          out.push({ step: fire, transition: firing });
          if (end !== undefined) out.push({ step: end, transition: { ...firing, status: 'resolved', resolvedAt: steps[end]!.now } });
        });
      }
    } else {
      let open: AlertTransition | null = null;
      let lastSince = -Infinity;
      steps.forEach((step, i) => {
        if (step.kind === 'state' ? !accepted(steps, i) : statesAfter(steps, i).size === 0) return;
        const ready = [...statesAfter(steps, i).values()].filter((f) => f.loggedIn && f.userStatus === 'Ready').length;
        if (open !== null && ready >= rule.minReady) {
          out.push({ step: i, transition: { ...open, status: 'resolved', resolvedAt: step.now } });
          open = null;
        } else if (open === null && ready < rule.minReady) {
          const at = step.kind === 'state' ? (step.facts.userStatusSince ?? step.facts.asOf) : step.now;
          const since = lastSince === -Infinity ? at : Math.max(at, lastSince + 1);
          lastSince = since;
          open = {
            id: id(tenant, rule.id, null, since), status: 'firing', tenant, ruleId: rule.id, ruleKind: rule.kind, agentId: null, userName: null, since, firedAt: step.now, resolvedAt: null,
            userStatus: null, handlingStatus: null, reason: null, readyCount: ready,
          };
          out.push({ step: i, transition: open });
        }
      });
    }
  }
  return out;
}

import type { AgentFacts } from './agent-facts.ts';

/**
 * "The agent has been in one of `states` of `dimension` (and, when `reasons` is set, with one of those reasons) for
 * longer than `longerThanMs`". `dimension` is `presence` (userStatus: Ready, NotReady, Pause) or `handling`
 * (handlingStatus: Wrap, Talking_Inbound, …). A state ending in `*` matches every state with that prefix
 * (`Talking_*`). A reason matches the agent's `profile` or its `profileReason`.
 */
export interface StateDurationRule {
  readonly id: string;
  readonly kind: 'state-duration';
  readonly description?: string | undefined;
  readonly dimension: 'presence' | 'handling';
  readonly states: readonly string[];
  readonly reasons?: readonly string[] | undefined;
  readonly longerThanMs: number;
}

/** "Fewer than `minReady` agents of the tenant are logged in with presence Ready." */
export interface ReadyBelowRule {
  readonly id: string;
  readonly kind: 'ready-below';
  readonly description?: string | undefined;
  readonly minReady: number;
}

export type AlertRule = StateDurationRule | ReadyBelowRule;

function matchesState(patterns: readonly string[], state: string): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? state.startsWith(pattern.slice(0, -1)) : state === pattern));
}

/**
 * When the agent matches the rule's state predicate: the time it entered the matched state (the episode's start);
 * null when it does not match, or when that time is unknown (an unknown duration never fires).
 */
export function matchingSince(rule: StateDurationRule, facts: Readonly<AgentFacts>): number | null {
  if (!facts.loggedIn) return null;
  const state = rule.dimension === 'presence' ? facts.userStatus : facts.handlingStatus;
  const since = rule.dimension === 'presence' ? facts.userStatusSince : facts.handlingStatusSince;
  if (state === null || since === null || !matchesState(rule.states, state)) return null;
  if (rule.reasons !== undefined && !rule.reasons.some((reason) => reason === facts.profile || reason === facts.profileReason)) return null;
  return since;
}

/** True when the agent counts as Ready for {@link ReadyBelowRule}. */
export function isReady(facts: Readonly<AgentFacts>): boolean {
  return facts.loggedIn && facts.userStatus === 'Ready';
}

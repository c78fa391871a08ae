import type { AgentFacts } from '../core/alerts/agent-facts.ts';
import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import type { OutgoingRecord } from './output-records.ts';

/** A decoded `out.agent-state` value (schemas/current-agent-state.avsc); the fields the evaluator reads. */
export interface AgentStateValue {
  readonly tenant: string;
  readonly userId: string;
  readonly userName: string;
  readonly loggedIn: boolean;
  readonly userStatus: string | null;
  readonly handlingStatus: string | null;
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly userStatusSince: number | null;
  readonly handlingStatusSince: number | null;
  readonly asOf: number;
}

/** The facts of an agent state record; `Unknown` statuses are unknown (null). */
export function agentFacts(value: AgentStateValue): AgentFacts {
  const known = (status: string | null): string | null => (status === null || status === 'Unknown' ? null : status);
  return {
    userId: value.userId,
    userName: value.userName,
    loggedIn: value.loggedIn,
    userStatus: known(value.userStatus),
    handlingStatus: known(value.handlingStatus),
    profile: value.profile ?? null,
    profileReason: value.profileReason ?? null,
    userStatusSince: value.userStatusSince === null ? null : Number(value.userStatusSince),
    handlingStatusSince: value.handlingStatusSince === null ? null : Number(value.handlingStatusSince),
    asOf: Number(value.asOf),
  };
}

/** The `out.alerts` record of a transition (schemas/alert.avsc), keyed by tenant so a tenant's alerts stay in order. */
export function alertRecord(topic: string, transition: AlertTransition): OutgoingRecord {
  return { topic, key: transition.tenant, value: { ...transition } };
}

/** Evo Voice's `AgentStates` enum (PushNotification DTO), in the vendor's order. */
export const AGENT_STATES = ['Unknown', 'Ready', 'NotReady', 'LoggedOut', 'WrapUp', 'Outgoing', 'Other'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Evo Voice's `AgentStateReasons` enum, in the vendor's order. */
export const AGENT_STATE_REASONS = ['Unknown', 'SetByUser', 'MissedCall', 'SetBySystem'] as const;
export type AgentStateReason = (typeof AGENT_STATE_REASONS)[number];

/** The states whose workbook rows carry a Reason; every other state's Reason cell is blank. */
export const STATES_WITH_REASON: ReadonlySet<AgentState> = new Set(['NotReady', 'Other', 'LoggedOut']);

/**
 * One interval of an agent's state as the simulated Evo Voice tenant records it: from `start` (inclusive) to `end`
 * (exclusive), epoch ms; `end` null when the agent is still in this state at the end of the simulated range.
 * `reason` is non-null exactly for the states in STATES_WITH_REASON.
 */
export interface EvoStateInterval {
  readonly agentId: string;
  readonly agentName: string;
  readonly extension: string;
  readonly state: AgentState;
  readonly reason: AgentStateReason | null;
  readonly start: number;
  readonly end: number | null;
}

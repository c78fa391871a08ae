import type { SimAgent } from './agent-roster.ts';
import type { SimContact } from './sim-contact.ts';
import type { StateInterval } from './state-intervals.ts';

/** One agentStatusHistory row with the times the API needs: it is served once `visibleAt` ≤ now. */
export interface TimedStatusRow {
  readonly row: Readonly<Record<string, unknown>>;
  readonly userId: string;
  readonly sessionId: string;
  readonly changeTimestamp: number;
  readonly visibleAt: number;
}

/** One contact; its contactHistory record becomes visible at `visibleAt` (≥ maxChangeTimestamp). */
export interface TimedContact {
  readonly contact: SimContact;
  readonly record: Readonly<Record<string, unknown>>;
  readonly maxChangeTimestamp: number;
  readonly visibleAt: number;
}

/**
 * Everything generated for [from, to): agents, agentStatusHistory rows sorted by changeTimestamp
 * (then userId, then write order), contacts sorted by maxChangeTimestamp (then contactId), and the
 * agents' true state intervals (by agentId, then start), which come from the model, not from the rows.
 * Every session starts and ends inside the range and every row is visible by `to`.
 */
export interface GeneratedDay {
  readonly from: number;
  readonly to: number;
  readonly agents: readonly SimAgent[];
  readonly agentStatusHistory: readonly TimedStatusRow[];
  readonly contacts: readonly TimedContact[];
  readonly stateIntervals: readonly StateInterval[];
}

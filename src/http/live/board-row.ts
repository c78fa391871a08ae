import { formatUtc } from '../../core/time/timestamp.ts';
import type { AgentStateRow } from '../../state/store-types.ts';
import type { Row } from '../row-selection.ts';
import { agentStatusRow } from '../routes/agent-status-route.ts';

/**
 * One agent on the live board: its `/agentStatus` row at `now`, plus when its user status and its contact handling
 * status began (`userStatusSince`, `contactHandlingStatusSince`, UTC ISO; null when the source does not know), so a
 * browser can keep the time in state ticking, and `campaignId` null rather than absent.
 */
export function boardRow(state: AgentStateRow, now: number): Row {
  return {
    ...agentStatusRow(state, now),
    campaignId: state.campaignId ?? null,
    userStatusSince: state.userStatusSince === null ? null : formatUtc(state.userStatusSince),
    contactHandlingStatusSince: state.loggedIn && state.handlingStatusSince !== null ? formatUtc(state.handlingStatusSince) : null,
  };
}

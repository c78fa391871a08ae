import { formatUtc } from '../../core/time/timestamp.ts';
import type { AgentStateRow } from '../../state/store-types.ts';
import type { Row } from '../row-selection.ts';
import { ACTIVE_CONTACT_FIELDS } from '../../core/live/live-contact.ts';
import { agentStatusRow } from '../routes/agent-status-route.ts';

/**
 * Fields of a full `/agentStatus` row that the board leaves null: they come from the Sinch agentStatus snapshots, the
 * live contacts and the profile's run in the stored timeline (agent-status-row.ts), which /agentStatus reads per
 * request and the board's events, one per state change, do not.
 */
export const BOARD_UNKNOWN_FIELDS: readonly string[] = [
  'reportingGroupid', 'reportingGroupName', 'profileType', 'profileDuration', ...ACTIVE_CONTACT_FIELDS,
];

/**
 * One agent on the live board: its `/agentStatus` row at `now` as the timeline's state gives it
 * ({@link BOARD_UNKNOWN_FIELDS} null), plus when its user status and its contact handling status began
 * (`userStatusSince`, `contactHandlingStatusSince`, UTC ISO; null when the source does not know), so a browser can keep
 * the time in state ticking, and `campaignId` null rather than absent.
 */
export function boardRow(state: AgentStateRow, now: number): Row {
  return {
    ...agentStatusRow(state, now),
    campaignId: state.campaignId ?? null,
    userStatusSince: state.userStatusSince === null ? null : formatUtc(state.userStatusSince),
    contactHandlingStatusSince: state.loggedIn && state.handlingStatusSince !== null ? formatUtc(state.handlingStatusSince) : null,
  };
}

import type { DraftRow } from './session-script.ts';
import { formatRawTimestamp } from './raw-timestamp.ts';

/**
 * The agentStatusHistory row exactly as served: the seed example's key order and spellings
 * (`userId`, `statusTimestamp`, `OutboundServing`, `userStatusTimeStamp`, `changeTimeStamp`),
 * timestamps as `YYYY-MM-DD HH:mm:ss.SSS` UTC, absent keys omitted.
 */
export function statusRow(identity: { sessionId: string; userId: string; userName: string }, draft: DraftRow, changeTimestamp: number): Record<string, unknown> {
  const row: Record<string, unknown> = { sessionId: identity.sessionId, userId: identity.userId, userName: identity.userName };
  if (draft.signOn !== undefined) row['signOn'] = formatRawTimestamp(draft.signOn);
  if (draft.profile !== undefined) {
    row['profile'] = draft.profile.profile;
    row['profileReason'] = draft.profile.profileReason;
    row['profileType'] = draft.profile.profileType;
  }
  if (draft.loggedOut === true) row['profileReason'] = '-';
  if (draft.status !== undefined && draft.statusTimestamp !== undefined) {
    row['status'] = draft.status;
    row['statusTimestamp'] = formatRawTimestamp(draft.statusTimestamp);
  }
  if (draft.outboundServing !== undefined) row['OutboundServing'] = draft.outboundServing;
  if (draft.userStatus !== undefined && draft.userStatusTimestamp !== undefined) {
    row['userStatus'] = draft.userStatus;
    row['userStatusTimeStamp'] = formatRawTimestamp(draft.userStatusTimestamp);
  }
  row['changeTimeStamp'] = formatRawTimestamp(changeTimestamp);
  return row;
}

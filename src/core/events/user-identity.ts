/**
 * A display name folded over a set of a user's accepted events: the non-empty userName with the greatest
 * changeTime; among equal changeTimes the greatest name (code-unit order) wins, so the result is
 * order-independent. Windows fold the events with eventTime < window end (spec §4, "name as of").
 * Plain JSON data.
 */
export interface UserIdentity {
  userName: string;
  nameChangeTime: number | null;
}

export function newUserIdentity(): UserIdentity {
  return { userName: '', nameChangeTime: null };
}

export function observeUserName(identity: UserIdentity, userName: string, changeTime: number): void {
  if (userName === '') return;
  const current = identity.nameChangeTime;
  if (current === null || changeTime > current || (changeTime === current && userName > identity.userName)) {
    identity.userName = userName;
    identity.nameChangeTime = changeTime;
  }
}

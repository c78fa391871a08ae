/**
 * A user's display name: the non-empty userName of the accepted record with the greatest changeTime; among
 * equal changeTimes the greatest name (code-unit order) wins, so the result is order-independent.
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

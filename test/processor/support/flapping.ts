import type { RawRecord } from './raw-history.ts';
import { sinchTimestamp } from './raw-history.ts';

/**
 * One agent whose user status flips Ready ⇄ Pause every `everyMs` from `start` for `spanMs` (the worst case for
 * state size: an API-driven agent or a flapping integration), optionally ending with LoggedOut. Records are in
 * changeTimestamp order; changeTimestamp = status time + 1 s.
 */
export function flappingSession(options: { userId: string; sessionId: string; start: number; spanMs: number; everyMs: number; loggedOut?: boolean }): RawRecord[] {
  const { userId, sessionId, start, spanMs, everyMs } = options;
  const base = { sessionId, userId, userName: `Flapping ${userId}` };
  const records: RawRecord[] = [
    { ...base, userStatus: 'Ready', userStatusTimestamp: sinchTimestamp(start), status: 'Waiting', statusTimestamp: sinchTimestamp(start), signOn: sinchTimestamp(start), changeTimestamp: sinchTimestamp(start + 1000) },
  ];
  let n = 1;
  for (let time = start + everyMs; time < start + spanMs; time += everyMs, n++) {
    records.push({ ...base, userStatus: n % 2 === 1 ? 'Pause' : 'Ready', userStatusTimestamp: sinchTimestamp(time), changeTimestamp: sinchTimestamp(time + 1000) });
  }
  if (options.loggedOut === true) {
    const end = start + spanMs;
    records.push({ ...base, userStatus: 'LoggedOut', userStatusTimestamp: sinchTimestamp(end), status: 'LoggedOut', statusTimestamp: sinchTimestamp(end), changeTimestamp: sinchTimestamp(end + 1000) });
  }
  return records;
}

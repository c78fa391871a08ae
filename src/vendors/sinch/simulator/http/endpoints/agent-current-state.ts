import { parseTimestamp } from '../../../../../core/time/timestamp.ts';
import type { TimedStatusRow } from '../../model/generated-day.ts';

/** An agent's state at now, folded from the visible rows of its latest session. */
export interface AgentCurrentState {
  readonly userId: string;
  readonly userName: string;
  readonly loggedIn: boolean;
  readonly userStatus: string;
  readonly userStatusSince: number;
  readonly status: string;
  readonly statusSince: number;
  readonly profile: string | undefined;
  readonly profileReason: string | undefined;
  readonly profileType: string | undefined;
  readonly profileSince: number;
  readonly changeTimestamp: number;
}

interface Change {
  readonly time: number;
  readonly change: number;
  readonly apply: (state: Mutable) => void;
}

type Mutable = { -readonly [K in keyof AgentCurrentState]: AgentCurrentState[K] };

const NOT_HANDLING = new Set(['OBJoin', 'OBUnJoin']);

/**
 * Folds the rows of each user's latest session (by first changeTimestamp) in (event time,
 * changeTimestamp) order, ignoring events after `now`. OBJoin/OBUnJoin change no status.
 */
export function agentCurrentStates(rows: readonly TimedStatusRow[], now: number): AgentCurrentState[] {
  const latest = new Map<string, { sessionId: string; rows: TimedStatusRow[] }>();
  for (const timed of rows) {
    const entry = latest.get(timed.userId);
    if (entry === undefined || entry.sessionId !== timed.sessionId) {
      if (entry === undefined || timed.row['signOn'] !== undefined) latest.set(timed.userId, { sessionId: timed.sessionId, rows: [timed] });
      continue;
    }
    entry.rows.push(timed);
  }
  const out: AgentCurrentState[] = [];
  for (const [userId, session] of latest) {
    const changes: Change[] = [];
    for (const { row, changeTimestamp } of session.rows) {
      const userStatusTime = parseTimestamp(String(row['userStatusTimeStamp']));
      if (typeof row['userStatus'] === 'string') {
        const userStatus = row['userStatus'];
        const profile = row['profile'] as string | undefined;
        changes.push({ time: userStatusTime, change: changeTimestamp, apply: (s) => {
          s.userStatus = userStatus;
          s.userStatusSince = userStatusTime;
          if (profile !== undefined) Object.assign(s, { profile, profileReason: row['profileReason'], profileType: row['profileType'], profileSince: userStatusTime });
        } });
      }
      const status = row['status'];
      if (typeof status === 'string' && !NOT_HANDLING.has(status)) {
        const statusTime = parseTimestamp(String(row['statusTimestamp']));
        changes.push({ time: statusTime, change: changeTimestamp, apply: (s) => {
          if (status === 'LoggedOut') Object.assign(s, { loggedIn: false, userStatus: 'LoggedOut', userStatusSince: statusTime });
          else Object.assign(s, { status, statusSince: statusTime });
        } });
      }
    }
    changes.sort((a, b) => a.time - b.time || a.change - b.change);
    const first = session.rows[0];
    const state: Mutable = {
      userId,
      userName: String(first?.row['userName'] ?? ''),
      loggedIn: true,
      userStatus: 'Ready',
      userStatusSince: changes[0]?.time ?? now,
      status: 'Waiting',
      statusSince: changes[0]?.time ?? now,
      profile: undefined,
      profileReason: undefined,
      profileType: undefined,
      profileSince: changes[0]?.time ?? now,
      changeTimestamp: Math.max(...session.rows.map((r) => r.changeTimestamp)),
    };
    for (const change of changes) if (change.time <= now && state.loggedIn) change.apply(state);
    out.push(state);
  }
  return out;
}

import type { DraftRow, SessionScript } from './session-script.ts';

/** An agent's presence (Sinch userStatus); null where a vendor has none. */
export type Presence = 'Ready' | 'NotReady' | 'Pause';

/**
 * One interval of an agent's true state in the simulated contact center: from `start` (inclusive) to `end`
 * (exclusive), epoch ms, the agent was logged in with this presence and handling status (a Sinch handling status
 * name: Waiting, Preview, Wrap, Talking_*, Chatting_*, Emailing_*, Dialing_*), in this presence profile (that of the
 * latest user-status row; null when that row names none, as a session's first row) and serving this outbound
 * campaign (OutboundServing of the latest OBJoin until its OBUnJoin; null when none).
 */
export interface StateInterval {
  readonly agentId: string;
  readonly agentName: string;
  readonly start: number;
  readonly end: number;
  readonly presence: Presence | null;
  readonly handling: string | null;
  readonly profileId: string | null;
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly campaignId: string | null;
}

type State = Pick<StateInterval, 'presence' | 'handling' | 'profileId' | 'profile' | 'profileReason' | 'campaignId'>;

const NONE: State = { presence: null, handling: null, profileId: null, profile: null, profileReason: null, campaignId: null };

interface Change {
  readonly time: number;
  /** The fields the change sets; `end`: the session ends. */
  readonly set?: Partial<State>;
  readonly end?: true;
}

function changesOf(row: DraftRow): Change[] {
  const changes: Change[] = [];
  if (row.userStatus !== undefined && row.userStatusTimestamp !== undefined) {
    const profile = row.profile;
    changes.push({
      time: row.userStatusTimestamp,
      set: { presence: row.userStatus as Presence, profileId: profile?.profileId ?? null, profile: profile?.profile ?? null, profileReason: profile?.profileReason ?? null },
    });
  }
  if (row.statusTimestamp === undefined) return changes;
  if (row.loggedOut === true) changes.push({ time: row.statusTimestamp, end: true });
  else if (row.status === 'OBJoin') changes.push({ time: row.statusTimestamp, set: { campaignId: row.outboundServing ?? null } });
  else if (row.status === 'OBUnJoin') changes.push({ time: row.statusTimestamp, set: { campaignId: null } });
  else if (row.status !== undefined) changes.push({ time: row.statusTimestamp, set: { handling: row.status } });
  return changes;
}

const KEYS = Object.keys(NONE) as (keyof State)[];

function sameState(a: State, b: State): boolean {
  return KEYS.every((key) => a[key] === b[key]);
}

/**
 * The true state intervals of one session, from the model's own record of what it wrote: every change takes effect
 * at the time it is stamped with, and changes stamped with the same millisecond take effect in the order they were
 * written (so only the last one of each dimension is ever in force: "Ready, then Pause" at one ms is Pause). The
 * session runs from its first change to its LoggedOut (exclusive). Adjacent intervals always differ in presence,
 * handling, profile or campaign; nothing of zero length is reported.
 */
export function sessionIntervals(script: SessionScript): StateInterval[] {
  const changes = script.rows.flatMap(changesOf);
  // a stable sort by time keeps the write order among changes stamped with the same ms
  changes.sort((a, b) => a.time - b.time);
  const out: StateInterval[] = [];
  const agent = { agentId: script.agent.userId, agentName: script.agent.userName };
  let state: State = NONE;
  let since: number | null = null;
  let i = 0;
  while (i < changes.length) {
    const time = (changes[i] as Change).time;
    let next: State = state;
    let ended = false;
    for (; i < changes.length && (changes[i] as Change).time === time; i++) {
      const change = changes[i] as Change;
      if (ended) continue;
      if (change.end === true) ended = true;
      if (change.set !== undefined) next = { ...next, ...change.set };
    }
    const changed = ended || !sameState(next, state);
    if (changed && since !== null && time > since) out.push({ ...agent, start: since, end: time, ...state });
    if (ended) return out;
    if (changed || since === null) since = time;
    state = next;
  }
  return out;
}

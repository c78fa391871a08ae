import type { DraftRow, SessionScript } from './session-script.ts';

/** An agent's presence (Sinch userStatus); null where a vendor has none. */
export type Presence = 'Ready' | 'NotReady' | 'Pause';

/**
 * One interval of an agent's true state in the simulated contact center: from `start` (inclusive) to `end`
 * (exclusive), epoch ms, the agent was logged in with this presence and handling status (a Sinch handling status
 * name: Waiting, Preview, Wrap, Talking_*, Chatting_*, Emailing_*, Dialing_*).
 */
export interface StateInterval {
  readonly agentId: string;
  readonly agentName: string;
  readonly start: number;
  readonly end: number;
  readonly presence: Presence | null;
  readonly handling: string | null;
}

/** OBJoin/OBUnJoin change the campaign, not what the agent does. */
const CAMPAIGN_MARKERS = new Set(['OBJoin', 'OBUnJoin']);

interface Change {
  readonly time: number;
  readonly presence?: Presence;
  readonly handling?: string;
  readonly end?: true;
}

function changesOf(row: DraftRow): Change[] {
  const changes: Change[] = [];
  if (row.userStatus !== undefined && row.userStatusTimestamp !== undefined) changes.push({ time: row.userStatusTimestamp, presence: row.userStatus as Presence });
  if (row.loggedOut === true && row.statusTimestamp !== undefined) changes.push({ time: row.statusTimestamp, end: true });
  else if (row.status !== undefined && row.statusTimestamp !== undefined && !CAMPAIGN_MARKERS.has(row.status)) changes.push({ time: row.statusTimestamp, handling: row.status });
  return changes;
}

/**
 * The true state intervals of one session, from the model's own record of what it wrote: every change takes effect
 * at the time it is stamped with, and changes stamped with the same millisecond take effect in the order they were
 * written (so only the last one of each dimension is ever in force: "Ready, then Pause" at one ms is Pause). The
 * session runs from its first change to its LoggedOut (exclusive). Adjacent intervals always differ in presence or
 * handling; nothing of zero length is reported.
 */
export function sessionIntervals(script: SessionScript): StateInterval[] {
  const changes = script.rows.flatMap(changesOf);
  // a stable sort by time keeps the write order among changes stamped with the same ms
  changes.sort((a, b) => a.time - b.time);
  const out: StateInterval[] = [];
  const agent = { agentId: script.agent.userId, agentName: script.agent.userName };
  let presence: Presence | null = null;
  let handling: string | null = null;
  let since: number | null = null;
  let i = 0;
  while (i < changes.length) {
    const time = (changes[i] as Change).time;
    let nextPresence: Presence | null = presence;
    let nextHandling: string | null = handling;
    let ended = false;
    for (; i < changes.length && (changes[i] as Change).time === time; i++) {
      const change = changes[i] as Change;
      if (ended) continue;
      if (change.end === true) ended = true;
      if (change.presence !== undefined) nextPresence = change.presence;
      if (change.handling !== undefined) nextHandling = change.handling;
    }
    const changed = ended || nextPresence !== presence || nextHandling !== handling;
    if (changed && since !== null && time > since) out.push({ ...agent, start: since, end: time, presence, handling });
    if (ended) return out;
    if (changed || since === null) since = time;
    presence = nextPresence;
    handling = nextHandling;
  }
  return out;
}

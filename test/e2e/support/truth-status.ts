/**
 * RAI `/agentStatus` rows at a moment, computed from the Sinch simulator's truth (`--export-truth FILE`: the state
 * intervals in FILE, the agents, profile catalog and connected contacts in FILE.status.ndjson), for the independent
 * end-to-end check. Written from the RAI document's /agentStatus section and sharing no code with src/: it never sees
 * an agentStatusHistory row, a snapshot or a contact record, only the model's statements.
 *
 * At `now`, for every agent with an interval that started by then:
 *   logged in (an interval holds now): userStatus = presence, contactHandlingStatus = handling, each with its duration
 *   (now − the start of the contiguous run of intervals with that value); availability Free (Ready and Waiting), Busy
 *   (Ready, other handling), Away (not Ready); profile and profileReason as the interval names them (absent: none yet),
 *   profileType from the catalog and profileDuration = now − the start of the run with that profile (both null while
 *   the agent has none); per channel and direction (CallIn → phoneActiveInbound, …) the contacts connected at now
 *   (connect ≤ now < disconnect), `…Contacts` = their count and `…Duration` = now − the earliest connect, left out
 *   when 0 (the document: "shown only when value greater than 0");
 *   logged out: userStatus and availability LoggedOut, userStatusDuration = now − the end of the last interval;
 *   always: userId, userName, reportingGroupid and reportingGroupName, and with showAgentInfo the agent's number,
 *   mobileNumber, externalNumber, email, chatName, chat, chatCapacity and location.
 * Sessions are an agent's contiguous intervals (as in truth-statistics.ts). changeTimestamp, the vendor's record time,
 * is no state and is not computed.
 */

import type { TruthLine } from './truth-statistics.ts';

export type StatusTruthLine =
  | { kind: 'agent'; userId: string; userName: string; reportingGroupId: string; reportingGroupName: string; number: string; mobileNumber: string; externalNumber: string; email: string; chatName: string; chat: string; chatCapacity: number; location: string }
  | { kind: 'profile'; profileId: string; profile: string; profileReason: string; profileType: string }
  | { kind: 'contact'; contactId: string; userId: string; type: string; connect: string; disconnect: string };

const ACTIVE_KEY: Record<string, string> = {
  CallIn: 'phoneActiveInbound', CallOut: 'phoneActiveOutbound', ChatIn: 'chatActiveInbound', ChatOut: 'chatActiveOutbound', EmailIn: 'emailActiveInbound', EmailOut: 'emailActiveOutbound',
};

interface Interval {
  start: number;
  end: number;
  line: TruthLine;
}

/** The start of the run of contiguous intervals, ending with `intervals[index]`, that share `same`. */
function runStart(intervals: readonly Interval[], index: number, same: (a: TruthLine, b: TruthLine) => boolean): number {
  let i = index;
  while (i > 0 && intervals[i - 1]!.end === intervals[i]!.start && same(intervals[i - 1]!.line, intervals[index]!.line)) i--;
  return intervals[i]!.start;
}

/** The expected rows at `now`, by userId. */
export function truthAgentStatus(lines: readonly TruthLine[], status: readonly StatusTruthLine[], now: number, showAgentInfo: boolean): Map<string, Record<string, unknown>> {
  const profiles = new Map(status.flatMap((s) => (s.kind === 'profile' ? [[s.profileId, s] as const] : [])));
  const out = new Map<string, Record<string, unknown>>();
  for (const agent of status) {
    if (agent.kind !== 'agent') continue;
    const intervals = lines
      .filter((l) => l.agentId === agent.userId && Date.parse(l.start) <= now)
      .map((line) => ({ start: Date.parse(line.start), end: line.end === null ? Number.POSITIVE_INFINITY : Date.parse(line.end), line }))
      .sort((a, b) => a.start - b.start);
    if (intervals.length === 0) continue;
    const row: Record<string, unknown> = { userId: agent.userId, userName: agent.userName, reportingGroupid: agent.reportingGroupId, reportingGroupName: agent.reportingGroupName };
    const index = intervals.findIndex((i) => i.start <= now && now < i.end);
    if (index < 0) {
      Object.assign(row, { userStatus: 'LoggedOut', availability: 'LoggedOut', userStatusDuration: now - intervals[intervals.length - 1]!.end });
    } else {
      const current = intervals[index]!.line;
      if (current.profile !== null && current.profile !== undefined) row['profile'] = current.profile;
      if (current.profileReason !== null && current.profileReason !== undefined) row['profileReason'] = current.profileReason;
      const profileId = current.profileId ?? null;
      row['profileType'] = profileId === null ? null : (profiles.get(profileId)?.profileType ?? null);
      row['profileDuration'] = profileId === null ? null : now - runStart(intervals, index, (a, b) => a.profileId === b.profileId);
      row['userStatus'] = current.presence;
      row['userStatusDuration'] = now - runStart(intervals, index, (a, b) => a.presence === b.presence);
      row['availability'] = current.presence !== 'Ready' ? 'Away' : current.handling === 'Waiting' ? 'Free' : 'Busy';
      row['contactHandlingStatus'] = current.handling;
      row['contactHandlingStatusDuration'] = now - runStart(intervals, index, (a, b) => a.handling === b.handling);
      const active = status.filter((s): s is Extract<StatusTruthLine, { kind: 'contact' }> => s.kind === 'contact' && s.userId === agent.userId && Date.parse(s.connect) <= now && now < Date.parse(s.disconnect));
      for (const [type, key] of Object.entries(ACTIVE_KEY)) {
        const ofType = active.filter((c) => c.type === type);
        if (ofType.length === 0) continue;
        row[`${key}Contacts`] = ofType.length;
        row[`${key}Duration`] = now - Math.min(...ofType.map((c) => Date.parse(c.connect)));
      }
    }
    if (showAgentInfo) {
      Object.assign(row, { number: agent.number, mobileNumber: agent.mobileNumber, externalNumber: agent.externalNumber, email: agent.email, chatName: agent.chatName, chat: agent.chat, chatCapacity: agent.chatCapacity, location: agent.location });
    }
    out.set(agent.userId, row);
  }
  return out;
}

/** The moments in `[from, to]` where some agent's state or some contact changes (interval bounds, connects, disconnects). */
export function changeMoments(lines: readonly TruthLine[], status: readonly StatusTruthLine[]): number[] {
  const moments = lines.flatMap((l) => [Date.parse(l.start), ...(l.end === null ? [] : [Date.parse(l.end)])]);
  for (const s of status) if (s.kind === 'contact') moments.push(Date.parse(s.connect), Date.parse(s.disconnect));
  return moments.sort((a, b) => a - b);
}

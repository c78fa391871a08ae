/**
 * Quarter-hour agentStatistic values computed from a simulator's TRUTH INTERVALS (the `--export-truth` lines), for
 * the independent end-to-end check. Written from docs/metrics.md and deliberately sharing no code with src/core (nor
 * with the test oracle): it never sees an agentStatusHistory row, a changeTimestamp or a vendor position, only the
 * model's statement "from start to end, agent A was in presence P and handling status H".
 *
 * Per agent and UTC quarter-hour [k·900000, (k+1)·900000), each millisecond of an interval whose presence is Ready,
 * NotReady or Pause and whose handling status is known counts, as docs/metrics.md defines it (with `presenceKnown:
 * false`, for a vendor without presence such as HostedSuite, each millisecond whose presence is null and handling
 * known counts, and the presence fields servingDuration, ready/notReady/pause and free stay 0: they are unknown):
 *
 *   servingDuration                 every counted ms
 *   ready/notReady/pauseDuration    by presence
 *   waitingDuration                 handling Waiting;            freeDuration: Waiting and Ready
 *   previewDuration                 Preview;                     afterworkDuration: Wrap
 *   contactHandlingDuration         Talking_*, Chatting_*, Emailing_*, Dialing_*
 *   callInDuration                  Talking_Inbound;             callOutDuration: Talking_Outbound, _CBR, _Campaign
 *   emailIn/emailOutDuration        Emailing_Inbound / Emailing_Outbound
 *   chatDuration                    Chatting_Inbound or Chatting_Outbound
 *   afterworkCallIn/CallOut/EmailIn/ChatInDuration
 *                                   Wrap ms whose session's most recent earlier contact status was Talking_Inbound /
 *                                   Talking_Outbound* or Dialing_Outbound* / Emailing_Inbound / Chatting_Inbound
 *   countOfHandledCallIn/CallOut/EmailIn/EmailOut/ChatIn/ChatOut
 *                                   runs of consecutive counted ms of one session with the same count kind (Talking_*,
 *                                   Emailing_*, Chatting_*; Dialing has none), counted in the quarter-hour of the
 *                                   run's last ms
 *
 * Sessions: the truth lines carry no session id. An agent's contiguous intervals (one's end is the next one's start)
 * form one session; a gap is a logout. That holds for the simulator, whose sessions never touch (a re-login comes
 * minutes after the logout). Session boundaries matter only for the afterwork attribution and for the end of a run.
 *
 * NOT derivable from truth intervals, so not computed (compare them elsewhere, or not at all):
 *   restingDuration: a rest the contact center imposed is not a presence or handling state (the pipeline publishes it
 *     as null for Sinch RAI because agentStatusHistory does not carry it either; see docs/metrics.md);
 *   callInDirectDuration, callOutDirectDuration, countOfHandledCallInDirect/OutDirect: whether a contact came through a
 *     queue is not a state either; the simulator's Direct truth (`FILE.direct.ndjson`) states them, and
 *     test/e2e/sinch-direct-contacts.test.ts compares them;
 *   maxChangeTimestamp: the vendor's record-keeping time, not part of any state.
 * userName is the interval's agentName.
 */

/** One `--export-truth` line (the shared format of src/core/truth/truth-line.ts, restated here on purpose). */
export interface TruthLine {
  readonly agentId: string;
  readonly agentName: string;
  readonly start: string;
  /** null: still open at the simulator's now. */
  readonly end: string | null;
  readonly presence: string | null;
  readonly handling: string | null;
  /** The presence profile in force and the outbound campaign served (null: none or unknown; absent in older exports). */
  readonly profileId?: string | null;
  readonly profile?: string | null;
  readonly profileReason?: string | null;
  readonly campaignId?: string | null;
}

export const TRUTH_FIELDS = [
  'servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'waitingDuration', 'freeDuration', 'previewDuration',
  'contactHandlingDuration', 'afterworkDuration', 'callInDuration', 'callOutDuration', 'emailInDuration', 'emailOutDuration', 'chatDuration',
  'afterworkCallInDuration', 'afterworkCallOutDuration', 'afterworkEmailInDuration', 'afterworkChatInDuration',
  'countOfHandledCallIn', 'countOfHandledCallOut', 'countOfHandledEmailIn', 'countOfHandledEmailOut', 'countOfHandledChatIn', 'countOfHandledChatOut',
] as const;
export type TruthField = (typeof TRUTH_FIELDS)[number];

export interface TruthRow {
  readonly userName: string;
  readonly values: Record<TruthField, number>;
}

const QUARTER = 900_000;
const PRESENCES = new Set(['Ready', 'NotReady', 'Pause']);
const KNOWN_HANDLING = new Set([
  'Waiting', 'Preview', 'Wrap', 'Talking_Inbound', 'Talking_Outbound', 'Talking_Outbound_CBR', 'Talking_Outbound_Campaign',
  'Chatting_Inbound', 'Chatting_Outbound', 'Emailing_Inbound', 'Emailing_Outbound', 'Dialing_Outbound', 'Dialing_Outbound_CBR', 'Dialing_Outbound_Campaign',
]);

type Kind = 'CallIn' | 'CallOut' | 'EmailIn' | 'EmailOut' | 'ChatIn' | 'ChatOut';

/** The contact a handling status belongs to (Dialing is a call-out contact). */
function contactOf(handling: string): Kind | null {
  if (handling === 'Talking_Inbound') return 'CallIn';
  if (handling.startsWith('Talking_Outbound') || handling.startsWith('Dialing_Outbound')) return 'CallOut';
  if (handling === 'Emailing_Inbound') return 'EmailIn';
  if (handling === 'Emailing_Outbound') return 'EmailOut';
  if (handling === 'Chatting_Inbound') return 'ChatIn';
  if (handling === 'Chatting_Outbound') return 'ChatOut';
  return null;
}

/** What a handled-contact count counts: a contact that was talked, chatted or emailed (not a mere dial). */
function handledOf(handling: string): Kind | null {
  return handling.startsWith('Dialing') ? null : contactOf(handling);
}

const AFTERWORK_FIELD: Partial<Record<Kind, TruthField>> = {
  CallIn: 'afterworkCallInDuration', CallOut: 'afterworkCallOutDuration', EmailIn: 'afterworkEmailInDuration', ChatIn: 'afterworkChatInDuration',
};

/** The duration fields one counted ms in (presence, handling) adds to, with `lastContact` the session's latest contact before it. */
function durationFields(presence: string | null, handling: string, lastContact: Kind | null): TruthField[] {
  const fields: TruthField[] = [];
  // a vendor without presence (presence null, HostedSuite): no presence-dependent field
  if (presence !== null) fields.push('servingDuration', presence === 'Ready' ? 'readyDuration' : presence === 'NotReady' ? 'notReadyDuration' : 'pauseDuration');
  if (handling === 'Waiting') fields.push('waitingDuration');
  if (handling === 'Waiting' && presence === 'Ready') fields.push('freeDuration');
  if (handling === 'Preview') fields.push('previewDuration');
  if (contactOf(handling) !== null) fields.push('contactHandlingDuration');
  if (handling === 'Talking_Inbound') fields.push('callInDuration');
  if (handling === 'Talking_Outbound' || handling === 'Talking_Outbound_CBR' || handling === 'Talking_Outbound_Campaign') fields.push('callOutDuration');
  if (handling === 'Emailing_Inbound') fields.push('emailInDuration');
  if (handling === 'Emailing_Outbound') fields.push('emailOutDuration');
  if (handling === 'Chatting_Inbound' || handling === 'Chatting_Outbound') fields.push('chatDuration');
  if (handling === 'Wrap') {
    fields.push('afterworkDuration');
    const byKind = lastContact === null ? undefined : AFTERWORK_FIELD[lastContact];
    if (byKind !== undefined) fields.push(byKind);
  }
  return fields;
}

function zero(): Record<TruthField, number> {
  return Object.fromEntries(TRUTH_FIELDS.map((f) => [f, 0])) as Record<TruthField, number>;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly presence: string | null;
  readonly handling: string | null;
  /** The group (grouping key of its line) its values go to. */
  readonly group: string;
  /** Still open at the simulator's now: its time counts up to `openUntil`, but its run has no last ms yet. */
  readonly open: boolean;
}

export interface TruthOptions {
  /** Where an open line (end null) ends; without it an open line is an error. */
  readonly openUntil?: number;
  /** false: a vendor without presence (see above). Default true. */
  readonly presenceKnown?: boolean;
}

/** Per agent: its name, and per UTC quarter-hour start and group the values (only entries with time or a count). */
export type GroupedTruth = Map<string, { readonly name: string; readonly quarters: Map<number, Map<string, Record<TruthField, number>>> }>;

/**
 * The values of the truth lines per agent, UTC quarter-hour and group: every counted ms goes to the group
 * `groupOf` gives its line; a handled-contact count goes to the group of its run's last counted ms (the run may
 * span lines of several groups). Lines are grouped by agent; an agent's lines need not differ from their neighbours.
 */
export function groupedTruth(lines: readonly TruthLine[], groupOf: (line: TruthLine) => string, options: TruthOptions = {}): GroupedTruth {
  const presenceKnown = options.presenceKnown ?? true;
  const byAgent = new Map<string, { name: string; spans: Span[] }>();
  for (const line of lines) {
    const agent = byAgent.get(line.agentId) ?? { name: line.agentName, spans: [] };
    const end = line.end === null ? options.openUntil : Date.parse(line.end);
    if (end === undefined) throw new Error(`truth line of ${line.agentId} from ${line.start} is open and no openUntil was given`);
    agent.spans.push({ start: Date.parse(line.start), end, presence: line.presence, handling: line.handling, group: groupOf(line), open: line.end === null });
    byAgent.set(line.agentId, agent);
  }
  const out: GroupedTruth = new Map();
  for (const [agentId, { name, spans }] of byAgent) {
    const quarters = new Map<number, Map<string, Record<TruthField, number>>>();
    const at = (ms: number, group: string): Record<TruthField, number> => {
      const q = Math.floor(ms / QUARTER) * QUARTER;
      let groups = quarters.get(q);
      if (groups === undefined) quarters.set(q, (groups = new Map()));
      let values = groups.get(group);
      if (values === undefined) groups.set(group, (values = zero()));
      return values;
    };
    spans.sort((a, b) => a.start - b.start);
    let lastContact: Kind | null = null;
    let run: { kind: Kind; lastMs: number; group: string; open: boolean } | null = null;
    let previousEnd: number | null = null;
    const closeRun = (): void => {
      if (run !== null && !run.open) at(run.lastMs, run.group)[`countOfHandled${run.kind}`] += 1;
      run = null;
    };
    for (const span of spans) {
      if (previousEnd !== span.start) {
        // a gap: the previous session ended
        closeRun();
        lastContact = null;
      }
      previousEnd = span.end;
      const presenceOk = presenceKnown ? span.presence !== null && PRESENCES.has(span.presence) : span.presence === null;
      const counted = presenceOk && span.handling !== null && KNOWN_HANDLING.has(span.handling);
      if (!counted) {
        closeRun();
        continue;
      }
      const presence = span.presence;
      const handling = span.handling as string;
      const fields = durationFields(presence, handling, lastContact);
      for (let from = span.start; from < span.end; ) {
        const to = Math.min(span.end, (Math.floor(from / QUARTER) + 1) * QUARTER);
        const values = at(from, span.group);
        for (const field of fields) values[field] += to - from;
        from = to;
      }
      const handled = handledOf(handling);
      const current = run as { kind: Kind } | null;
      if (current !== null && current.kind !== handled) closeRun();
      if (handled !== null) run = { kind: handled, lastMs: span.end - 1, group: span.group, open: span.open };
      lastContact = contactOf(handling) ?? lastContact;
    }
    closeRun();
    for (const [q, groups] of quarters) {
      for (const [group, values] of groups) if (TRUTH_FIELDS.every((f) => values[f] === 0)) groups.delete(group);
      if (groups.size === 0) quarters.delete(q);
    }
    out.set(agentId, { name, quarters });
  }
  return out;
}

/**
 * Per `agentId|intervalStart ISO` the values computed from the truth lines; only rows with time or a count. An open
 * line (end null) counts its time up to `openUntil` (epoch ms); a contact run it ends is not counted yet, because a
 * handled contact counts in the quarter-hour of its last ms, which has not come. Without `openUntil` an open line is
 * an error.
 */
export function truthStatistics(lines: readonly TruthLine[], options: TruthOptions = {}): Map<string, TruthRow> {
  const rows = new Map<string, TruthRow>();
  for (const [agentId, { name, quarters }] of groupedTruth(lines, () => '', options)) {
    for (const [q, groups] of quarters) {
      const values = groups.get('');
      if (values !== undefined) rows.set(`${agentId}|${new Date(q).toISOString()}`, { userName: name, values });
    }
  }
  return rows;
}

import type { SimAgent } from './agent-roster.ts';
import { roster } from './agent-roster.ts';
import { runAgentSession } from './agent-session.ts';
import { contactHistoryRecord } from './contact-record.ts';
import type { GeneratedDay, TimedContact, TimedStatusRow } from './generated-day.ts';
import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import { queueAbandons } from './queue-abandons.ts';
import type { SessionScript } from './session-script.ts';
import type { StateInterval } from './state-intervals.ts';
import { sessionIntervals } from './state-intervals.ts';
import { statusRow } from './status-row.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;
/** The seed document's changeTimestamp lags are below one second. */
export const NATURAL_CHANGE_LAG_MS = 1_000;
/** Share of rows (and contacts) that become visible late when lateVisibilityMaxMs > 0. */
const LATE_SHARE = 0.1;

export interface GroundTruthOptions {
  readonly seed: number;
  readonly agents: number;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  readonly changeLagMaxMs?: number;
  readonly lateVisibilityMaxMs?: number;
}

interface Lags {
  readonly changeLagMaxMs: number;
  readonly lateVisibilityMaxMs: number;
}

function lag(rng: Prng, lags: Lags): number {
  const natural = Math.min(lags.changeLagMaxMs, NATURAL_CHANGE_LAG_MS);
  return rng.chance(0.8) ? rng.int(0, natural) : rng.int(0, lags.changeLagMaxMs);
}

function lateness(rng: Prng, lags: Lags): number {
  return lags.lateVisibilityMaxMs > 0 && rng.chance(LATE_SHARE) ? rng.int(1, lags.lateVisibilityMaxMs) : 0;
}

function agentSessions(seed: number, agent: SimAgent, from: number, deadline: number): SessionScript[] {
  const sessions: SessionScript[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < deadline; day += DAY) {
    const rng = new Prng(deriveSeed(seed, 'shift', agent.index, day));
    const shiftStart = day + agent.shiftStartMinute * MINUTE + rng.int(0, 59_999);
    const start = Math.max(shiftStart, from);
    const end = Math.min(shiftStart + agent.shiftLengthMinutes * MINUTE, deadline - 5 * MINUTE);
    if (end - start < 10 * MINUTE) continue;
    if (rng.chance(0.1) && end - start > 2 * 60 * MINUTE) {
      const split = start + Math.floor((end - start) * rng.uniform(0.3, 0.7));
      const first = runAgentSession(agent, rng, start, split, split + 30 * MINUTE);
      const lastRow = first.rows[first.rows.length - 1];
      sessions.push(first);
      const resume = (lastRow?.writeTime ?? split) + rng.int(1, 5) * MINUTE;
      if (end - resume > 10 * MINUTE) sessions.push(runAgentSession(agent, rng, resume, end, deadline));
    } else {
      sessions.push(runAgentSession(agent, rng, start, end, deadline));
    }
  }
  return sessions;
}

/**
 * The rows of one session with their times. changeTimestamp never decreases in write order, and neither does
 * visibleAt: the monitoring table commits a session's rows in the order they are written, so a row that becomes
 * visible late holds back the rows of its session written after it (never more than lateVisibilityMaxMs after
 * their own changeTimestamp). A poller therefore never sees a row before an earlier-written row of its session.
 */
function timedRows(seed: number, script: SessionScript, lags: Lags): TimedStatusRow[] {
  const rng = new Prng(deriveSeed(seed, 'lag', script.sessionId));
  const identity = { sessionId: script.sessionId, userId: script.agent.userId, userName: script.agent.userName };
  let previous = Number.NEGATIVE_INFINITY;
  let previousVisible = Number.NEGATIVE_INFINITY;
  return script.rows.map((draft) => {
    const changeTimestamp = Math.max(previous, draft.writeTime + lag(rng, lags));
    previous = changeTimestamp;
    const visibleAt = Math.max(previousVisible, changeTimestamp + lateness(rng, lags));
    previousVisible = visibleAt;
    return { row: statusRow(identity, draft, changeTimestamp), userId: identity.userId, sessionId: identity.sessionId, changeTimestamp, visibleAt };
  });
}

/**
 * The deterministic ground truth of a contact center over [from, to): pure, a function of the
 * options only. Each agent's behaviour depends on (seed, agent index, day), not on the agent count;
 * lag settings change timestamps and visibility, and shorten the last sessions so that every row
 * is visible by `to`.
 */
export function generateGroundTruth(options: GroundTruthOptions): GeneratedDay {
  const lags: Lags = {
    changeLagMaxMs: Math.max(0, options.changeLagMaxMs ?? NATURAL_CHANGE_LAG_MS),
    lateVisibilityMaxMs: Math.max(0, options.lateVisibilityMaxMs ?? 0),
  };
  if (!(options.to > options.from)) throw new RangeError('ground truth needs from < to');
  const deadline = options.to - lags.changeLagMaxMs - lags.lateVisibilityMaxMs - 1_000;
  const agents = roster(options.seed, options.agents);
  const rows: { timed: TimedStatusRow; order: number }[] = [];
  const contacts: TimedContact[] = [];
  const stateIntervals: StateInterval[] = [];
  const contactRng = new Prng(deriveSeed(options.seed, 'contact-lag', options.from));
  const addContact = (contact: TimedContact['contact']): void => {
    const maxChangeTimestamp = contact.afterworkEnd + lag(contactRng, lags);
    contacts.push({ contact, record: contactHistoryRecord(contact, maxChangeTimestamp), maxChangeTimestamp, visibleAt: maxChangeTimestamp + lateness(contactRng, lags) });
  };
  for (const agent of agents) {
    for (const script of agentSessions(options.seed, agent, options.from, deadline)) {
      for (const timed of timedRows(options.seed, script, lags)) rows.push({ timed, order: rows.length });
      for (const contact of script.contacts) addContact(contact);
      stateIntervals.push(...sessionIntervals(script));
    }
  }
  if (deadline > options.from) for (const contact of queueAbandons(options.seed, options.from, deadline)) addContact(contact);
  rows.sort((a, b) => a.timed.changeTimestamp - b.timed.changeTimestamp || compareText(a.timed.userId, b.timed.userId) || a.order - b.order);
  contacts.sort((a, b) => a.maxChangeTimestamp - b.maxChangeTimestamp || compareText(a.contact.contactId, b.contact.contactId));
  stateIntervals.sort((a, b) => compareText(a.agentId, b.agentId) || a.start - b.start);
  return { from: options.from, to: options.to, agents, agentStatusHistory: rows.map((r) => r.timed), contacts, stateIntervals };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

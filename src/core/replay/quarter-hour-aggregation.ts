import type { DirectContact } from '../direct/direct-contact.ts';
import { DirectContactStore } from '../direct/direct-contact-store.ts';
import type { AgentEvent } from '../events/agent-event.ts';
import type { UserIdentity } from '../events/user-identity.ts';
import { newUserIdentity, observeUserName } from '../events/user-identity.ts';
import type { SessionBounds } from '../session/session-bounds.ts';
import { advanceBounded, DEFAULT_SESSION_MAX_IDLE_MS } from '../session/session-bounds.ts';
import { applySessionEvent, settleRun } from '../session/session-machine.ts';
import { initialSessionState } from '../session/session-state.ts';
import type { SourceId } from '../source/source-id.ts';
import { DEFAULT_SOURCE, sourceProfile } from '../source/source-profiles.ts';
import type { FieldCoverage } from '../statistic/published-metrics.ts';
import { profileCoverage } from '../statistic/published-metrics.ts';
import type { MetricVector, ReadonlyVector } from '../statistic/metric-vector.ts';
import { vectorHasContent } from '../statistic/metric-vector.ts';
import { WindowAccumulator } from '../statistic/window-accumulator.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';
import type { PreparedSession } from './session-events.ts';
import { prepareSession } from './session-events.ts';


/** One (user, quarter-hour) aggregate before labelling. */
export interface QuarterHourAggregate {
  readonly userId: string;
  /** Name as of the window end: the same event set as maxChangeTime (spec §4, see UserIdentity). */
  readonly userName: string;
  /** Window start, epoch ms. */
  readonly start: number;
  readonly vector: MetricVector;
  /** Max changeTime of the user's accepted events with eventTime < window end. */
  readonly maxChangeTime: number;
  /** The source of the user's records. */
  readonly source: SourceId;
  /** Which fields of `vector` the source supplied (published-metrics.ts); the rest are null when published. */
  readonly coverage: Readonly<FieldCoverage>;
  /** Vendor figures without an agentStatistic field (a WindowReport's extras); absent when none. */
  readonly extras?: Readonly<Record<string, number>>;
  /** The agentHistory breakdown (part key → vector, history-part.ts); absent: unknown (a vendor's report). */
  readonly parts?: ReadonlyMap<string, ReadonlyVector>;
}

export interface AggregationOutcome {
  /** Rows with content, sorted by userId then start. */
  readonly quarterHours: QuarterHourAggregate[];
  /** Distinct events rejected because their session had already ended. */
  readonly afterEnd: readonly AgentEvent[];
  /** Every event not applied because of a session end (afterEnd and their duplicates). */
  readonly notApplied: ReadonlySet<AgentEvent>;
  readonly duplicates: number;
  /** The horizon used: `until`, else the maximum eventTime of accepted events; null without any. */
  readonly horizon: number | null;
}

/** The user's events of one eventTime quarter-hour: greatest changeTime and best name. */
interface ChangeMark {
  change: number;
  readonly name: UserIdentity;
}

interface UserBatch {
  readonly windows: WindowAccumulator;
  /** Quarter-hour start of an eventTime → the user's events in it, folded. */
  readonly changeByWindow: Map<number, ChangeMark>;
}

/**
 * Batch core: groups events by session, applies them in order with every session machine up to
 * the horizon and sums the counted time per user and UTC quarter-hour. Input order does not
 * matter. A session belongs to the userId of its first event in apply order; it ends implicitly
 * at the next newer session of its user or after `sessionMaxIdleMs` without events (session-bounds.ts). All events
 * come from `source`, whose profile decides whether handling counts without presence and which fields are known.
 *
 * `directContacts`: null when no direct-contact feed is replayed (the Direct fields are unknown: published null);
 * else every direct contact of the input (core/direct), joined to its user's call runs exactly as the live engine
 * joins them (WindowAccumulator.addRun, direct-run.ts), and the Direct fields are known. A contactId counts once (the
 * first in input order).
 */
export function aggregateQuarterHours(
  events: readonly AgentEvent[],
  until?: number,
  sessionMaxIdleMs = DEFAULT_SESSION_MAX_IDLE_MS,
  source: SourceId = DEFAULT_SOURCE,
  directContacts: readonly DirectContact[] | null = null,
): AggregationOutcome {
  const profile = sourceProfile(source, directContacts !== null);
  const stores = new Map<string, DirectContactStore>();
  for (const contact of directContacts ?? []) {
    let store = stores.get(contact.userId);
    if (store === undefined) stores.set(contact.userId, (store = new DirectContactStore()));
    store.add(contact);
  }
  const sessions = new Map<string, AgentEvent[]>();
  for (const event of events) {
    const list = sessions.get(event.sessionId);
    if (list === undefined) sessions.set(event.sessionId, [event]);
    else list.push(event);
  }
  const prepared: PreparedSession[] = [];
  const afterEnd: AgentEvent[] = [];
  const notApplied = new Set<AgentEvent>();
  let duplicates = 0;
  let maxEventTime: number | null = null;
  for (const list of sessions.values()) {
    const session = prepareSession(list);
    prepared.push(session);
    duplicates += session.duplicates.length;
    for (const e of session.afterEnd) {
      afterEnd.push(e);
      notApplied.add(e);
    }
    for (const e of session.afterEndDuplicates) notApplied.add(e);
    for (const e of session.kept) if (maxEventTime === null || e.eventTime > maxEventTime) maxEventTime = e.eventTime;
  }
  const horizon = until ?? maxEventTime;
  if (horizon === null) return { quarterHours: [], afterEnd, notApplied, duplicates, horizon };

  const users = new Map<string, UserBatch>();
  const supersededAt = successorStarts(prepared);
  for (const session of prepared) {
    const first = session.kept[0] as AgentEvent;
    runSession(session.kept, horizon, { maxIdleMs: sessionMaxIdleMs, supersededAt: supersededAt.get(first.sessionId) ?? null }, users, profile.presenceKnown, stores);
  }

  const quarterHours: QuarterHourAggregate[] = [];
  const userIds = [...users.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const labels = { source, coverage: profileCoverage(profile) };
  for (const userId of userIds) collectRows(userId, users.get(userId) as UserBatch, labels, quarterHours);
  return { quarterHours, afterEnd, notApplied, duplicates, horizon };
}

function userBatch(users: Map<string, UserBatch>, userId: string, stores: ReadonlyMap<string, DirectContactStore>): UserBatch {
  let user = users.get(userId);
  if (user === undefined) {
    user = { windows: new WindowAccumulator(true, stores.get(userId) ?? null), changeByWindow: new Map() };
    users.set(userId, user);
  }
  return user;
}

/** sessionId → the first event time of the next newer session of the same user (first event time, then sessionId). */
function successorStarts(prepared: readonly PreparedSession[]): Map<string, number> {
  const byUser = new Map<string, AgentEvent[]>();
  for (const session of prepared) {
    const first = session.kept[0] as AgentEvent;
    const list = byUser.get(first.userId);
    if (list === undefined) byUser.set(first.userId, [first]);
    else list.push(first);
  }
  const out = new Map<string, number>();
  for (const firsts of byUser.values()) {
    firsts.sort((a, b) => a.eventTime - b.eventTime || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
    for (let i = 0; i + 1 < firsts.length; i++) out.set((firsts[i] as AgentEvent).sessionId, (firsts[i + 1] as AgentEvent).eventTime);
  }
  return out;
}

function runSession(
  kept: readonly AgentEvent[],
  horizon: number,
  bounds: SessionBounds,
  users: Map<string, UserBatch>,
  presenceKnown: boolean,
  stores: ReadonlyMap<string, DirectContactStore>,
): void {
  const state = initialSessionState(presenceKnown);
  const ownerId = (kept[0] as AgentEvent).userId;
  const owner = userBatch(users, ownerId, stores);
  const windows = owner.windows;
  for (const event of kept) {
    const user = event.userId === ownerId ? owner : userBatch(users, event.userId, stores);
    const window = Math.floor(event.eventTime / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
    let mark = user.changeByWindow.get(window);
    if (mark === undefined) {
      mark = { change: event.changeTime, name: newUserIdentity() };
      user.changeByWindow.set(window, mark);
    } else if (event.changeTime > mark.change) mark.change = event.changeTime;
    observeUserName(mark.name, event.userName, event.changeTime);
    if (event.eventTime > horizon) continue;
    if (advanceBounded(state, event.eventTime, bounds, false, windows, null)) applySessionEvent(state, event);
  }
  advanceBounded(state, horizon, bounds, true, windows, null);
  settleRun(state, windows);
}
function collectRows(userId: string, user: UserBatch, labels: Pick<QuarterHourAggregate, 'source' | 'coverage'>, out: QuarterHourAggregate[]): void {
  const starts = [...user.windows.windows.keys()].sort((a, b) => a - b);
  if (starts.length === 0) return;
  const changes = [...user.changeByWindow.keys()].sort((a, b) => a - b);
  let next = 0;
  let maxChange = Number.NEGATIVE_INFINITY;
  const name = newUserIdentity();
  for (const start of starts) {
    while (next < changes.length && (changes[next] as number) <= start) {
      const mark = user.changeByWindow.get(changes[next] as number) as ChangeMark;
      maxChange = Math.max(maxChange, mark.change);
      if (mark.name.nameChangeTime !== null) observeUserName(name, mark.name.userName, mark.name.nameChangeTime);
      next++;
    }
    const vector = user.windows.windows.get(start) as MetricVector;
    if (!vectorHasContent(vector)) continue;
    const parts = user.windows.parts.get(start) ?? new Map<string, MetricVector>();
    out.push({ userId, userName: name.userName, start, vector, maxChangeTime: maxChange, source: labels.source, coverage: labels.coverage, parts });
  }
}

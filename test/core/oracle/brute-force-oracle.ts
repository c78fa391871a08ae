/**
 * Brute-force ORACLE for the agent-timelines engine (test-only).
 *
 * Written directly from /work/spec/engine-semantics.md, deliberately sharing NO code with src/core
 * (only the field list `agent-statistic-fields.ts` is imported). It favours being obviously correct
 * over being fast: every session is simulated one millisecond at a time, and the state AT each
 * millisecond m is recomputed as "the state after applying all events with eventTime <= m in spec
 * order". Keep generated histories short (a few hours of session-milliseconds per test case at most).
 *
 * Spec references in comments are to sections of engine-semantics.md, amended by docs/metrics.md ("Sessions that
 * never end", "Bad timestamps"): implicit session ends and event-time limits are written here from that text, per
 * millisecond, without the engine's step functions.
 */
import { DateTime } from 'luxon';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import type { AgentMetrics, MetricField } from '../../../src/core/statistic/agent-statistic-fields.ts';

export const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;

/** docs/metrics.md defaults: a session idle for a day ends; event times within 366 days before / 1 h after their changeTimestamp. */
export const ORACLE_DEFAULT_LIMITS: OracleLimits = { sessionMaxIdleMs: DAY_MS, maxEventAgeMs: 366 * DAY_MS, maxEventLeadMs: 3_600_000 };

export interface OracleLimits {
  /** A session with no event for this long is logged out from (last event + this) on. */
  sessionMaxIdleMs: number;
  /** A record with an event time more than this before its changeTimestamp is rejected `event-time-too-old`. */
  maxEventAgeMs: number;
  /** A record with an event time more than this after its changeTimestamp is rejected `event-time-in-future`. */
  maxEventLeadMs: number;
}

// ---------------------------------------------------------------------------------------------
// §1 parsing
// ---------------------------------------------------------------------------------------------

export const HANDLING_STATUSES = [
  'Waiting',
  'OBJoin',
  'OBUnJoin',
  'Preview',
  'Wrap',
  'Talking_Inbound',
  'Talking_Outbound',
  'Talking_Outbound_CBR',
  'Talking_Outbound_Campaign',
  'Chatting_Inbound',
  'Chatting_Outbound',
  'Emailing_Inbound',
  'Emailing_Outbound',
  'Dialing_Outbound',
  'Dialing_Outbound_CBR',
  'Dialing_Outbound_Campaign',
  'LoggedOut',
] as const;
export const USER_STATUSES = ['Ready', 'NotReady', 'Pause', 'LoggedOut'] as const;

export type OracleEventKind = 'userStatus' | 'handling';

export interface OracleEvent {
  sessionId: string;
  userId: string;
  userName: string | undefined;
  kind: OracleEventKind;
  eventTime: number;
  changeTimestamp: number;
  value: string;
  /** OutboundServing of OBJoin/OBUnJoin records (kept, not used for metrics). */
  campaignId: string | undefined;
  profile: string | undefined;
  /** profileReason of a user-status record (the agentHistory breakdown). */
  profileReason?: string | undefined;
  /** §2 the record's place in the vendor's answers [vendorPoll, vendorRow]; undefined when the record has none. */
  listed: [number, number] | undefined;
}

export type ParseOutcome = { ok: true; events: OracleEvent[] } | { ok: false; reason: string };

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const SPACE_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const ISO_FORMAT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}|[+-]\d{4})$/;

/**
 * Parses a timestamp per §1: `YYYY-MM-DD HH:mm:ss(.f{1,3})?` (UTC) or ISO-8601 with `Z`/`±HH:MM`/`±HHMM`.
 * Fractions longer than 3 digits (ISO) are truncated. Returns epoch ms or undefined.
 */
export function parseOracleTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  let match = SPACE_FORMAT.exec(text);
  let offsetText = 'Z';
  if (match === null) {
    match = ISO_FORMAT.exec(text);
    if (match === null) return undefined;
    offsetText = match[8] ?? 'Z';
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const fraction = match[7] ?? '';
  // "123456" -> "123" (truncate), "5" -> "500", "12" -> "120"
  const millis = Number((fraction.slice(0, 3) + '000').slice(0, 3));
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (offsetText !== 'Z') {
    const sign = offsetText.startsWith('-') ? -1 : 1;
    const digits = offsetText.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

function pick(record: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) if (record[key] !== undefined) return record[key];
  return undefined;
}

function timeSkewReason(eventTime: number, changeTimestamp: number, limits: OracleLimits): string | undefined {
  if (changeTimestamp - eventTime > limits.maxEventAgeMs) return 'event-time-too-old';
  if (eventTime - changeTimestamp > limits.maxEventLeadMs) return 'event-time-in-future';
  return undefined;
}

export function parseOracleRecord(raw: unknown, limits: OracleLimits = ORACLE_DEFAULT_LIMITS): ParseOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not-an-object' };
  const record = raw as Record<string, unknown>;
  const sessionId = record['sessionId'];
  if (typeof sessionId !== 'string' || sessionId === '') return { ok: false, reason: 'missing-sessionId' };
  const userId = pick(record, 'userId', 'UserId');
  if (typeof userId !== 'string' || userId === '') return { ok: false, reason: 'missing-userId' };
  const changeText = pick(record, 'changeTimestamp', 'changeTimeStamp');
  if (changeText === undefined) return { ok: false, reason: 'missing-changeTimestamp' };
  const changeTimestamp = parseOracleTimestamp(changeText);
  if (changeTimestamp === undefined) return { ok: false, reason: 'bad-timestamp' };
  const userName = typeof record['userName'] === 'string' ? record['userName'] : undefined;
  // §2 vendor position: both vendorPoll and vendorRow, each a non-negative integer, or the record has none
  const poll = record['vendorPoll'];
  const row = record['vendorRow'];
  const isPosition = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  const listed: [number, number] | undefined = isPosition(poll) && isPosition(row) ? [poll, row] : undefined;

  const status = record['status'];
  const statusText = pick(record, 'statusTimestamp', 'statusTimeStamp');
  const userStatus = record['userStatus'];
  const userStatusText = pick(record, 'userStatusTimestamp', 'userStatusTimeStamp');
  if (status === undefined && userStatus === undefined) return { ok: false, reason: 'no-status-change' };

  const events: OracleEvent[] = [];
  if (userStatus !== undefined || userStatusText !== undefined) {
    if (userStatus === undefined) return { ok: false, reason: 'missing-userStatus' };
    if (typeof userStatus !== 'string' || !(USER_STATUSES as readonly string[]).includes(userStatus)) {
      return { ok: false, reason: 'unknown-userStatus' };
    }
    if (userStatusText === undefined) return { ok: false, reason: 'missing-userStatusTimestamp' };
    const eventTime = parseOracleTimestamp(userStatusText);
    if (eventTime === undefined) return { ok: false, reason: 'bad-timestamp' };
    const skew = timeSkewReason(eventTime, changeTimestamp, limits);
    if (skew !== undefined) return { ok: false, reason: skew };
    const profile = typeof record['profile'] === 'string' ? record['profile'] : undefined;
    const profileReason = typeof record['profileReason'] === 'string' ? record['profileReason'] : undefined;
    events.push({ sessionId, userId, userName, kind: 'userStatus', eventTime, changeTimestamp, value: userStatus, campaignId: undefined, profile, profileReason, listed });
  }
  if (status !== undefined || statusText !== undefined) {
    if (status === undefined) return { ok: false, reason: 'missing-status' };
    if (typeof status !== 'string' || !(HANDLING_STATUSES as readonly string[]).includes(status)) {
      return { ok: false, reason: 'unknown-status' };
    }
    if (statusText === undefined) return { ok: false, reason: 'missing-statusTimestamp' };
    const eventTime = parseOracleTimestamp(statusText);
    if (eventTime === undefined) return { ok: false, reason: 'bad-timestamp' };
    const skew = timeSkewReason(eventTime, changeTimestamp, limits);
    if (skew !== undefined) return { ok: false, reason: skew };
    const serving = record['OutboundServing'];
    const campaignId = typeof serving === 'string' ? serving : undefined;
    events.push({ sessionId, userId, userName, kind: 'handling', eventTime, changeTimestamp, value: status, campaignId, profile: undefined, listed });
  }
  return { ok: true, events };
}

// ---------------------------------------------------------------------------------------------
// §2 order + §3 per-millisecond state
// ---------------------------------------------------------------------------------------------

/** §2 where the vendor listed a record: records without a position first, then by poll, then by row. */
function compareListed(a: OracleEvent, b: OracleEvent): number {
  if (a.listed === undefined && b.listed === undefined) return 0;
  if (a.listed === undefined) return -1;
  if (b.listed === undefined) return 1;
  return a.listed[0] - b.listed[0] || a.listed[1] - b.listed[1];
}

/** §2: (eventTime, changeTimestamp, vendor listing [poll, row], kind [userStatus before handling], value). */
export function compareOracleEvents(a: OracleEvent, b: OracleEvent): number {
  if (a.eventTime !== b.eventTime) return a.eventTime - b.eventTime;
  if (a.changeTimestamp !== b.changeTimestamp) return a.changeTimestamp - b.changeTimestamp;
  const listed = compareListed(a, b);
  if (listed !== 0) return listed;
  if (a.kind !== b.kind) return a.kind === 'userStatus' ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function isEndEvent(event: OracleEvent): boolean {
  return event.value === 'LoggedOut';
}

type CountKind = 'CallIn' | 'CallOut' | 'EmailIn' | 'EmailOut' | 'ChatIn' | 'ChatOut';

/** Contact kind used for afterwork attribution (§3), Dialing_* included. */
function contactKindOf(h: string): CountKind | null {
  if (h === 'Talking_Inbound') return 'CallIn';
  if (h.startsWith('Talking_Outbound') || h.startsWith('Dialing_Outbound')) return 'CallOut';
  if (h === 'Emailing_Inbound') return 'EmailIn';
  if (h === 'Emailing_Outbound') return 'EmailOut';
  if (h === 'Chatting_Inbound') return 'ChatIn';
  if (h === 'Chatting_Outbound') return 'ChatOut';
  return null;
}

/** Count kind (§3 Counts): like the contact kind, but Dialing has none. */
function countKindOf(h: string): CountKind | null {
  if (h.startsWith('Dialing_')) return null;
  return contactKindOf(h);
}

const KNOWN_HANDLING = new Set([
  'Waiting',
  'Preview',
  'Wrap',
  'Talking_Inbound',
  'Talking_Outbound',
  'Talking_Outbound_CBR',
  'Talking_Outbound_Campaign',
  'Chatting_Inbound',
  'Chatting_Outbound',
  'Emailing_Inbound',
  'Emailing_Outbound',
  'Dialing_Outbound',
  'Dialing_Outbound_CBR',
  'Dialing_Outbound_Campaign',
]);

const COUNT_FIELD_OF: Record<CountKind, MetricField> = {
  CallIn: 'countOfHandledCallIn',
  CallOut: 'countOfHandledCallOut',
  EmailIn: 'countOfHandledEmailIn',
  EmailOut: 'countOfHandledEmailOut',
  ChatIn: 'countOfHandledChatIn',
  ChatOut: 'countOfHandledChatOut',
};

/** The fields a counted millisecond adds 1 to (§3), given u, h and the afterwork kind K. */
export function fieldsForCountedMs(u: string, h: string, afterworkKind: CountKind | null): MetricField[] {
  const fields: MetricField[] = ['servingDuration'];
  if (u === 'Ready') fields.push('readyDuration');
  if (u === 'NotReady') fields.push('notReadyDuration');
  if (u === 'Pause') fields.push('pauseDuration');
  if (h === 'Waiting') fields.push('waitingDuration');
  if (h === 'Waiting' && u === 'Ready') fields.push('freeDuration');
  if (h === 'Preview') fields.push('previewDuration');
  if (h === 'Wrap') fields.push('afterworkDuration');
  if (contactKindOf(h) !== null) fields.push('contactHandlingDuration');
  if (h === 'Talking_Inbound') fields.push('callInDuration');
  if (h === 'Talking_Outbound' || h === 'Talking_Outbound_CBR' || h === 'Talking_Outbound_Campaign') {
    fields.push('callOutDuration');
  }
  if (h === 'Emailing_Inbound') fields.push('emailInDuration');
  if (h === 'Emailing_Outbound') fields.push('emailOutDuration');
  if (h === 'Chatting_Inbound' || h === 'Chatting_Outbound') fields.push('chatDuration');
  if (h === 'Wrap') {
    if (afterworkKind === 'CallIn') fields.push('afterworkCallInDuration');
    if (afterworkKind === 'CallOut') fields.push('afterworkCallOutDuration');
    if (afterworkKind === 'EmailIn') fields.push('afterworkEmailInDuration');
    if (afterworkKind === 'ChatIn') fields.push('afterworkChatInDuration');
  }
  return fields;
}

export interface OracleSession {
  sessionId: string;
  userId: string;
  /** accepted events in §2 order (deduplicated, nothing after the end event) */
  events: OracleEvent[];
  /** eventTime of the end event, or undefined while open */
  endTime: number | undefined;
  /**
   * The first eventTime of the same user's next newer session (sessions of a user ordered by first eventTime, then
   * sessionId): from then on this session is logged out. Undefined when it is the user's newest.
   */
  supersededAt: number | undefined;
}

export interface OracleRow extends AgentMetrics {
  userId: string;
  userName: string;
  timeCategory: string;
  intervalStart: string;
  intervalEnd: string;
  maxChangeTimestamp: string;
}

export interface OracleOptions {
  /** batch watermark (`--until`); default: max eventTime of the input */
  until?: number;
  /**
   * TEST-ONLY perturbation used to prove the properties can fail (see property files, §f).
   * 'none' in all committed tests.
   */
  perturbation?: 'none' | 'drop-first-ms';
  /** Overrides of ORACLE_DEFAULT_LIMITS. */
  limits?: Partial<OracleLimits>;
}

export interface OracleResult {
  /** quarter-hour rows in UTC, sorted by userId then intervalStart */
  rows: OracleRow[];
  rejected: Record<string, number>;
  watermark: number;
  sessions: OracleSession[];
  /** metrics per (sessionId, quarter-hour start ms): used by the per-session invariant test */
  perSession: Map<string, Map<number, AgentMetrics>>;
  /**
   * The agentHistory breakdown per `userId|intervalStart` (ISO) of every row: part key JSON [profile, profileReason,
   * campaignId] → metrics, parts with a non-zero field only. A counted ms goes to the part of the state AT it; a count
   * to the part of its run's last ms.
   */
  breakdown: Map<string, Map<string, AgentMetrics>>;
}

function zeroMetrics(): AgentMetrics {
  const metrics: Partial<AgentMetrics> = {};
  for (const field of METRIC_FIELDS) metrics[field] = 0;
  return metrics as AgentMetrics;
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

interface SessionState {
  open: boolean;
  u: string | null;
  h: string | null;
  /** agentHistory breakdown: profile and reason of the latest user-status event, campaign of the latest OBJoin until OBUnJoin. */
  p?: string | null;
  r?: string | null;
  c?: string | null;
}

/**
 * True when the session is logged out at m by an implicit end: m is at or after `supersededAt`, or some millisecond
 * m' <= m (from the first event on) had no event of the session in (m' - idle, m'] (an idle gap: two consecutive
 * events more than `idle` apart, or the last event at or before m at least `idle` before m).
 */
function implicitlyEndedAt(session: OracleSession, m: number, idleMs: number): boolean {
  if (session.supersededAt !== undefined && m >= session.supersededAt) return true;
  let previous: number | undefined;
  for (const event of session.events) {
    if (event.eventTime > m) break;
    if (previous !== undefined && event.eventTime - previous > idleMs) return true;
    previous = event.eventTime;
  }
  return previous !== undefined && m - previous >= idleMs;
}

/**
 * State AT millisecond m (§3): apply, in order, all events with eventTime <= m (re-applied from scratch); an
 * implicit end (docs/metrics.md) closes the session like a LoggedOut.
 */
export function stateAt(session: OracleSession, m: number, idleMs: number = ORACLE_DEFAULT_LIMITS.sessionMaxIdleMs): SessionState {
  const state: SessionState = { open: false, u: null, h: null };
  for (const event of session.events) {
    if (event.eventTime > m) break;
    applyEvent(state, event);
  }
  if (implicitlyEndedAt(session, m, idleMs)) state.open = false;
  return state;
}

function applyEvent(state: SessionState, event: OracleEvent): void {
  if (isEndEvent(event)) {
    state.open = false;
    return;
  }
  state.open = true; // the session is open from its first event
  if (event.kind === 'userStatus') {
    state.u = event.value;
    state.p = event.profile ?? null;
    state.r = event.profileReason ?? null;
  } else if (event.value === 'OBJoin') state.c = event.campaignId ?? null;
  else if (event.value === 'OBUnJoin') state.c = null;
  else state.h = event.value;
}

function isCounted(state: SessionState): boolean {
  return (
    state.open &&
    (state.u === 'Ready' || state.u === 'NotReady' || state.u === 'Pause') &&
    state.h !== null &&
    KNOWN_HANDLING.has(state.h)
  );
}

export function buildOracleSessions(records: readonly unknown[], limits: OracleLimits = ORACLE_DEFAULT_LIMITS): {
  sessions: OracleSession[];
  rejected: Record<string, number>;
  acceptedEvents: OracleEvent[];
} {
  const rejected: Record<string, number> = {};
  const reject = (reason: string): void => {
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  };
  const bySession = new Map<string, OracleEvent[]>();
  // §2 exact duplicates count once: of all copies of a change, the one the vendor listed first
  const firstCopy = new Map<string, OracleEvent>();
  for (const raw of records) {
    const outcome = parseOracleRecord(raw, limits);
    if (!outcome.ok) {
      reject(outcome.reason);
      continue;
    }
    for (const event of outcome.events) {
      const key = JSON.stringify([event.sessionId, event.kind, event.eventTime, event.changeTimestamp, event.value]);
      const known = firstCopy.get(key);
      if (known === undefined || compareListed(event, known) < 0) firstCopy.set(key, event);
    }
  }
  for (const event of firstCopy.values()) {
    const list = bySession.get(event.sessionId) ?? [];
    list.push(event);
    bySession.set(event.sessionId, list);
  }
  const sessions: OracleSession[] = [];
  const acceptedSet = new Set<OracleEvent>();
  for (const [sessionId, events] of bySession) {
    const ordered = [...events].sort(compareOracleEvents);
    const accepted: OracleEvent[] = [];
    let endTime: number | undefined;
    for (const event of ordered) {
      if (endTime !== undefined) {
        reject('after-session-end');
        continue;
      }
      accepted.push(event);
      acceptedSet.add(event);
      if (isEndEvent(event)) endTime = event.eventTime;
    }
    const first = accepted[0];
    if (first === undefined) continue;
    sessions.push({ sessionId, userId: first.userId, events: accepted, endTime, supersededAt: undefined });
  }
  // a newer session of the same user logs the older one out at its first event (docs/metrics.md)
  for (const session of sessions) {
    const start = session.events[0]!.eventTime;
    for (const other of sessions) {
      if (other === session || other.userId !== session.userId) continue;
      const otherStart = other.events[0]!.eventTime;
      const newer = otherStart > start || (otherStart === start && other.sessionId > session.sessionId);
      if (newer && (session.supersededAt === undefined || otherStart < session.supersededAt)) session.supersededAt = otherStart;
    }
  }
  return { sessions, rejected, acceptedEvents: [...acceptedSet] };
}

/**
 * Batch replay by brute force: quarter-hour rows in UTC.
 */
export function oracleReplay(records: readonly unknown[], options: OracleOptions = {}): OracleResult {
  const limits: OracleLimits = { ...ORACLE_DEFAULT_LIMITS, ...options.limits };
  const idleMs = limits.sessionMaxIdleMs;
  const { sessions, rejected, acceptedEvents } = buildOracleSessions(records, limits);
  let maxEventTime = -Infinity;
  for (const event of acceptedEvents) maxEventTime = Math.max(maxEventTime, event.eventTime);
  const watermark = options.until ?? maxEventTime;

  // metrics per session per quarter-hour start (field-indexed arrays while stepping), summed per user afterwards
  const perSessionRaw = new Map<string, Map<number, number[]>>();
  const partsRaw = new Map<string, Map<number, Map<string, number[]>>>();
  const fieldIndex = new Map<MetricField, number>(METRIC_FIELDS.map((f, i) => [f, i]));
  const fieldCache = new Map<string, number[]>();

  for (const session of sessions) {
    const first = session.events[0];
    if (first === undefined) continue;
    const windows = new Map<number, number[]>();
    perSessionRaw.set(session.sessionId, windows);
    let userParts = partsRaw.get(session.userId);
    if (userParts === undefined) partsRaw.set(session.userId, (userParts = new Map()));
    const partWindows = userParts;
    const bumpPart = (m: number, part: string, fields: readonly number[]): void => {
      const q = Math.floor(m / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      let parts = partWindows.get(q);
      if (parts === undefined) partWindows.set(q, (parts = new Map()));
      let values = parts.get(part);
      if (values === undefined) parts.set(part, (values = METRIC_FIELDS.map(() => 0)));
      for (const i of fields) values[i]! += 1;
    };
    let currentQ = Number.NaN;
    let current: number[] = [];
    let currentEnd = Number.NaN;
    const bump = (m: number, fields: readonly number[]): void => {
      if (!(m >= currentQ && m < currentEnd)) {
        const q = Math.floor(m / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
        currentEnd = q + QUARTER_HOUR_MS;
        currentQ = q;
        let found = windows.get(q);
        if (found === undefined) windows.set(q, (found = METRIC_FIELDS.map(() => 0)));
        current = found;
      }
      for (const i of fields) current[i]! += 1;
    };
    const start = first.eventTime + (options.perturbation === 'drop-first-ms' ? 1 : 0);
    // Step through every ms from the first event to the horizon: the watermark, or the end if earlier.
    const stop = Math.min(watermark, session.endTime ?? Infinity, session.supersededAt ?? Infinity);
    const state: SessionState = { open: false, u: null, h: null };
    let next = 0; // index of the first event not yet applied
    let afterworkKind: CountKind | null = null; // K: contact kind of the most recent earlier counted contact ms
    let run: { kind: CountKind; last: number; part: string } | null = null;
    let part = '';
    // Pure functions of (u, h, K), recomputed only when u, h or K may have changed (memoisation, same per-ms meaning).
    let fields: number[] = [];
    let countedState = false;
    let h = '';
    let stateCountKind: CountKind | null = null;
    let stateContactKind: CountKind | null = null;
    let dirty = true;
    let lastEventTime = first.eventTime;
    let idleEnded = false;
    for (let m = first.eventTime; m < stop; m++) {
      // state AT m: all events with eventTime <= m applied in order
      while (next < session.events.length && session.events[next]!.eventTime <= m) {
        lastEventTime = session.events[next]!.eventTime;
        applyEvent(state, session.events[next++]!);
        dirty = true;
      }
      // idle rule: no event of the session in (m - idle, m] logs it out from m on, for good
      if (m - lastEventTime >= idleMs) idleEnded = true;
      if (dirty) {
        countedState = isCounted(state);
        h = state.h ?? '';
        stateCountKind = countKindOf(h);
        stateContactKind = contactKindOf(h);
        const u = state.u ?? '';
        const cacheKey = `${u}|${h}|${h === 'Wrap' ? (afterworkKind ?? '-') : '-'}`;
        let cached = fieldCache.get(cacheKey);
        if (cached === undefined) {
          cached = fieldsForCountedMs(u, h, afterworkKind).map((f) => fieldIndex.get(f)!);
          fieldCache.set(cacheKey, cached);
        }
        fields = cached;
        part = JSON.stringify([state.p ?? null, state.r ?? null, state.c ?? null]);
        dirty = false;
      }
      const counted = countedState && !idleEnded && m >= start; // (m < stop <= watermark holds by the loop bound)
      const countKind = counted ? stateCountKind : null;
      // §3 Counts: a run ends when the next ms is not counted or has another count kind
      if (run !== null && run.kind !== countKind) {
        bump(run.last, [fieldIndex.get(COUNT_FIELD_OF[run.kind])!]);
        bumpPart(run.last, run.part, [fieldIndex.get(COUNT_FIELD_OF[run.kind])!]);
        run = null;
      }
      if (idleEnded) break;
      if (!counted) continue;
      if (countKind !== null) {
        if (run === null) run = { kind: countKind, last: m, part };
        else {
          run.last = m;
          run.part = part;
        }
      }
      bump(m, fields);
      bumpPart(m, part, fields);
      if (stateContactKind !== null && stateContactKind !== afterworkKind) {
        afterworkKind = stateContactKind; // K for LATER ms
        dirty = true;
      }
    }
    // A run whose last ms is stop-1 (stop = the session end, or the watermark if earlier). It has ENDED if the state
    // AT ms `stop` (all events with eventTime <= stop, §3) is not counted with the same kind: the session ended at
    // `stop` (even when stop is the watermark), or the status changed exactly at `stop`. Otherwise the state at the
    // watermark continues the run: it is "still going at the watermark" and is not counted yet. (Only durations
    // are cut by the watermark; the state at the watermark ms is known from events at eventTime <= watermark.)
    if (run !== null) {
      const after = stateAt(session, stop, idleMs);
      const kindAfter = isCounted(after) ? countKindOf(after.h ?? '') : null;
      if (kindAfter !== run.kind) {
        bump(run.last, [fieldIndex.get(COUNT_FIELD_OF[run.kind])!]);
        bumpPart(run.last, run.part, [fieldIndex.get(COUNT_FIELD_OF[run.kind])!]);
      }
    }
  }

  const toMetrics = (values: readonly number[]): AgentMetrics => {
    const metrics = zeroMetrics();
    METRIC_FIELDS.forEach((f, i) => (metrics[f] = values[i] ?? 0));
    return metrics;
  };
  const perSession = new Map<string, Map<number, AgentMetrics>>();
  const perUser = new Map<string, Map<number, AgentMetrics>>();
  for (const session of sessions) {
    const windows = perSessionRaw.get(session.sessionId) ?? new Map<number, number[]>();
    const converted = new Map<number, AgentMetrics>();
    perSession.set(session.sessionId, converted);
    let userWindows = perUser.get(session.userId);
    if (userWindows === undefined) perUser.set(session.userId, (userWindows = new Map()));
    for (const [q, values] of windows) {
      const metrics = toMetrics(values);
      converted.set(q, metrics);
      let sum = userWindows.get(q);
      if (sum === undefined) userWindows.set(q, (sum = zeroMetrics()));
      for (const f of METRIC_FIELDS) sum[f] += metrics[f];
    }
  }

  // §4 userName "as of" the window end: among the user's accepted events with eventTime < end and a non-empty
  // userName, the one with the greatest changeTimestamp; on a tie the lexicographically greatest name.
  const nameAsOf = (userId: string, end: number): string => {
    let best: { ct: number; name: string } | undefined;
    for (const event of acceptedEvents) {
      if (event.userId !== userId || event.eventTime >= end) continue;
      const name = event.userName ?? '';
      if (name === '') continue;
      if (best === undefined || event.changeTimestamp > best.ct || (event.changeTimestamp === best.ct && name > best.name)) {
        best = { ct: event.changeTimestamp, name };
      }
    }
    return best?.name ?? '';
  };

  const rows: OracleRow[] = [];
  for (const [userId, windows] of perUser) {
    for (const [q, metrics] of windows) {
      const hasServing = metrics.servingDuration > 0;
      const hasCount = METRIC_FIELDS.some((f) => f.startsWith('countOf') && metrics[f] > 0);
      if (!hasServing && !hasCount) continue;
      let maxCt = -Infinity;
      for (const event of acceptedEvents) {
        if (event.userId === userId && event.eventTime < q + QUARTER_HOUR_MS) maxCt = Math.max(maxCt, event.changeTimestamp);
      }
      rows.push({
        userId,
        userName: nameAsOf(userId, q + QUARTER_HOUR_MS),
        timeCategory: isoUtc(q),
        intervalStart: isoUtc(q),
        intervalEnd: isoUtc(q + QUARTER_HOUR_MS),
        maxChangeTimestamp: isoUtc(maxCt),
        ...metrics,
      });
    }
  }
  sortRows(rows);
  const breakdown = new Map<string, Map<string, AgentMetrics>>();
  for (const row of rows) {
    const parts = new Map<string, AgentMetrics>();
    const q = Date.parse(row.intervalStart);
    const raw = partsRaw.get(row.userId)?.get(q) ?? new Map<string, number[]>();
    for (const key of [...raw.keys()].sort()) {
      const values = raw.get(key)!;
      if (values.some((v) => v !== 0)) parts.set(key, toMetrics(values));
    }
    breakdown.set(`${row.userId}|${row.intervalStart}`, parts);
  }
  return { rows, rejected, watermark, sessions, perSession, breakdown };
}

export function sortRows<T extends { userId: string; intervalStart: string }>(rows: T[]): T[] {
  return rows.sort((a, b) =>
    a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.intervalStart < b.intervalStart ? -1 : a.intervalStart > b.intervalStart ? 1 : 0,
  );
}

// ---------------------------------------------------------------------------------------------
// §5 roll-ups, computed from the oracle's own quarter-hours with luxon
// ---------------------------------------------------------------------------------------------

export type OracleTimeCategory = 'quarterHour' | 'hour' | 'day' | 'week' | 'month' | 'year' | 'all';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isUtcZone(zone: string): boolean {
  return zone === 'UTC';
}

/** ISO-8601 in the zone with ms and offset; UTC prints Z. */
export function localIso(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  if (!dt.isValid) throw new Error(`bad zone ${zone}`);
  const offset = dt.offset; // minutes
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const offsetText = isUtcZone(zone) ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${pad(dt.year, 4)}-${pad(dt.month)}-${pad(dt.day)}T${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}.${pad(dt.millisecond, 3)}${offsetText}`;
}

interface Period {
  start: number;
  end: number;
  label: string;
}

/** The local period (of the category, in the zone) containing instant ms. */
export function oraclePeriodOf(ms: number, category: Exclude<OracleTimeCategory, 'all'>, zone: string): Period {
  const dt = DateTime.fromMillis(ms, { zone });
  let start: DateTime;
  let end: DateTime;
  let label: string;
  switch (category) {
    case 'quarterHour': {
      const s = Math.floor(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      return { start: s, end: s + QUARTER_HOUR_MS, label: localIso(s, zone) };
    }
    case 'hour': {
      // subtract the local minutes/seconds/ms (offset transitions happen on the hour or half hour)
      const s = ms - ((dt.minute * 60 + dt.second) * 1000 + dt.millisecond);
      return { start: s, end: s + 3_600_000, label: localIso(s, zone) };
    }
    case 'day':
      start = dt.startOf('day');
      end = start.plus({ days: 1 });
      label = `${pad(start.year, 4)}-${pad(start.month)}-${pad(start.day)}`;
      break;
    case 'week':
      start = dt.startOf('week'); // ISO week, Monday
      end = start.plus({ weeks: 1 });
      label = `${pad(start.weekYear, 4)}-W${pad(start.weekNumber)}`;
      break;
    case 'month':
      start = dt.startOf('month');
      end = start.plus({ months: 1 });
      label = `${pad(start.year, 4)}-${pad(start.month)}`;
      break;
    case 'year':
      start = dt.startOf('year');
      end = start.plus({ years: 1 });
      label = `${pad(start.year, 4)}`;
      break;
  }
  const period = { start: start.toMillis(), end: end.toMillis(), label };
  if (period.start % QUARTER_HOUR_MS !== 0 || period.end % QUARTER_HOUR_MS !== 0) throw new Error('period not on quarter-hour boundary');
  return period;
}

/** Roll up UTC quarter-hour oracle rows to a category in a zone (§5). */
export function oracleRollup(quarterHours: readonly OracleRow[], category: OracleTimeCategory, zone = 'UTC'): OracleRow[] {
  const groups = new Map<string, { userId: string; userName: string; nameFrom: number; start: number; end: number; label: string; maxCt: number; metrics: AgentMetrics }>();
  for (const row of quarterHours) {
    const qStart = Date.parse(row.intervalStart);
    const qEnd = Date.parse(row.intervalEnd);
    const period: Period = category === 'all' ? { start: qStart, end: qEnd, label: 'all' } : oraclePeriodOf(qStart, category, zone);
    const key = category === 'all' ? row.userId : `${row.userId}|${period.start}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { userId: row.userId, userName: row.userName, nameFrom: -Infinity, start: period.start, end: period.end, label: period.label, maxCt: -Infinity, metrics: zeroMetrics() };
      groups.set(key, group);
    }
    if (category === 'all') {
      group.start = Math.min(group.start, qStart);
      group.end = Math.max(group.end, qEnd);
    }
    // §4 roll-up userName: the component quarter-hour with the greatest maxChangeTimestamp (tie: the later one)
    const rowCt = Date.parse(row.maxChangeTimestamp);
    if (rowCt > group.maxCt || (rowCt === group.maxCt && qStart > group.nameFrom)) {
      group.userName = row.userName;
      group.nameFrom = qStart;
    }
    group.maxCt = Math.max(group.maxCt, rowCt);
    for (const field of METRIC_FIELDS) group.metrics[field] += row[field];
  }
  const rows: OracleRow[] = [...groups.values()].map((g) => ({
    userId: g.userId,
    userName: g.userName,
    timeCategory: g.label,
    intervalStart: isoUtc(g.start),
    intervalEnd: isoUtc(g.end),
    maxChangeTimestamp: isoUtc(g.maxCt),
    ...g.metrics,
  }));
  return sortRows(rows);
}

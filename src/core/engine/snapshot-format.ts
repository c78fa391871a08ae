/**
 * Versions of the engine's persisted state format, and the migrations between them.
 *
 * Everything the processor persists about an engine (the changelog entries: `engine`, `user` and `session` parts of
 * {@link EngineSnapshot}) carries the version it was written in. A newer engine migrates older parts on restore; a
 * version it does not know (written by a newer release) throws {@link SnapshotFormatError}, never a silent misread,
 * and the processor then rebuilds the state from the raw topic (docs/processor.md, "State format versions").
 *
 * Adding a version is a change in this file only: raise {@link SNAPSHOT_VERSION}, describe it in
 * {@link SNAPSHOT_VERSIONS}, and add the step from the previous version to {@link MIGRATIONS}.
 */
import type { SessionState } from '../session/session-state.ts';
import { initialSessionState } from '../session/session-state.ts';
import type { ClosedSegment } from '../timeline/timeline-segment.ts';
import { sameSegment } from '../timeline/timeline-segment.ts';
import { encodeLog } from './compact-event.ts';
import { encodeSegmentEntry } from './compact-segment.ts';
import { encodeSessionState } from './compact-session-state.ts';

/** The version this code writes. */
export const SNAPSHOT_VERSION = 11;

/** The oldest version this code still migrates from. */
export const OLDEST_SNAPSHOT_VERSION = 1;

/** What each version means (kept for the docs, and to say what a migration does). */
export const SNAPSHOT_VERSIONS: Readonly<Record<number, string>> = {
  1: 'the first format: one changelog record per entry; snapshot JSON as TimelineEngine.snapshot() wrote it with version 1',
  2: 'entries larger than a record may be split into content-addressed parts with a manifest; snapshot content unchanged',
  3: 'implicit session ends: a session carries `start` (its first eventTime) and its states `lastEventTime`; events may carry the vendor position `vendorPoll`/`vendorRow` (optional, absent before)',
  4: 'sources: a user carries `source` (the vendor system of its records) and session states `presenceKnown` (false: handling counts without a user status); everything written before is Sinch RAI, with presence',
  5: 'window reports: a window may carry `reported` (its metrics are a vendor aggregate, not counted from state changes) and `extras` (vendor figures without an agentStatistic field), and its emission `extras`; all absent before',
  6: 'agentHistory breakdowns: a window and its emission carry `parts` (part key → vector, history-part.ts), null where unknown; session states carry `runPart`. Windows migrated from 5 have an unknown breakdown (published as one part without dimensions) until they are dropped, and a running contact counts in the part of the state at the cursor',
  7: 'compact logs: a session logs its events as arrays (compact-event.ts) without the session id, the user id (unless another user\'s) and a name equal to the previous event\'s; a user\'s mark leaves out a name equal to the previous mark\'s (before, a missing name was \'\'); a segment entry\'s `emitted` is `true` where it equals the segment',
  8: 'direct contacts: a user may carry `direct` (the direct contacts its call runs may still be joined to, core/direct; absent: none) and session states carry `runStart` (the first millisecond of the running contact; migrated states take the handling status\'s since-time, the run\'s start unless its user status was unknown in between)',
  9: 'compact segments: a session persists each closed segment entry as an array `[start, end, user, handling, revision, emitted, attributes?]` (compact-segment.ts; `emitted` true, null or the emitted segment as `[start, end, user, handling, attributes?]`, `attributes` only the set ones of profile, profileReason, profileType, campaignId); before, `{ segment, revision, emitted }`',
  10: 'compact session states: a session persists its `checkpoint` and `live` states as arrays of their fields in a fixed order (compact-session-state.ts: `[cursor, ended, endTime, lastEventTime, presenceKnown, user, handling, userSince, handlingSince, profile, profileReason, profileType, campaignId, lastContact, runKind, runPart, runStart, segment]`, the open segment as `[start, user, handling, profile, profileReason, profileType, campaignId]` or null); before, objects',
  11: 'input journal: the changelog may hold a `partition` entry with id `journal` (the input and watermarks committed after the state, applied again at a restore; docs/processor.md, "State commits"); users, sessions and engines unchanged. A release that reads only up to 10 would take it for the state\'s position, so it refuses it',
};

/** The parts of a snapshot that are persisted separately. */
export type SnapshotPartKind = 'engine' | 'user' | 'session';

type Json = Record<string, unknown>;

/** One step from version v to v + 1, per part kind; a kind without a function is unchanged by the step. */
type MigrationStep = Partial<Record<SnapshotPartKind, (part: Json) => Json>>;

/** MIGRATIONS[v] turns a part written in version v into version v + 1. */
const MIGRATIONS: Readonly<Record<number, MigrationStep>> = {
  1: {},
  2: { session: withSessionBounds },
  3: { user: withSinchSource, session: withPresenceKnown },
  4: {},
  5: { user: withUnknownParts, session: withRunPart },
  6: { user: withCompactMarks, session: withCompactLog },
  7: { session: withRunStart },
  8: { session: withCompactSegments },
  9: { session: withCompactStates },
  10: {},
};

/** 9 → 10. Session states as arrays (the same content; a field an older state lacks has the initial state's value). */
function withCompactStates(session: Json): Json {
  const state = (value: unknown): unknown => (value === null || typeof value !== 'object' || Array.isArray(value) ? value : encodeSessionState({ ...initialSessionState(), ...(value as Partial<SessionState>) }));
  return { ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) };
}

/** 8 → 9. Segment entries as arrays (the same content). */
function withCompactSegments(session: Json): Json {
  if (!Array.isArray(session['segments'])) return session;
  const segments = (session['segments'] as PersistedSegmentObject[]).map((entry) =>
    encodeSegmentEntry({ segment: entry.segment, revision: entry.revision, emitted: entry.emitted === true ? { ...entry.segment } : entry.emitted }),
  );
  return { ...session, segments };
}

/** A segment entry as formats 1 to 8 persisted it (`emitted: true` from format 7). */
interface PersistedSegmentObject {
  segment: ClosedSegment;
  revision: number;
  emitted: ClosedSegment | null | true;
}

/** 7 → 8. A running contact started (at the latest) when its handling status did. */
function withRunStart(session: Json): Json {
  const state = (value: unknown): Json => {
    const copy = { ...(value as Json) };
    if (!('runStart' in copy)) copy['runStart'] = copy['runKind'] === 0 ? null : time(copy['handlingSince']);
    return copy;
  };
  return { ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) };
}

/** 6 → 7. Marks name every user explicitly ('' where format 6 left the name out), then repeat no name. */
function withCompactMarks(user: Json): Json {
  if (!Array.isArray(user['marks'])) return user;
  const marks = user['marks'] as [number, number, string?][];
  return { ...user, marks: marks.map(([t, c, n], i) => (i > 0 && (n ?? '') === (marks[i - 1]?.[2] ?? '') ? [t, c] : [t, c, n ?? ''])) };
}

/** 6 → 7. The session's events as compact arrays; an emitted segment equal to its segment as `true`. */
function withCompactLog(session: Json): Json {
  const log = Array.isArray(session['log']) ? encodeLog(session['log'] as Json[], session['userId'] as string) : session['log'];
  const segments = Array.isArray(session['segments'])
    ? (session['segments'] as Json[]).map((entry) => (entry['emitted'] !== null && entry['emitted'] !== undefined && sameSegment(entry['emitted'] as ClosedSegment, entry['segment'] as ClosedSegment) ? { ...entry, emitted: true } : entry))
    : session['segments'];
  return { ...session, log, segments };
}

/** 5 → 6. A window counted before breakdowns existed cannot be split by profile and campaign: its breakdown is unknown. */
function withUnknownParts(user: Json): Json {
  if (!Array.isArray(user['windows'])) return user;
  const windows = user['windows'] as Json[];
  return {
    ...user,
    windows: windows.map((window) => {
      const emitted = window['emitted'] as Json | null;
      return { ...window, parts: null, emitted: emitted === null || emitted === undefined ? null : { ...emitted, parts: null } };
    }),
  };
}

/**
 * 5 → 6. A state's running contact counts in the breakdown part of its last counted millisecond, which format 5 did not
 * keep: the part of the state's profile and campaign at the cursor stands in for it (the same unless they changed at
 * exactly the cursor).
 */
function withRunPart(session: Json): Json {
  const state = (value: unknown): Json => {
    const copy = { ...(value as Json) };
    if (!('runPart' in copy)) {
      const text = (key: string): string | null => (typeof copy[key] === 'string' ? (copy[key] as string) : null);
      copy['runPart'] = copy['runKind'] === 0 ? null : JSON.stringify([text('profile'), text('profileReason'), text('campaignId')]);
    }
    return copy;
  };
  return { ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) };
}

/** 3 → 4. Every user of an older snapshot had Sinch RAI records: the only source there was. */
function withSinchSource(user: Json): Json {
  return 'source' in user ? user : { ...user, source: 'sinch-rai' };
}

/** 3 → 4. Sinch RAI reports presence, so its sessions count only with a known user status, as before. */
function withPresenceKnown(session: Json): Json {
  const state = (value: unknown): Json => {
    const copy = { ...(value as Json) };
    if (!('presenceKnown' in copy)) copy['presenceKnown'] = true;
    return copy;
  };
  return { ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) };
}

const time = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * 2 → 3. A version-2 session does not keep its first eventTime or its states' last event time; both are estimated
 * from what it keeps. `lastEventTime` := the state's cursor (late, never early: an implicit idle end can then only
 * come later than with the true value). `start` := the earliest time the session still shows (its checkpoint's
 * since-times, end and cursor, its first logged event, its live cursor): the true start or later, which only
 * matters when a newer session of the same user has to be ordered against it.
 */
function withSessionBounds(session: Json): Json {
  const state = (value: unknown): Json => {
    const copy = { ...(value as Json) };
    if (!('lastEventTime' in copy)) copy['lastEventTime'] = time(copy['cursor']);
    return copy;
  };
  const checkpoint = state(session['checkpoint']);
  const live = state(session['live']);
  if ('start' in session && session['start'] !== undefined) return { ...session, checkpoint, live };
  const firstLogged = Array.isArray(session['log']) ? time((session['log'][0] as Json | undefined)?.['eventTime']) : null;
  const candidates = [time(checkpoint['userSince']), time(checkpoint['handlingSince']), time(checkpoint['endTime']), time(checkpoint['cursor']), firstLogged, time(live['cursor'])];
  let start: number | null = null;
  for (const candidate of candidates) if (candidate !== null && (start === null || candidate < start)) start = candidate;
  return { ...session, start, checkpoint, live };
}

/** A persisted part has a version this code cannot read (newer than this release, or too old to migrate). */
export class SnapshotFormatError extends Error {
  readonly version: unknown;

  constructor(version: unknown, what: string) {
    super(
      typeof version === 'number' && version > SNAPSHOT_VERSION
        ? `${what} has state format version ${version}, newer than this release reads (${SNAPSHOT_VERSION})`
        : `${what} has state format version ${String(version)}, which this release cannot read (it reads ${OLDEST_SNAPSHOT_VERSION}..${SNAPSHOT_VERSION})`,
    );
    this.name = 'SnapshotFormatError';
    this.version = version;
  }
}

/** True for a version this code can read (possibly after migrating). */
export function isReadableSnapshotVersion(version: unknown): version is number {
  return typeof version === 'number' && Number.isInteger(version) && version >= OLDEST_SNAPSHOT_VERSION && version <= SNAPSHOT_VERSION;
}

/**
 * Brings one persisted part written in `version` to {@link SNAPSHOT_VERSION}. Throws {@link SnapshotFormatError} for a
 * version outside OLDEST..CURRENT. The input is not modified.
 */
export function migrateSnapshotPart(kind: SnapshotPartKind, version: unknown, part: Json, what = `${kind} state`): Json {
  if (!isReadableSnapshotVersion(version)) throw new SnapshotFormatError(version, what);
  let current = part;
  for (let v = version; v < SNAPSHOT_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (step === undefined) throw new SnapshotFormatError(version, what);
    current = step[kind]?.(current) ?? current;
  }
  return current;
}

/** A whole engine snapshot of any version, as persisted (JSON). */
interface PersistedSnapshot {
  readonly version: unknown;
  readonly users: readonly unknown[];
  readonly sessions: readonly unknown[];
}

/**
 * Brings a whole snapshot (all parts in `snapshot.version`) to {@link SNAPSHOT_VERSION}; the current version passes
 * through untouched. Throws {@link SnapshotFormatError} for an unreadable version.
 */
export function migrateEngineSnapshot<T extends { version: number }>(snapshot: PersistedSnapshot & T): T & { version: typeof SNAPSHOT_VERSION } {
  const { version, users, sessions, ...engine } = snapshot;
  if (version === SNAPSHOT_VERSION) return snapshot as T & { version: typeof SNAPSHOT_VERSION };
  return {
    ...migrateSnapshotPart('engine', version, engine, 'engine snapshot'),
    version: SNAPSHOT_VERSION,
    users: users.map((user) => migrateSnapshotPart('user', version, user as Json, 'engine snapshot')),
    sessions: sessions.map((session) => migrateSnapshotPart('session', version, session as Json, 'engine snapshot')),
  } as unknown as T & { version: typeof SNAPSHOT_VERSION };
}

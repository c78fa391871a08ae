import { SINCH_UNKNOWN_FIELDS } from './known-metrics.ts';

type Json = Record<string, unknown>;
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** `session` with `state` applied to both of its session states, `checkpoint` and `live`. */
function withStates(session: Json, state: (value: unknown) => Json): Json {
  return { ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) };
}

/**
 * The 2 → 3 rule, written here from docs/processor.md rather than taken from the migration: each state's
 * `lastEventTime` is its cursor, and the session's `start` the earliest of its checkpoint's since-times, end and
 * cursor, its first logged event and its live cursor.
 */
export function withEstimatedBounds(session: Json): Json {
  const checkpoint = { ...(session['checkpoint'] as Json) };
  const live = { ...(session['live'] as Json) };
  checkpoint['lastEventTime'] = num(checkpoint['cursor']);
  live['lastEventTime'] = num(live['cursor']);
  const log = session['log'] as Json[];
  const times = [checkpoint['userSince'], checkpoint['handlingSince'], checkpoint['endTime'], checkpoint['cursor'], log[0]?.['eventTime'], live['cursor']].map(num).filter((t): t is number => t !== null);
  return { ...session, checkpoint, live, start: times.length === 0 ? null : Math.min(...times) };
}

/** A snapshot without the fields format version 3 added (for comparing with what version 1 or 2 wrote). */
export function withoutV3Fields(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const { lastEventTime: _last, ...rest } = value as Json;
    return rest;
  };
  return {
    ...snapshot,
    sessions: (snapshot['sessions'] as Json[]).map(({ start: _start, ...session }) => withStates(session, state)),
  };
}

/**
 * The 3 → 4 rule, written here from docs/processor.md rather than taken from the migration: every user of an older
 * snapshot is Sinch RAI, and every session state counts only with a known presence.
 */
export function withSinchSources(snapshot: Json): Json {
  const state = (value: unknown): Json => ({ ...(value as Json), presenceKnown: true });
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map((user) => ({ ...user, source: 'sinch-rai' })),
    sessions: (snapshot['sessions'] as Json[]).map((session) => withStates(session, state)),
  };
}

/** A snapshot without the fields format version 4 added (for comparing with what version 3 or older wrote). */
export function withoutV4Fields(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const { presenceKnown: _presence, ...rest } = value as Json;
    return rest;
  };
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map(({ source: _source, ...user }) => user),
    sessions: (snapshot['sessions'] as Json[]).map((session) => withStates(session, state)),
  };
}

/**
 * An emission as a release before sources would have it, as today's release emits it: with the source every such
 * emission came from, Sinch RAI, and null for the fields Sinch RAI cannot supply (which that release wrote as 0;
 * anything else there throws).
 */
export function withSinchSource<T extends { type: string }>(emission: T): T {
  const e = emission as unknown as Record<string, Json>;
  const inner = emission.type === 'window' ? 'window' : emission.type === 'segment' ? 'segment' : 'state';
  const value: Json = { ...e[inner], source: 'sinch-rai' };
  if (emission.type === 'window') {
    const metrics: Json = { ...(value['metrics'] as Json) };
    for (const field of SINCH_UNKNOWN_FIELDS) {
      if (metrics[field] !== 0) throw new Error(`${field} was ${String(metrics[field])} in an emission of a release before sources, expected 0`);
      metrics[field] = null;
    }
    value['metrics'] = metrics;
  }
  return { ...emission, [inner]: value } as T;
}

/**
 * The 5 → 6 rule, written here from docs/processor.md rather than taken from the migration: a window counted before
 * breakdowns has an unknown breakdown (`parts: null`, also in its emission), and a state's running contact counts in
 * the part of its profile and campaign at the cursor.
 */
export function withUnknownBreakdowns(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const s = value as Json;
    const dims = [s['profile'] ?? null, s['profileReason'] ?? null, s['campaignId'] ?? null];
    return { ...s, runPart: s['runKind'] === 0 ? null : JSON.stringify(dims) };
  };
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map((user) => ({
      ...user,
      windows: (user['windows'] as Json[]).map((w) => ({ ...w, parts: null, emitted: w['emitted'] === null ? null : { ...(w['emitted'] as Json), parts: null } })),
    })),
    sessions: (snapshot['sessions'] as Json[]).map((session) => withStates(session, state)),
  };
}

/** A snapshot without the fields format version 6 added (for comparing with what version 5 or older wrote). */
export function withoutV6Fields(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const { runPart: _part, ...rest } = value as Json;
    return rest;
  };
  const windowOf = (value: Json): Json => {
    const { parts: _parts, ...rest } = value;
    if (rest['emitted'] !== null && rest['emitted'] !== undefined) {
      const { parts: _emitted, ...emitted } = rest['emitted'] as Json;
      rest['emitted'] = emitted;
    }
    return rest;
  };
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map((user) => ({ ...user, windows: (user['windows'] as Json[]).map(windowOf) })),
    sessions: (snapshot['sessions'] as Json[]).map((session) => withStates(session, state)),
  };
}

/** An emission without its agentHistory breakdown (format 6), for comparing with what an older release emitted. */
export function withoutBreakdown<T extends { type: string }>(emission: T): T {
  if (emission.type !== 'window') return emission;
  const { breakdown: _breakdown, ...window } = (emission as unknown as { window: Json }).window;
  return { ...emission, window } as T;
}

const EVENT_ATTRIBUTES = ['profile', 'profileReason', 'profileType', 'campaignId', 'vendorPoll', 'vendorRow'] as const;

/**
 * The 6 → 7 rule, written here from docs/processor.md rather than taken from the migration: a session logs each event as
 * `[eventTime, changeTime, 0 userStatus | 1 handling, value, code, userName or null when the previous event's,
 * {set attributes, userId when not the session's}?]`, a user's mark leaves out a name equal to the previous mark's,
 * and a segment entry whose emission has the segment's content has `emitted: true`.
 */
export function withCompactLogs(snapshot: Json): Json {
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map((user) => {
      const marks = user['marks'] as [number, number, string?][];
      return { ...user, marks: marks.map(([t, c, n], i) => (i > 0 && (n ?? '') === (marks[i - 1]?.[2] ?? '') ? [t, c] : [t, c, n ?? ''])) };
    }),
    sessions: (snapshot['sessions'] as Json[]).map((session) => ({
      ...session,
      segments: (session['segments'] as Json[]).map((entry) => {
        const emitted = entry['emitted'] as Json | null;
        const segment = entry['segment'] as Json;
        const same = emitted !== null && [...new Set([...Object.keys(emitted), ...Object.keys(segment)])].every((key) => emitted[key] === segment[key]);
        return same ? { ...entry, emitted: true } : entry;
      }),
      log: (session['log'] as Json[]).map((event, i, log) => {
        const more: Json = {};
        for (const name of EVENT_ATTRIBUTES) if (event[name] !== undefined) more[name] = event[name];
        if (event['userId'] !== session['userId']) more['userId'] = event['userId'];
        const name = i > 0 && log[i - 1]?.['userName'] === event['userName'] ? null : event['userName'];
        const head = [event['eventTime'], event['changeTime'], event['kind'] === 'handling' ? 1 : 0, event['value'], event['code'], name];
        return Object.keys(more).length === 0 ? head : [...head, more];
      }),
    })),
  };
}

/** A snapshot as format 6 and older wrote it, from format 7 (events as objects, every mark named, emissions written out). */
export function withoutV7Fields(snapshot: Json): Json {
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map((user) => {
      let name = '';
      return {
        ...user,
        marks: (user['marks'] as [number, number, string?][]).map(([t, c, n]) => {
          if (n !== undefined) name = n;
          return [t, c, name];
        }),
      };
    }),
    sessions: (snapshot['sessions'] as Json[]).map((session) => {
      let name = '';
      return {
        ...session,
        segments: (session['segments'] as Json[]).map((entry) => (entry['emitted'] === true ? { ...entry, emitted: { ...(entry['segment'] as Json) } } : entry)),
        log: (session['log'] as unknown[][]).map(([eventTime, changeTime, kind, value, code, userName, more]) => {
          if (userName !== null) name = userName as string;
          const extra = (more ?? {}) as Json;
          const event: Json = { sessionId: session['sessionId'], userId: extra['userId'] ?? session['userId'], userName: name, eventTime, changeTime, kind: kind === 1 ? 'handling' : 'userStatus', value, code };
          for (const attribute of EVENT_ATTRIBUTES) event[attribute] = extra[attribute];
          return event;
        }),
      };
    }),
  };
}

/**
 * The 7 → 8 rule, written here from docs/processor.md rather than taken from the migration: a state's running contact
 * started when its handling status did (`runStart` = handlingSince while a run is counted, else null).
 */
export function withRunStarts(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const s = value as Json;
    return { ...s, runStart: s['runKind'] === 0 ? null : (s['handlingSince'] ?? null) };
  };
  return { ...snapshot, sessions: (snapshot['sessions'] as Json[]).map((session) => withStates(session, state)) };
}

/** A snapshot without the fields format version 8 added (session states' `runStart`, users' `direct`), for comparing with what version 7 or older wrote. */
export function withoutV8Fields(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const { runStart: _start, ...rest } = value as Json;
    return rest;
  };
  return {
    ...snapshot,
    users: (snapshot['users'] as Json[]).map((user) => {
      const { direct: _direct, ...rest } = user;
      return rest;
    }),
    sessions: (snapshot['sessions'] as Json[]).map((session) => withStates(session, state)),
  };
}

const SEGMENT_ATTRIBUTES = ['profile', 'profileReason', 'profileType', 'campaignId'] as const;

/** `[start, end, user, handling, {set attributes}?]`, the attributes left out when none is set. */
function compactSegment(segment: Json): unknown[] {
  const attributes: Json = {};
  for (const name of SEGMENT_ATTRIBUTES) if (segment[name] !== null && segment[name] !== undefined) attributes[name] = segment[name];
  const head = [segment['start'], segment['end'], segment['user'], segment['handling']];
  return Object.keys(attributes).length === 0 ? head : [...head, attributes];
}

/**
 * The 8 → 9 rule, written here from docs/processor.md rather than taken from the migration: a segment entry
 * `{ segment, revision, emitted }` becomes `[start, end, user, handling, revision, emitted, {set attributes}?]`, with
 * `emitted` true (as format 7 wrote it), null, or the emitted segment as `[start, end, user, handling, {set attributes}?]`.
 */
export function withCompactSegments(snapshot: Json): Json {
  return {
    ...snapshot,
    sessions: (snapshot['sessions'] as Json[]).map((session) => ({
      ...session,
      segments: (session['segments'] as Json[]).map((entry) => {
        const [start, end, user, handling, attributes] = compactSegment(entry['segment'] as Json);
        const emitted = entry['emitted'] === true || entry['emitted'] === null ? entry['emitted'] : compactSegment(entry['emitted'] as Json);
        const head = [start, end, user, handling, entry['revision'], emitted];
        return attributes === undefined ? head : [...head, attributes];
      }),
    })),
  };
}

/** A snapshot as format 8 and older wrote it, from format 9 (segment entries as `{ segment, revision, emitted }`). */
export function withoutV9Fields(snapshot: Json): Json {
  const segmentOf = ([start, end, user, handling, attributes]: unknown[]): Json => {
    const set = (attributes ?? {}) as Json;
    return { start, end, user, handling, profile: set['profile'] ?? null, profileReason: set['profileReason'] ?? null, profileType: set['profileType'] ?? null, campaignId: set['campaignId'] ?? null };
  };
  return {
    ...snapshot,
    sessions: (snapshot['sessions'] as Json[]).map((session) => ({
      ...session,
      segments: (session['segments'] as unknown[][]).map(([start, end, user, handling, revision, emitted, attributes]) => ({
        segment: segmentOf([start, end, user, handling, attributes]),
        revision,
        emitted: emitted === true || emitted === null ? emitted : segmentOf(emitted as unknown[]),
      })),
    })),
  };
}

const STATE_FIELDS = ['cursor', 'ended', 'endTime', 'lastEventTime', 'presenceKnown', 'user', 'handling', 'userSince', 'handlingSince', 'profile', 'profileReason', 'profileType', 'campaignId', 'lastContact', 'runKind', 'runPart', 'runStart'] as const;
const OPEN_SEGMENT_FIELDS = ['start', 'user', 'handling', 'profile', 'profileReason', 'profileType', 'campaignId'] as const;

/**
 * The 9 → 10 rule, written here from docs/processor.md rather than taken from the migration: a session's `checkpoint`
 * and `live` states become arrays of their fields in a fixed order, the open segment an array of its own or null.
 */
export function withCompactStates(snapshot: Json): Json {
  const state = (value: unknown): unknown[] => {
    const s = value as Json;
    const segment = s['segment'] as Json | null;
    return [...STATE_FIELDS.map((field) => s[field] ?? null), segment === null ? null : OPEN_SEGMENT_FIELDS.map((field) => segment[field] ?? null)];
  };
  return { ...snapshot, sessions: (snapshot['sessions'] as Json[]).map((session) => ({ ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) })) };
}

/** A snapshot as format 9 and older wrote it, from format 10 (session states as objects). */
export function withoutV10Fields(snapshot: Json): Json {
  const state = (value: unknown): Json => {
    const values = value as unknown[];
    const segment = values[STATE_FIELDS.length] as unknown[] | null;
    const out: Json = Object.fromEntries(STATE_FIELDS.map((field, i) => [field, values[i]]));
    out['segment'] = segment === null ? null : Object.fromEntries(OPEN_SEGMENT_FIELDS.map((field, i) => [field, segment[i]]));
    return out;
  };
  return { ...snapshot, sessions: (snapshot['sessions'] as Json[]).map((session) => ({ ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) })) };
}

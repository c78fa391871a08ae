type Json = Record<string, unknown>;
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

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
    sessions: (snapshot['sessions'] as Json[]).map(({ start: _start, ...session }) => ({ ...session, checkpoint: state(session['checkpoint']), live: state(session['live']) })),
  };
}

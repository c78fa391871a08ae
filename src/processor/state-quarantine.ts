import { decodeSessionState } from '../core/engine/compact-session-state.ts';
import type { EngineSnapshot, SessionSnapshot, UserSnapshot } from '../core/engine/engine-types.ts';
import { observeUserName } from '../core/events/user-identity.ts';
import type { OutgoingRecord } from './output-records.ts';
import { deadLetterRecord } from './output-records.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import type { WritableEntry } from './state-entries.ts';
import { entryBytes, entryLength, entryText } from './state-entries.ts';

/** An entry over the size limit. */
export interface OversizedEntry {
  readonly kind: 'user' | 'session';
  readonly id: string;
  readonly bytes: number;
}

/** The user and session entries of one tenant's entries whose JSON exceeds `maxBytes` UTF-8 bytes. */
export function oversizedEntries(entries: readonly WritableEntry[], maxBytes: number): OversizedEntry[] {
  const out: OversizedEntry[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'user' && entry.kind !== 'session') continue;
    if (entryLength(entry) * 3 <= maxBytes) continue;
    const bytes = entryBytes(entry);
    if (bytes > maxBytes) out.push({ kind: entry.kind, id: entry.id, bytes });
  }
  return out;
}

/** UTF-8 size of the largest entry (0 for none). */
export function largestEntryBytes(entries: readonly WritableEntry[]): number {
  let longest: WritableEntry | undefined;
  for (const entry of entries) if (longest === undefined || entryLength(entry) > entryLength(longest)) longest = entry;
  return longest === undefined ? 0 : entryBytes(longest);
}

/** The latest event time a session's snapshot knows of. */
function lastEventTime(session: SessionSnapshot): number {
  let last = decodeSessionState(session.checkpoint).endTime ?? Number.NEGATIVE_INFINITY;
  for (const [eventTime] of session.log) if (eventTime > last) last = eventTime;
  if (session.endEvent !== null && session.endEvent.eventTime > last) last = session.endEvent.eventTime;
  return last;
}

/** A user's marks folded into its base (as compaction does), so the entry keeps only windows and identity. */
function foldMarks(user: UserSnapshot): UserSnapshot {
  const identity = { ...user.identity };
  let baseMaxChange = user.baseMaxChange;
  let name = '';
  for (const [, changeTime, userName] of user.marks) {
    if (userName !== undefined) name = userName;
    baseMaxChange = Math.max(baseMaxChange ?? Number.NEGATIVE_INFINITY, changeTime);
    observeUserName(identity, name, changeTime);
  }
  return { ...user, identity, baseMaxChange, marks: [] };
}

/**
 * The snapshot with oversized state quarantined, so that what is left fits the changelog limit:
 * - an oversized session is dropped (its event log, segments and live state) and tombstoned, so the engine rejects
 *   its later records (`after-session-end`) instead of rebuilding it from a partial log;
 * - an oversized user loses every session (dropped and tombstoned likewise) and its marks are folded into its base
 *   (windows already emitted keep their revisions; maxChangeTimestamp of still-open windows may come out later).
 * What the dropped sessions contributed to the user's windows so far stays; nothing after the quarantine is added.
 */
export function quarantineSnapshot(snapshot: EngineSnapshot, oversized: readonly OversizedEntry[]): EngineSnapshot {
  const users = new Set(oversized.filter((o) => o.kind === 'user').map((o) => o.id));
  const sessions = new Set(oversized.filter((o) => o.kind === 'session').map((o) => o.id));
  const dropped = snapshot.sessions.filter((s) => sessions.has(s.sessionId) || users.has(s.userId));
  const gone = new Set(dropped.map((s) => s.sessionId));
  const tombstones = snapshot.tombstones.filter(([id]) => !gone.has(id));
  for (const session of dropped) tombstones.push([session.sessionId, Math.max(lastEventTime(session), snapshot.watermark ?? Number.NEGATIVE_INFINITY, 0)]);
  return {
    ...snapshot,
    users: snapshot.users.map((user) => (users.has(user.userId) ? foldMarks(user) : user)),
    sessions: snapshot.sessions.filter((s) => !gone.has(s.sessionId)),
    tombstones,
  };
}

/**
 * The dead letter of one quarantined entry: source the changelog (offset -1), key `tenant|kind|id`, value the entry's
 * JSON (cut to 256 KiB by deadLetterRecord), errorCode STATE_TOO_LARGE.
 */
export function quarantineDeadLetter(
  topics: Pick<ProcessorTopics, 'changelog' | 'deadLetter'>,
  partition: number,
  tenant: string,
  item: OversizedEntry,
  entries: readonly WritableEntry[],
  limit: number,
  now: number,
): OutgoingRecord {
  const entry = entries.find((e) => e.kind === item.kind && e.id === item.id);
  const json = entry === undefined ? '' : entryText(entry);
  const reason = `${item.kind} ${item.id} of tenant ${tenant}: state entry of ${item.bytes} bytes exceeds PROCESSOR_STATE_ENTRY_MAX_BYTES (${limit}); quarantined (docs/processor.md, Oversized state)`;
  const source = { topic: topics.changelog, partition, offset: '-1', key: Buffer.from(`${tenant}|${item.kind}|${item.id}`), value: Buffer.from(json, 'utf8') };
  return deadLetterRecord(topics.deadLetter, source, { errorCode: 'STATE_TOO_LARGE', reason }, now);
}

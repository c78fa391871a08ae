import type { EngineSnapshot, SessionSnapshot, UserSnapshot } from '../core/engine/engine-types.ts';
import { isReadableSnapshotVersion, migrateSnapshotPart, SNAPSHOT_VERSION, SnapshotFormatError } from '../core/engine/snapshot-format.ts';
import type { InputJournal } from './input-journal.ts';
import { JOURNAL_ENTRY_ID, readJournal } from './input-journal.ts';

/** The entry kinds this release writes and reads (the StateEntryKind enum of schemas/processor-state-entry.avsc). */
export const STATE_ENTRY_KINDS = ['partition', 'engine', 'user', 'session'] as const;

export type StateEntryKind = (typeof STATE_ENTRY_KINDS)[number];

/** The value of a `partition` entry: where the next input record of the partition starts. */
export interface PartitionEntryState {
  nextOffset: number;
}

/** The value of an `engine` entry: everything of one tenant's snapshot except users and sessions. */
export type EngineEntryState = Omit<EngineSnapshot, 'users' | 'sessions'>;

/** One piece of a partition's state, addressed by kind, tenant and id; `json` is its serialized value. */
export interface StateEntry {
  readonly kind: StateEntryKind;
  readonly tenant: string;
  readonly id: string;
  readonly json: string;
}

/** A slice of an entry's JSON text and its part id (content-chunks.ts chunkId of the text). */
export interface StateBlock {
  readonly id: string;
  readonly text: string;
}

/** A slice of an entry's JSON carried in the entry's manifest record itself rather than as a part of its own. */
export interface InlineBlock {
  readonly id: null;
  readonly text: string;
}

/**
 * An entry given as blocks (state-blocks.ts): its JSON is the blocks' texts concatenated, `length` characters long.
 * The changelog holds it as a manifest listing the block ids, one part record per {@link StateBlock}, and the texts
 * of its {@link InlineBlock}s in the manifest (changelog-records.ts).
 */
export interface BlockedStateEntry {
  readonly kind: StateEntryKind;
  readonly tenant: string;
  readonly id: string;
  readonly blocks: readonly (StateBlock | InlineBlock)[];
  readonly length: number;
}

/** What a commit hands the changelog tracker: an entry whole, or in blocks. */
export type WritableEntry = StateEntry | BlockedStateEntry;

/** The entry's JSON (joins the blocks of a blocked entry). */
export function entryText(entry: WritableEntry): string {
  return 'json' in entry ? entry.json : entry.blocks.map((block) => block.text).join('');
}

/** The length of the entry's JSON in UTF-16 code units. */
export function entryLength(entry: WritableEntry): number {
  return 'json' in entry ? entry.json.length : entry.length;
}

/** The UTF-8 size of the entry's JSON. */
export function entryBytes(entry: WritableEntry): number {
  if ('json' in entry) return Buffer.byteLength(entry.json, 'utf8');
  let bytes = 0;
  for (const block of entry.blocks) bytes += Buffer.byteLength(block.text, 'utf8');
  return bytes;
}

/** An entry as restored, with the state format version it was written in (absent: the current one). */
export interface VersionedEntry extends StateEntry {
  readonly version?: number;
}

/** The changelog key of an entry; also the identity used to diff successive states. */
export function stateEntryKey(inputTopic: string, partition: number, entry: Pick<StateEntry, 'kind' | 'tenant' | 'id'>): string {
  return `${inputTopic}|${partition}|${entry.tenant}|${entry.kind}|${entry.id}`;
}

/** Splits one tenant's engine snapshot into per-user and per-session entries plus its engine entry. */
export function snapshotEntries(tenant: string, snapshot: EngineSnapshot): StateEntry[] {
  const { users, sessions, ...engine } = snapshot;
  const entries: StateEntry[] = [{ kind: 'engine', tenant, id: '', json: JSON.stringify(engine) }];
  for (const user of users) entries.push({ kind: 'user', tenant, id: user.userId, json: JSON.stringify(user) });
  for (const session of sessions) entries.push({ kind: 'session', tenant, id: session.sessionId, json: JSON.stringify(session) });
  return entries;
}

/** The partition-level entry holding the input position. */
export function partitionEntry(nextOffset: number): StateEntry {
  const state: PartitionEntryState = { nextOffset };
  return { kind: 'partition', tenant: '', id: '', json: JSON.stringify(state) };
}

export interface AssembledState {
  /** The input position the engines' state corresponds to; null when there is none. */
  readonly nextOffset: number | null;
  readonly engines: ReadonlyMap<string, EngineSnapshot>;
  /** What was committed after that state (input-journal.ts); null when nothing was. */
  readonly journal: InputJournal | null;
}

const byId = <T>(id: (value: T) => string) => (a: T, b: T): number => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

type Json = Record<string, unknown>;

/** The entry's JSON brought to the current format version; throws SnapshotFormatError for an unreadable version. */
function readEntry(entry: VersionedEntry): Json {
  const version = entry.version ?? SNAPSHOT_VERSION;
  const what = `changelog entry ${entry.kind} ${entry.tenant}/${entry.id}`;
  const value = JSON.parse(entry.json) as Json;
  if (entry.kind === 'partition') {
    if (!isReadableSnapshotVersion(version)) throw new SnapshotFormatError(version, what);
    return value;
  }
  const migrated = migrateSnapshotPart(entry.kind, version, value, what);
  return entry.kind === 'engine' ? { ...migrated, version: SNAPSHOT_VERSION } : migrated;
}

/**
 * Reassembles the latest entries of a partition (as restored from the changelog) into engine snapshots per tenant,
 * migrating each entry from the version it was written in (entries of different versions may mix: the changelog
 * only rewrites what changed). Users and sessions are ordered by id so a restore is deterministic. Throws
 * SnapshotFormatError for a version this release cannot read. A tenant with users or sessions but no engine entry
 * is impossible by construction (they are written in one transaction) and throws, and so does a journal that does not
 * start at the state's position (a state commit removes the journal it covers).
 */
export function assembleState(entries: Iterable<VersionedEntry>): AssembledState {
  let nextOffset: number | null = null;
  let journal: InputJournal | null = null;
  const parts = new Map<string, { engine?: EngineEntryState; users: UserSnapshot[]; sessions: SessionSnapshot[] }>();
  const of = (tenant: string) => {
    let part = parts.get(tenant);
    if (part === undefined) {
      part = { users: [], sessions: [] };
      parts.set(tenant, part);
    }
    return part;
  };
  for (const entry of entries) {
    const value = readEntry(entry);
    if (entry.kind === 'partition' && entry.id === JOURNAL_ENTRY_ID) journal = readJournal(value);
    else if (entry.kind === 'partition') nextOffset = (value as unknown as PartitionEntryState).nextOffset;
    else if (entry.kind === 'engine') of(entry.tenant).engine = value as unknown as EngineEntryState;
    else if (entry.kind === 'user') of(entry.tenant).users.push(value as unknown as UserSnapshot);
    else of(entry.tenant).sessions.push(value as unknown as SessionSnapshot);
  }
  const engines = new Map<string, EngineSnapshot>();
  for (const [tenant, part] of parts) {
    if (part.engine === undefined) throw new Error(`state of tenant ${tenant} has users or sessions but no engine entry`);
    engines.set(tenant, {
      ...part.engine,
      users: part.users.sort(byId((u) => u.userId)),
      sessions: part.sessions.sort(byId((s) => s.sessionId)),
    });
  }
  if (journal !== null && nextOffset !== null && journal.stateOffset !== nextOffset) {
    throw new Error(`the input journal starts at offset ${journal.stateOffset}, the state is at ${nextOffset}`);
  }
  return { nextOffset: nextOffset ?? journal?.stateOffset ?? null, engines, journal };
}

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SNAPSHOT_VERSION } from '../core/engine/snapshot-format.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { assertSchemaCarries } from '../kafka/schema-fields-check.ts';
import { chunkId, DEFAULT_CHUNK_LIMITS, splitContent } from './content-chunks.ts';
import type { ChunkLimits } from './content-chunks.ts';
import { JOURNAL_ENTRY_ID } from './input-journal.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { StateBlock, StateEntry, StateEntryKind } from './state-entries.ts';
import { STATE_ENTRY_KINDS, stateEntryKey } from './state-entries.ts';

/**
 * The Avro value of a changelog record (schemas/processor-state-entry.avsc). Three shapes share it: a whole entry
 * (`parts` empty, the text = the entry's JSON), a manifest (`parts` = the entry's slices in order: a part id, or
 * `=n` for the next n characters of the manifest's own text, {@link inlineMarker}) and a part (`partId` set, the text
 * = a slice of the entry's JSON). Records written before stateVersion 2 have neither field.
 * The text is in `state`, or, from {@link DEFLATE_FROM_CHARACTERS}, deflated in `stateDeflated` (read it with
 * {@link stateText}).
 */
export interface ChangelogValue {
  readonly inputTopic: string;
  readonly inputPartition: number;
  readonly tenant: string;
  readonly entryKind: string;
  readonly entryId: string;
  readonly stateVersion: number;
  readonly state: string;
  readonly writtenAt: number;
  readonly parts?: readonly string[];
  readonly partId?: string | null;
  /** The text as raw DEFLATE of its UTF-8 (then `state` is empty); absent or null in records that carry it in `state`. */
  readonly stateDeflated?: Buffer | null;
}

/** A changelog record as read back: its key and decoded value (the latest per key). */
export interface StoredRecord {
  readonly key: string;
  readonly value: ChangelogValue;
}

/** A record to write: a value without `writtenAt` (the tracker stamps it), or null for a tombstone. */
export interface RecordToWrite {
  readonly key: string;
  readonly value: Omit<ChangelogValue, 'writtenAt'> | null;
}

/**
 * A record's state text of at least this many characters is written deflated: the state is JSON of repeated keys and
 * numbers, which raw DEFLATE at level 1 shrinks 3–6×, and the client's cost of producing a record grows with its
 * bytes (docs/processor.md, "Record sizes"; BENCHMARKS.md, (1e)).
 */
export const DEFLATE_FROM_CHARACTERS = 512;

/**
 * zlib's output buffer for a text shorter than {@link SMALL_TEXT_CHARACTERS}. Node allocates one per call, 16 KiB by
 * default: outside the JS heap, counted as external memory and freed only by a full GC. Thousands of small parts per
 * commit made V8 start a mark-compact of the whole heap about once per commit ("external memory pressure"). One of
 * 1 KiB comes from Buffer's shared pool; a longer output takes several (BENCHMARKS.md, (1h)).
 */
const SMALL_OUTPUT_CHUNK = 1024;
const SMALL_TEXT_CHARACTERS = 16_384;

/** The UTF-8 of the text being deflated: one buffer reused (deflating is synchronous), not one per text outside the heap. */
let utf8Scratch = Buffer.allocUnsafe(64 * 1024);

function utf8Of(text: string): Buffer {
  if (text.length * 3 > utf8Scratch.length) utf8Scratch = Buffer.allocUnsafe(text.length * 3);
  return utf8Scratch.subarray(0, utf8Scratch.write(text, 'utf8'));
}

/** How a state text is stored in a record: as it is, or deflated. */
function storedText(text: string): Pick<ChangelogValue, 'state' | 'stateDeflated'> {
  if (text.length < DEFLATE_FROM_CHARACTERS) return { state: text, stateDeflated: null };
  return { state: '', stateDeflated: deflateRawSync(utf8Of(text), text.length < SMALL_TEXT_CHARACTERS ? { level: 1, chunkSize: SMALL_OUTPUT_CHUNK } : { level: 1 }) };
}

/** The state text of a record, inflated when it was written deflated. Throws when the deflated bytes are corrupt. */
export function stateText(value: Pick<ChangelogValue, 'state' | 'stateDeflated'>): string {
  return value.stateDeflated === undefined || value.stateDeflated === null ? value.state : inflateRawSync(value.stateDeflated).toString('utf8');
}

/** An entry whose JSON is at most this many UTF-8 bytes is written whole; a larger one in parts of at most this. */
export const WHOLE_ENTRY_MAX_BYTES = DEFAULT_CHUNK_LIMITS.maxBytes;

/** Where the records of one input partition go. */
export interface RecordTarget {
  readonly inputTopic: string;
  readonly partition: number;
}

/**
 * The key of one part of an entry. Tenants and topic names never contain `|` and `~part` is no entry kind, so part
 * keys never collide with entry keys, whatever the entry id contains.
 */
export function partKey(target: RecordTarget, entry: Pick<StateEntry, 'kind' | 'tenant' | 'id'>, partId: string): string {
  return `${target.inputTopic}|${target.partition}|${entry.tenant}|${entry.kind}~part|${entry.id}|${partId}`;
}

/** The records one entry is written as: its head (whole entry or manifest) and its parts by key. */
export interface EntryLayout {
  readonly head: RecordToWrite;
  /** Part record key → the part record; empty for a whole entry. */
  readonly parts: ReadonlyMap<string, RecordToWrite>;
}

/** `text` as blocks of at most `limits.maxBytes` UTF-8 bytes: itself when it fits, else its content-defined chunks. */
export function textBlocks(text: string, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): StateBlock[] {
  if (text.length * 3 <= limits.maxBytes || Buffer.byteLength(text, 'utf8') <= limits.maxBytes) return [{ id: chunkId(text), text }];
  return splitContent(text, limits).map((part) => ({ id: chunkId(part), text: part }));
}

/** Lays an entry out as records of at most `limits.maxBytes` of state each (plus a small envelope). */
export function layoutEntry(target: RecordTarget, entry: StateEntry, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): EntryLayout {
  if (Buffer.byteLength(entry.json, 'utf8') <= limits.maxBytes) {
    const value = { inputTopic: target.inputTopic, inputPartition: target.partition, tenant: entry.tenant, entryKind: entry.kind, entryId: entry.id, stateVersion: SNAPSHOT_VERSION, ...storedText(entry.json), parts: [], partId: null };
    return { head: { key: stateEntryKey(target.inputTopic, target.partition, entry), value }, parts: new Map() };
  }
  const blocks = textBlocks(entry.json, limits);
  const parts = new Map<string, RecordToWrite>();
  for (const block of blocks) {
    const record = blockRecord(target, entry, block);
    parts.set(record.key, record);
  }
  return { head: manifestRecord(target, entry, blocks.map((block) => block.id)), parts };
}

/**
 * The changelog record that makes the changelog of `inputTopic`'s `partition` hold the journal JSON `text`, or its
 * tombstone for null. Throws when the text does not fit one record (the schedule's bounds keep it far below).
 */
export function journalRecord(changelogTopic: string, inputTopic: string, partition: number, text: string | null, writtenAt: number): OutgoingRecord {
  const key = stateEntryKey(inputTopic, partition, { kind: 'partition', tenant: '', id: JOURNAL_ENTRY_ID });
  if (text === null) return { topic: changelogTopic, partition, key, value: null };
  const layout = layoutEntry({ inputTopic, partition }, { kind: 'partition', tenant: '', id: JOURNAL_ENTRY_ID, json: text });
  if (layout.parts.size > 0 || layout.head.value === null) throw new Error(`the input journal of ${text.length} characters does not fit one changelog record`);
  return { topic: changelogTopic, partition, key, value: { ...layout.head.value, writtenAt } };
}

/**
 * The manifest's slot for a slice of `characters` UTF-16 code units carried in the manifest's own text. Part ids are
 * hexadecimal, so a marker is never taken for one. A release before inline slices finds no part for a marker and
 * rebuilds the state from the raw topic (docs/processor.md, "Entries in blocks").
 */
export const inlineMarker = (characters: number): string => `=${characters}`;

/**
 * The manifest of an entry written in parts: the head record listing its slices in order, part ids and
 * {@link inlineMarker}s, with the inline slices' texts concatenated as its own text.
 */
export function manifestRecord(target: RecordTarget, entry: Pick<StateEntry, 'kind' | 'tenant' | 'id'>, ids: readonly string[], inline = ''): RecordToWrite {
  const value = { inputTopic: target.inputTopic, inputPartition: target.partition, tenant: entry.tenant, entryKind: entry.kind, entryId: entry.id, stateVersion: SNAPSHOT_VERSION, ...storedText(inline), parts: [...ids], partId: null };
  return { key: stateEntryKey(target.inputTopic, target.partition, entry), value };
}

/** The part record of one block of an entry (at most {@link WHOLE_ENTRY_MAX_BYTES} of text: {@link textBlocks}). */
export function blockRecord(target: RecordTarget, entry: Pick<StateEntry, 'kind' | 'tenant' | 'id'>, block: StateBlock): RecordToWrite {
  const value = { inputTopic: target.inputTopic, inputPartition: target.partition, tenant: entry.tenant, entryKind: entry.kind, entryId: entry.id, stateVersion: SNAPSHOT_VERSION, ...storedText(block.text), parts: [], partId: block.id };
  return { key: partKey(target, entry, block.id), value };
}

/** The changelog cannot be read by this release (unknown kind, missing part): the state is rebuilt from the raw topic. */
export class ChangelogFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChangelogFormatError';
  }
}

/** An entry reassembled from the changelog, with the version it was written in and the records it occupies. */
export interface JoinedEntry {
  /** The key of its head record as read (whole entry or manifest). */
  readonly key: string;
  readonly entry: StateEntry;
  readonly version: number;
  /** Part record key → part id; empty for a whole entry. */
  readonly parts: ReadonlyMap<string, string>;
}

export interface JoinedChangelog {
  readonly entries: readonly JoinedEntry[];
  /** Keys of part records no manifest refers to (left over by an older layout); the next commit deletes them. */
  readonly orphans: readonly string[];
}

const isKind = (kind: string): kind is StateEntryKind => (STATE_ENTRY_KINDS as readonly string[]).includes(kind);

/**
 * Reassembles the latest records of one changelog partition into entries. Throws {@link ChangelogFormatError} for a
 * record this release cannot interpret (an entry kind it does not know, a manifest whose part is missing); versions
 * are checked later, per entry, by the migration (snapshot-format.ts).
 */
export function joinRecords(records: Iterable<StoredRecord>): JoinedChangelog {
  const heads: StoredRecord[] = [];
  const partRecords = new Map<string, StoredRecord>();
  for (const record of records) {
    if (record.value.partId === undefined || record.value.partId === null) heads.push(record);
    else partRecords.set(record.key, record);
  }
  const used = new Set<string>();
  const entries: JoinedEntry[] = [];
  for (const { key, value } of heads) {
    if (!isKind(value.entryKind)) throw new ChangelogFormatError(`changelog record ${key} has entry kind "${value.entryKind}", unknown to this release`);
    const entry = { kind: value.entryKind, tenant: value.tenant, id: value.entryId };
    const ids = value.parts ?? [];
    if (ids.length === 0) {
      entries.push({ key, entry: { ...entry, json: stateText(value) }, version: value.stateVersion, parts: new Map() });
      continue;
    }
    const target = { inputTopic: value.inputTopic, partition: value.inputPartition };
    const parts = new Map<string, string>();
    const texts: string[] = [];
    const inline = stateText(value);
    let at = 0;
    for (const id of ids) {
      if (id.startsWith('=')) {
        const characters = Number(id.slice(1));
        if (!Number.isSafeInteger(characters) || characters < 0 || at + characters > inline.length) throw new ChangelogFormatError(`changelog entry ${key} lists an inline slice "${id}" beyond its ${inline.length} characters of text`);
        texts.push(inline.slice(at, at + characters));
        at += characters;
        continue;
      }
      const part = partKey(target, entry, id);
      const stored = partRecords.get(part);
      if (stored === undefined) throw new ChangelogFormatError(`changelog entry ${key} lists part ${id}, which is missing`);
      texts.push(stateText(stored.value));
      parts.set(part, id);
      used.add(part);
    }
    if (at !== inline.length) throw new ChangelogFormatError(`changelog entry ${key} carries ${inline.length - at} characters of text its manifest does not list`);
    entries.push({ key, entry: { ...entry, json: texts.join('') }, version: value.stateVersion, parts });
  }
  return { entries, orphans: [...partRecords.keys()].filter((key) => !used.has(key)) };
}

/** Throws SCHEMA_MISMATCH when the changelog's registered schema cannot carry manifests, parts and deflated texts (setup not run). */
export async function assertChangelogSchema(serde: AvroSerde, topic: string): Promise<void> {
  const probe = { inputTopic: '', inputPartition: 0, tenant: '', entryKind: 'session', entryId: '', stateVersion: SNAPSHOT_VERSION, state: '', writtenAt: 0, parts: ['p'], partId: 'p', stateDeflated: Buffer.from('p') };
  await assertSchemaCarries(serde, topic, probe, ['parts', 'partId', 'stateDeflated']);
}

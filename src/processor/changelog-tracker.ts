import { SNAPSHOT_VERSION } from '../core/engine/snapshot-format.ts';
import type { JoinedChangelog } from './changelog-records.ts';
import { blockRecord, inlineMarker, layoutEntry, manifestRecord, partKey } from './changelog-records.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { BlockedStateEntry, InlineBlock, StateBlock, WritableEntry } from './state-entries.ts';
import { stateEntryKey } from './state-entries.ts';

/** What the changelog holds for one entry: its JSON or its block ids, the version it was written in, and its part records. */
interface Written {
  /** The JSON of an entry written whole, or restored; null for one written as blocks. */
  readonly json: string | null;
  /** The manifest's slices of an entry written as blocks (part ids and inline markers), in order; null otherwise. */
  readonly blocks: readonly string[] | null;
  /** The text of the inline slices of an entry written as blocks; empty otherwise. */
  readonly inline: string;
  readonly version: number;
  /** Part record key → part id (content hash); empty for a whole entry. */
  readonly parts: ReadonlyMap<string, string>;
  /** The entry this was written from (null when restored): the same object again is the same entry. */
  readonly source: WritableEntry | null;
}

/** True when `blocks` are the slices `written` holds: the same part ids, and inline slices with the same texts. */
function sameBlocks(written: Written & { blocks: readonly string[] }, blocks: readonly (StateBlock | InlineBlock)[]): boolean {
  if (written.blocks.length !== blocks.length) return false;
  let at = 0;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as StateBlock | InlineBlock;
    if (block.id !== null) {
      if (written.blocks[i] !== block.id) return false;
      continue;
    }
    if (written.blocks[i] !== inlineMarker(block.text.length) || !written.inline.startsWith(block.text, at)) return false;
    at += block.text.length;
  }
  return true;
}

/** The changelog as a tracker starts from: nothing (fresh), or what a restore read. */
const EMPTY: JoinedChangelog = { entries: [], orphans: [] };

/**
 * Turns successive states of one input partition into changelog records (changelog-records.ts): an entry is written
 * only when its JSON (or its format version) differs from what the changelog holds; a large entry is written as
 * content-addressed parts plus a manifest, and only parts not already in the changelog are sent; parts and entries
 * that disappeared (evicted session, compacted user, a shrunk entry) get tombstones. Every record stays below
 * {@link layoutEntry}'s limit. Lifecycle: created from the restored changelog (or, when it could not be read, with
 * all its records as orphans to delete); {@link diff} per transaction, then {@link accept} once that transaction
 * committed (after a failed one the task is rebuilt and so is the tracker).
 */
export class ChangelogTracker {
  readonly #topic: string;
  readonly #inputTopic: string;
  readonly #partition: number;
  #written = new Map<string, Written>();
  #orphans: readonly string[];
  #pending: Map<string, Written> | null = null;

  constructor(options: { topic: string; inputTopic: string; partition: number; restored?: JoinedChangelog }) {
    this.#topic = options.topic;
    this.#inputTopic = options.inputTopic;
    this.#partition = options.partition;
    const restored = options.restored ?? EMPTY;
    for (const joined of restored.entries) this.#written.set(joined.key, { json: joined.entry.json, blocks: null, inline: '', version: joined.version, parts: joined.parts, source: null });
    this.#orphans = restored.orphans;
  }

  /**
   * Records that bring the changelog from the last accepted state to `entries` (the complete current state). A
   * blocked entry is compared by its block ids and only its new blocks are written, with its manifest.
   */
  diff(entries: readonly WritableEntry[], writtenAt: number): OutgoingRecord[] {
    const target = { inputTopic: this.#inputTopic, partition: this.#partition };
    const next = new Map<string, Written>();
    const records: OutgoingRecord[] = [];
    const send = (key: string, value: object | null): void => {
      records.push({ topic: this.#topic, partition: this.#partition, key, value: value === null ? null : { ...value, writtenAt } });
    };
    for (const entry of entries) {
      const key = stateEntryKey(this.#inputTopic, this.#partition, entry);
      const previous = this.#written.get(key);
      const current = previous !== undefined && previous.version === SNAPSHOT_VERSION ? previous : undefined;
      if (current !== undefined && current.source === entry) {
        next.set(key, current);
        continue;
      }
      if ('blocks' in entry) {
        if (current?.blocks != null && sameBlocks(current as Written & { blocks: readonly string[] }, entry.blocks)) next.set(key, { ...current, source: entry });
        else next.set(key, this.#writeBlocks(target, entry, key, current, previous, send));
        continue;
      }
      if (current !== undefined && current.json === entry.json) {
        next.set(key, { ...current, source: entry });
        continue;
      }
      const layout = layoutEntry(target, entry);
      const parts = new Map<string, string>();
      for (const [partKey, part] of layout.parts) {
        parts.set(partKey, (part.value?.partId ?? '') as string);
        if (current?.parts.has(partKey) !== true) send(partKey, part.value);
      }
      send(key, layout.head.value);
      for (const partKey of previous?.parts.keys() ?? []) if (!parts.has(partKey)) send(partKey, null);
      next.set(key, { json: entry.json, blocks: null, inline: '', version: SNAPSHOT_VERSION, parts, source: entry });
    }
    for (const [key, previous] of this.#written) {
      if (next.has(key)) continue;
      send(key, null);
      for (const partKey of previous.parts.keys()) send(partKey, null);
    }
    if (this.#orphans.length > 0) {
      const live = new Set(next.keys());
      for (const written of next.values()) for (const partKey of written.parts.keys()) live.add(partKey);
      for (const key of this.#orphans) if (!live.has(key)) send(key, null);
    }
    this.#pending = next;
    return records;
  }

  /**
   * Writes the part blocks the changelog does not hold yet, the manifest (with the inline blocks' texts), and
   * tombstones for the parts no longer listed.
   */
  #writeBlocks(target: { inputTopic: string; partition: number }, entry: BlockedStateEntry, key: string, current: Written | undefined, previous: Written | undefined, send: (key: string, value: object | null) => void): Written {
    const parts = new Map<string, string>();
    const ids: string[] = [];
    let inline = '';
    for (const block of entry.blocks) {
      if (block.id === null) {
        ids.push(inlineMarker(block.text.length));
        inline += block.text;
        continue;
      }
      ids.push(block.id);
      const part = partKey(target, entry, block.id);
      if (parts.has(part)) continue;
      parts.set(part, block.id);
      if (current?.parts.has(part) !== true) send(part, blockRecord(target, entry, block).value);
    }
    send(key, manifestRecord(target, entry, ids, inline).value);
    for (const partKey of previous?.parts.keys() ?? []) if (!parts.has(partKey)) send(partKey, null);
    return { json: null, blocks: ids, inline, version: SNAPSHOT_VERSION, parts, source: entry };
  }

  /** Makes the last {@link diff} the new baseline. */
  accept(): void {
    if (this.#pending === null) return;
    this.#written = this.#pending;
    this.#orphans = [];
    this.#pending = null;
  }

  /** Number of live entries (for metrics). */
  get size(): number {
    return this.#written.size;
  }
}

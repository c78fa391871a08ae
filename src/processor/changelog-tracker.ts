import { SNAPSHOT_VERSION } from '../core/engine/snapshot-format.ts';
import type { JoinedChangelog } from './changelog-records.ts';
import { blockRecord, layoutEntry, manifestRecord, partKey } from './changelog-records.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { BlockedStateEntry, StateBlock, WritableEntry } from './state-entries.ts';
import { stateEntryKey } from './state-entries.ts';

/** What the changelog holds for one entry: its JSON or its block ids, the version it was written in, and its part records. */
interface Written {
  /** The JSON of an entry written whole, or restored; null for one written as blocks. */
  readonly json: string | null;
  /** The block ids of an entry written as blocks, in order; null otherwise. */
  readonly blocks: readonly string[] | null;
  readonly version: number;
  /** Part record key → part id (content hash); empty for a whole entry. */
  readonly parts: ReadonlyMap<string, string>;
}

function sameIds(a: readonly string[], b: readonly StateBlock[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== (b[i] as StateBlock).id) return false;
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
    for (const joined of restored.entries) this.#written.set(joined.key, { json: joined.entry.json, blocks: null, version: joined.version, parts: joined.parts });
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
      if ('blocks' in entry) {
        if (current?.blocks != null && sameIds(current.blocks, entry.blocks)) next.set(key, current);
        else next.set(key, this.#writeBlocks(target, entry, key, current, previous, send));
        continue;
      }
      if (current !== undefined && current.json === entry.json) {
        next.set(key, current);
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
      next.set(key, { json: entry.json, blocks: null, version: SNAPSHOT_VERSION, parts });
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

  /** Writes the blocks the changelog does not hold yet, the manifest, and tombstones for the parts no longer listed. */
  #writeBlocks(target: { inputTopic: string; partition: number }, entry: BlockedStateEntry, key: string, current: Written | undefined, previous: Written | undefined, send: (key: string, value: object | null) => void): Written {
    const parts = new Map<string, string>();
    for (const block of entry.blocks) {
      const part = partKey(target, entry, block.id);
      if (parts.has(part)) continue;
      parts.set(part, block.id);
      if (current?.parts.has(part) !== true) send(part, blockRecord(target, entry, block).value);
    }
    send(key, manifestRecord(target, entry, entry.blocks.map((block) => block.id)).value);
    for (const partKey of previous?.parts.keys() ?? []) if (!parts.has(partKey)) send(partKey, null);
    return { json: null, blocks: entry.blocks.map((block) => block.id), version: SNAPSHOT_VERSION, parts };
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

import type { OutgoingRecord } from './output-records.ts';
import type { StateEntry } from './state-entries.ts';
import { stateEntryKey } from './state-entries.ts';

export const STATE_VERSION = 1;

/**
 * Turns successive states of one input partition into changelog records: an entry is written only when its JSON
 * differs from what was last written, and an entry that disappeared (evicted session, compacted user) gets a
 * tombstone. Lifecycle: created from the restored entries; {@link diff} per transaction, then {@link accept} once
 * that transaction committed (after a failed one the task is rebuilt and so is the tracker).
 */
export class ChangelogTracker {
  readonly #topic: string;
  readonly #inputTopic: string;
  readonly #partition: number;
  #written = new Map<string, string>();
  #pending: Map<string, string> | null = null;

  constructor(options: { topic: string; inputTopic: string; partition: number; restored: readonly StateEntry[] }) {
    this.#topic = options.topic;
    this.#inputTopic = options.inputTopic;
    this.#partition = options.partition;
    for (const entry of options.restored) this.#written.set(stateEntryKey(this.#inputTopic, this.#partition, entry), entry.json);
  }

  /** Records that bring the changelog from the last accepted state to `entries` (the complete current state). */
  diff(entries: readonly StateEntry[], writtenAt: number): OutgoingRecord[] {
    const next = new Map<string, string>();
    const records: OutgoingRecord[] = [];
    for (const entry of entries) {
      const key = stateEntryKey(this.#inputTopic, this.#partition, entry);
      next.set(key, entry.json);
      if (this.#written.get(key) === entry.json) continue;
      records.push({
        topic: this.#topic,
        partition: this.#partition,
        key,
        value: {
          inputTopic: this.#inputTopic,
          inputPartition: this.#partition,
          tenant: entry.tenant,
          entryKind: entry.kind,
          entryId: entry.id,
          stateVersion: STATE_VERSION,
          state: entry.json,
          writtenAt,
        },
      });
    }
    for (const key of this.#written.keys()) if (!next.has(key)) records.push({ topic: this.#topic, partition: this.#partition, key, value: null });
    this.#pending = next;
    return records;
  }

  /** Makes the last {@link diff} the new baseline. */
  accept(): void {
    if (this.#pending !== null) this.#written = this.#pending;
    this.#pending = null;
  }

  /** Number of live entries (for metrics). */
  get size(): number {
    return this.#written.size;
  }
}

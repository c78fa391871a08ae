import type { OutgoingRecord } from './output-records.ts';

/** Records waiting that make a commit due whatever the interval (they are held in memory until then). */
export const MAX_PENDING_RECORDS = 10_000;

/**
 * What waits for a partition task's next transaction: the records to produce (dead letters, re-processing requests,
 * emissions), since when processed input has waited uncommitted, and when each watermark applied since the last
 * commit was first seen. Without a watermark, a commit is {@link due} once input has waited `intervalMs`
 * (PROCESSOR_COMMIT_INTERVAL_MS, like Kafka Streams' `commit.interval.ms`) or {@link MAX_PENDING_RECORDS} records
 * wait; a task that applied a watermark commits at once. Times are wall-clock epoch ms, passed in.
 *
 * Lifecycle: one per partition task; {@link committed} after every commit, {@link discard} after a failed one.
 */
export class PendingTransaction {
  readonly #intervalMs: number;
  #records: OutgoingRecord[] = [];
  #since: number | null = null;
  #seen: number[] = [];

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The records for the next transaction, in the order they were added. */
  get records(): readonly OutgoingRecord[] {
    return this.#records;
  }

  add(records: readonly OutgoingRecord[]): void {
    for (const record of records) this.#records.push(record);
  }

  /** Input was processed at `now` and waits for a commit (the first call since the last commit counts). */
  inputProcessed(now: number): void {
    this.#since ??= now;
  }

  /** A watermark first seen at `seenAt` was applied; its wait is reported by {@link committed}. */
  watermarkApplied(seenAt: number): void {
    this.#seen.push(seenAt);
  }

  /** True when waiting input has waited the commit interval, or the records waiting reached {@link MAX_PENDING_RECORDS}. */
  due(now: number): boolean {
    if (this.#records.length >= MAX_PENDING_RECORDS) return true;
    return this.#since !== null && now - this.#since >= this.#intervalMs;
  }

  /** The transaction committed at `now`: nothing waits any more. Returns how long each applied watermark waited since seen. */
  committed(now: number): number[] {
    const waits = this.#seen.map((seenAt) => now - seenAt);
    this.discard();
    return waits;
  }

  /** The transaction failed: what waited is dropped (the task rewinds its input to the last commit). */
  discard(): void {
    this.#records = [];
    this.#since = null;
    this.#seen = [];
  }
}

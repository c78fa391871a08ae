import type { InputJournal, JournalStep } from './input-journal.ts';
import { journalEntry } from './input-journal.ts';
import { WatermarkCadence } from './watermark-cadence.ts';

/** A journal of this many steps, or of this much input, makes the state commit due whatever the interval (it bounds a restore's replay). */
export const MAX_JOURNAL_STEPS = 1_000;
export const MAX_JOURNAL_RECORDS = 200_000;

/**
 * Where a partition's changelog stands against its committed outputs: the input position of the state it holds,
 * the watermarks applied since (the input journal, input-journal.ts), the journal it holds, and when the state is
 * due again (every `intervalMs` of the task's clock; docs/processor.md, "State commits"). The first state commit
 * after a restore comes after `(1 + phase) × intervalMs`, so that partitions restored together, given different
 * phases, do not all write their state at once (and none sooner than an interval after its restore). Once due, the
 * state waits for a quiet part of the gap between watermarks ({@link WatermarkCadence}), so that the next watermark's
 * rows do not wait for it, but never beyond twice the interval.
 *
 * Lifecycle: one per restore of a partition task; {@link applied} for every watermark the engines are advanced to;
 * {@link journalText} before and {@link journalCommitted} after each transaction of outputs; {@link stateCommitted}
 * after each transaction that wrote the state.
 */
export class StateCommitSchedule {
  readonly #intervalMs: number;
  #stateOffset: number;
  #committedAt: number;
  #steps: JournalStep[];
  #written: string | null;
  readonly #cadence = new WatermarkCadence();

  /** `journal`: the one restored with the state at `stateOffset`, or null; `now` the task's clock; `phase` in [0, 1). */
  constructor(intervalMs: number, stateOffset: number, journal: InputJournal | null, now: number, phase = 0) {
    this.#intervalMs = intervalMs;
    this.#stateOffset = stateOffset;
    this.#committedAt = now + phase * intervalMs;
    this.#steps = [...(journal?.steps ?? [])];
    this.#written = journal === null ? null : journalEntry(journal).json;
  }

  /** The input position of the state the changelog holds. */
  get stateOffset(): number {
    return this.#stateOffset;
  }

  /** The JSON of the journal the changelog holds; null when it holds none. */
  get written(): string | null {
    return this.#written;
  }

  /** The number of watermarks applied since the state. */
  get steps(): number {
    return this.#steps.length;
  }

  /** An engine was advanced (or refused a watermark ahead of the clock): it goes in the journal. */
  applied(step: JournalStep): void {
    this.#steps.push(step);
    this.#cadence.applied(step.wallClock);
  }

  /** The journal's JSON when the outputs are committed up to `nextOffset`; null when nothing was since the state. */
  journalText(nextOffset: number): string | null {
    if (this.#steps.length === 0 && nextOffset === this.#stateOffset) return null;
    return journalEntry({ stateOffset: this.#stateOffset, nextOffset, steps: this.#steps }).json;
  }

  /** A transaction committed with the changelog holding the journal `text` (from {@link journalText}). */
  journalCommitted(text: string | null): void {
    this.#written = text;
  }

  /** True when outputs up to `nextOffset` were committed after the state (so the changelog holds a journal). */
  behind(nextOffset: number): boolean {
    return this.#steps.length > 0 || nextOffset !== this.#stateOffset;
  }

  /**
   * True when the state should be committed at `now`, with outputs committed up to `nextOffset`: the interval passed
   * and the watermarks' cadence is quiet, or twice the interval passed, or {@link full}.
   */
  due(nextOffset: number, now: number): boolean {
    if (!this.behind(nextOffset)) return false;
    const since = now - this.#committedAt;
    return (since >= this.#intervalMs && (this.#cadence.quiet(now) || since >= 2 * this.#intervalMs)) || this.full(nextOffset);
  }

  /** True when the journal reached its bounds with outputs committed up to `nextOffset`: the state should be committed at once. */
  full(nextOffset: number): boolean {
    return this.#steps.length >= MAX_JOURNAL_STEPS || nextOffset - this.#stateOffset >= MAX_JOURNAL_RECORDS;
  }

  /** A transaction wrote the state at `offset` (and deleted the journal) at `now`. */
  stateCommitted(offset: number, now: number): void {
    this.#stateOffset = offset;
    this.#committedAt = now;
    this.#steps = [];
    this.#written = null;
  }
}

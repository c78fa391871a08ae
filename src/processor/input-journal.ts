import type { StateEntry } from './state-entries.ts';

/** The id of the `partition` entry that holds the journal (the other `partition` entry, id '', holds the state's position). */
export const JOURNAL_ENTRY_ID = 'journal';

/**
 * One watermark a partition task applied: once its engines had consumed the input before offset `position`, the
 * engine of `tenant` was advanced to `watermark` with the wall clock `wallClock` (which decides whether a watermark
 * too far ahead is rejected, a rejection the engine counts in its state).
 */
export interface JournalStep {
  readonly position: number;
  readonly tenant: string;
  readonly watermark: number;
  readonly wallClock: number;
}

/**
 * What was committed after the state in the changelog: the input from `stateOffset` (the state's position) up to
 * `nextOffset` (the committed consumer offset), and the watermarks applied on the way. Input and watermarks are all a
 * partition task's engines depend on, so applying them again to the state at `stateOffset` rebuilds the state the
 * committed outputs came from, without producing those outputs again (docs/processor.md, "State commits").
 */
export interface InputJournal {
  readonly stateOffset: number;
  readonly nextOffset: number;
  readonly steps: readonly JournalStep[];
}

type StepJson = [position: number, tenant: string, watermark: number, wallClock: number];

/** The journal as a changelog entry (kind `partition`, id {@link JOURNAL_ENTRY_ID}). */
export function journalEntry(journal: InputJournal): StateEntry {
  const steps: StepJson[] = journal.steps.map((s) => [s.position, s.tenant, s.watermark, s.wallClock]);
  return { kind: 'partition', tenant: '', id: JOURNAL_ENTRY_ID, json: JSON.stringify({ stateOffset: journal.stateOffset, nextOffset: journal.nextOffset, steps }) };
}

const isOffset = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Reads a journal entry's value; throws for one that is not a journal (the caller reports the entry as malformed). */
export function readJournal(value: Record<string, unknown>): InputJournal {
  const { stateOffset, nextOffset, steps } = value;
  if (!isOffset(stateOffset) || !isOffset(nextOffset) || nextOffset < stateOffset || !Array.isArray(steps)) throw new Error('not an input journal');
  let last = stateOffset;
  const read = (steps as unknown[]).map((step): JournalStep => {
    if (!Array.isArray(step) || step.length !== 4) throw new Error('not an input journal step');
    const [position, tenant, watermark, wallClock] = step as unknown[];
    if (!isOffset(position) || position < last || position > nextOffset || typeof tenant !== 'string' || typeof watermark !== 'number' || typeof wallClock !== 'number') {
      throw new Error(`input journal step ${JSON.stringify(step)} is out of order or malformed`);
    }
    last = position;
    return { position, tenant, watermark, wallClock };
  });
  return { stateOffset, nextOffset, steps: read };
}

/**
 * The replay of a restored journal: hands out its steps in order as the task's input position passes them, until
 * the input reaches the journal's `nextOffset`. Lifecycle: one per restore that found a journal; dropped once
 * {@link done}.
 */
export class JournalReplay {
  readonly until: number;
  readonly #steps: readonly JournalStep[];
  #next = 0;

  constructor(journal: InputJournal) {
    this.until = journal.nextOffset;
    this.#steps = journal.steps;
  }

  /** The steps not handed out yet whose position is at or before `position`, in order. */
  stepsThrough(position: number): JournalStep[] {
    const due: JournalStep[] = [];
    while (this.#next < this.#steps.length && (this.#steps[this.#next] as JournalStep).position <= position) due.push(this.#steps[this.#next++] as JournalStep);
    return due;
  }

  /** True once the input reached `until` and every step was handed out. */
  done(position: number): boolean {
    return position >= this.until && this.#next === this.#steps.length;
  }
}

import { DirectContactStore } from '../direct/direct-contact-store.ts';
import { addDirectRun } from '../direct/direct-run.ts';
import type { ContributionSink } from '../statistic/contribution-sink.ts';
import { newMetricVector } from '../statistic/metric-vector.ts';
import type { MetricVector } from '../statistic/metric-vector.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';
import type { WindowStatus } from './engine-types.ts';

/**
 * One (user, quarter-hour) window of the streaming engine: its live vector, what was last emitted
 * for it, and a cache of the "as of the window end" labels (maxChangeTimestamp and userName).
 *
 * The label cache is a prefix fold over the user's marks with eventTime < end; `EngineUser`
 * recomputes it only from the first window a mark change can affect.
 */
export class WindowSlot {
  readonly start: number;
  readonly end: number;
  readonly vector: MetricVector = newMetricVector();
  /** The vector may differ from the emitted metrics (set by every contribution). */
  touched = true;
  /**
   * Raised by every change to what a snapshot holds of the window (contributions, reports, emissions; not the
   * labels): the same slot at the same version has the same snapshot (persisted-parts.ts, UserParts.windowSlots).
   */
  version = 0;
  /** Prefix fold: valid only while `labelsValid`. */
  labelsValid = false;
  maxChange = Number.NEGATIVE_INFINITY;
  nameChange: number | null = null;
  name = '';
  /** Last emission (revision 0 = never emitted). */
  revision = 0;
  status: WindowStatus = 'provisional';
  emittedName = '';
  emittedMaxChange = 0;
  emittedMetrics: MetricVector | null = null;
  /** Set by a WindowReport: the vector is the vendor's figures, not contributions (reporting sources only). */
  reported = false;
  /** The last report's vendor figures without an agentStatistic field (null: none reported). */
  extras: Readonly<Record<string, number>> | null = null;
  emittedExtras: Readonly<Record<string, number>> | null = null;
  /**
   * The agentHistory breakdown: part key (history-part.ts) → vector; the vectors sum to `vector`. null: unknown (a
   * window restored from state written before breakdowns), published as one part without dimensions.
   */
  parts: Map<string, MetricVector> | null = new Map();
  /** The breakdown last emitted (null: none, or it was unknown). */
  emittedParts: Map<string, MetricVector> | null = null;

  /** The vector of breakdown part `key`, created empty when absent; null while the breakdown is unknown. */
  part(key: string): MetricVector | null {
    const parts = this.parts;
    if (parts === null) return null;
    let vector = parts.get(key);
    if (vector === undefined) parts.set(key, (vector = newMetricVector()));
    return vector;
  }

  constructor(start: number) {
    this.start = start;
    this.end = start + QUARTER_HOUR_MS;
  }
}

/**
 * A user's windows, sorted by start, as the sink of the user's session machines. Contributions
 * are split at UTC quarter-hours; `sign` is −1 while a session's contributions are withdrawn for a
 * recomputation (exact, because contributions are additive). Lookups hit a one-slot cache and
 * otherwise scan from the end (windows are few and new ones are almost always the latest).
 */
export class EngineWindows implements ContributionSink {
  readonly slots: WindowSlot[] = [];
  sign = 1;
  /** The user's direct contacts, which the calls the sessions count are joined to (addRun). */
  readonly direct: DirectContactStore;
  /** Windows ending before this were dropped: a direct call's span is clipped to it (they can no longer change). */
  private floor = Number.NEGATIVE_INFINITY;
  private last: WindowSlot | null = null;

  constructor(direct: DirectContactStore = new DirectContactStore()) {
    this.direct = direct;
  }

  /** The slot starting at `start`, created empty in order when absent. */
  slot(start: number): WindowSlot {
    const last = this.last;
    if (last !== null && last.start === start) return last;
    const slots = this.slots;
    let i = slots.length - 1;
    while (i >= 0 && (slots[i] as WindowSlot).start > start) i--;
    let slot = slots[i];
    if (slot === undefined || slot.start !== start) {
      slot = new WindowSlot(start);
      if (i === slots.length - 1) slots.push(slot);
      else slots.splice(i + 1, 0, slot);
    }
    this.last = slot;
    return slot;
  }

  /** Drops the slots ending before `time` (they can no longer change). */
  dropBefore(time: number): void {
    let n = 0;
    while (n < this.slots.length && (this.slots[n] as WindowSlot).end < time) n++;
    if (time > this.floor) this.floor = time;
    if (n === 0) return;
    this.slots.splice(0, n);
    this.last = null;
  }

  addSpan(from: number, to: number, fields: Readonly<Int8Array>, part: string): void {
    const sign = this.sign;
    let at = from;
    while (at < to) {
      const start = Math.floor(at / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      const end = Math.min(to, start + QUARTER_HOUR_MS);
      const slot = this.slot(start);
      slot.touched = true;
      slot.version++;
      const vector = slot.vector;
      const partVector = slot.part(part);
      const amount = (end - at) * sign;
      for (let i = 0; i < fields.length; i++) vector[fields[i] as number]! += amount;
      if (partVector !== null) for (let i = 0; i < fields.length; i++) partVector[fields[i] as number]! += amount;
      at = end;
    }
  }

  /**
   * A call run joined to a direct contact (direct-contact.ts) also counts in the Direct fields (direct-run.ts), clipped
   * to the windows still held.
   */
  addRun(kind: number, start: number, end: number, part: string): void {
    addDirectRun(this, this.direct, this.sign, this.floor, { kind, start, end, part });
  }

  addCount(atMs: number, index: number, part: string): void {
    const slot = this.slot(Math.floor(atMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);
    slot.touched = true;
    slot.version++;
    slot.vector[index]! += this.sign;
    const partVector = slot.part(part);
    if (partVector !== null) partVector[index]! += this.sign;
  }
}

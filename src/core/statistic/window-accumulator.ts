import type { DirectContactStore } from '../direct/direct-contact-store.ts';
import { addDirectRun } from '../direct/direct-run.ts';
import type { ContributionSink } from './contribution-sink.ts';
import type { MetricVector } from './metric-vector.ts';
import { newMetricVector } from './metric-vector.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';

/**
 * Per-user quarter-hour accumulation: window start (epoch ms) → MetricVector, and per window its agentHistory
 * breakdown (part key → MetricVector, history-part.ts), whose vectors sum to the window's.
 *
 * Contributions are split at UTC quarter-hour boundaries to the millisecond. `sign` is +1 normally
 * and −1 while a session's earlier contributions are being withdrawn for a recomputation, which
 * is exact because contributions are additive.
 */
export class WindowAccumulator implements ContributionSink {
  readonly windows = new Map<number, MetricVector>();
  readonly parts = new Map<number, Map<string, MetricVector>>();
  sign = 1;
  /** False: no breakdown is kept (`parts` stays empty), for callers that never publish one. */
  private readonly trackParts: boolean;
  private lastStart = Number.NaN;
  private lastVector: MetricVector | undefined;
  private lastParts: Map<string, MetricVector> | undefined;

  /** The user's direct contacts its call runs are joined to (addRun); null: none are fed (the Direct fields stay 0). */
  private readonly direct: DirectContactStore | null;

  constructor(trackParts = true, direct: DirectContactStore | null = null) {
    this.trackParts = trackParts;
    this.direct = direct;
  }

  /** The vector of the window starting at `start`, created empty when absent. */
  window(start: number): MetricVector {
    if (start === this.lastStart && this.lastVector !== undefined) return this.lastVector;
    let vector = this.windows.get(start);
    if (vector === undefined) {
      vector = newMetricVector();
      this.windows.set(start, vector);
      if (this.trackParts) this.parts.set(start, new Map());
    }
    this.lastStart = start;
    this.lastVector = vector;
    this.lastParts = this.parts.get(start);
    return vector;
  }

  /** The vector of `part` in the window starting at `start`, created empty when absent. */
  private partVector(start: number, part: string): MetricVector {
    this.window(start);
    const parts = this.lastParts as Map<string, MetricVector>;
    let vector = parts.get(part);
    if (vector === undefined) parts.set(part, (vector = newMetricVector()));
    return vector;
  }

  /** Removes a window (eviction). */
  delete(start: number): void {
    this.windows.delete(start);
    this.parts.delete(start);
    if (start === this.lastStart) {
      this.lastStart = Number.NaN;
      this.lastVector = undefined;
      this.lastParts = undefined;
    }
  }

  addSpan(from: number, to: number, fields: Readonly<Int8Array>, part: string): void {
    const sign = this.sign;
    let at = from;
    while (at < to) {
      const start = Math.floor(at / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      const end = Math.min(to, start + QUARTER_HOUR_MS);
      const vector = this.window(start);
      const amount = (end - at) * sign;
      for (let i = 0; i < fields.length; i++) vector[fields[i] as number]! += amount;
      if (this.trackParts) {
        const partVector = this.partVector(start, part);
        for (let i = 0; i < fields.length; i++) partVector[fields[i] as number]! += amount;
      }
      at = end;
    }
  }

  /**
   * A call run joined to one of the user's direct contacts also counts in the Direct fields, exactly as the live
   * engine counts it (direct-run.ts; no window is ever dropped here, so nothing is clipped).
   */
  addRun(kind: number, start: number, end: number, part: string): void {
    if (this.direct !== null) addDirectRun(this, this.direct, this.sign, Number.NEGATIVE_INFINITY, { kind, start, end, part });
  }

  addCount(atMs: number, index: number, part: string): void {
    const start = Math.floor(atMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
    this.window(start)[index]! += this.sign;
    if (this.trackParts) this.partVector(start, part)[index]! += this.sign;
  }
}

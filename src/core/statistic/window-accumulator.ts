import type { ContributionSink } from './contribution-sink.ts';
import type { MetricVector } from './metric-vector.ts';
import { newMetricVector } from './metric-vector.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';

/**
 * Per-user quarter-hour accumulation: window start (epoch ms) → MetricVector.
 *
 * Contributions are split at UTC quarter-hour boundaries to the millisecond. `sign` is +1 normally
 * and −1 while a session's earlier contributions are being withdrawn for a recomputation, which
 * is exact because contributions are additive.
 */
export class WindowAccumulator implements ContributionSink {
  readonly windows = new Map<number, MetricVector>();
  sign = 1;
  private lastStart = Number.NaN;
  private lastVector: MetricVector | undefined;

  /** The vector of the window starting at `start`, created empty when absent. */
  window(start: number): MetricVector {
    if (start === this.lastStart && this.lastVector !== undefined) return this.lastVector;
    let vector = this.windows.get(start);
    if (vector === undefined) {
      vector = newMetricVector();
      this.windows.set(start, vector);
    }
    this.lastStart = start;
    this.lastVector = vector;
    return vector;
  }

  /** Removes a window (eviction). */
  delete(start: number): void {
    this.windows.delete(start);
    if (start === this.lastStart) {
      this.lastStart = Number.NaN;
      this.lastVector = undefined;
    }
  }

  addSpan(from: number, to: number, fields: Readonly<Int8Array>): void {
    const sign = this.sign;
    let at = from;
    while (at < to) {
      const start = Math.floor(at / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      const end = Math.min(to, start + QUARTER_HOUR_MS);
      const vector = this.window(start);
      const amount = (end - at) * sign;
      for (let i = 0; i < fields.length; i++) vector[fields[i] as number]! += amount;
      at = end;
    }
  }

  addCount(atMs: number, index: number): void {
    const vector = this.window(Math.floor(atMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS);
    vector[index]! += this.sign;
  }
}

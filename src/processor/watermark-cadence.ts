/** Gaps between watermark applications the cadence remembers; it takes their median. */
const GAPS_KEPT = 5;

/**
 * When a partition's next watermark is expected, from when its last ones were applied: a state commit placed in the
 * quiet part of the gap (docs/processor.md, "State commits") is over before the next watermark's rows need the
 * partition, and starts after the other partitions, which apply a watermark in the same turns, committed its rows.
 *
 * Lifecycle: one per restore of a partition task, with its {@link StateCommitSchedule}; {@link applied} with the wall
 * clock of every watermark the engines are advanced to; {@link quiet} whenever a state commit is due.
 */
export class WatermarkCadence {
  #last: number | null = null;
  readonly #gaps: number[] = [];

  /** A watermark was applied at `now` (epoch ms); several in one turn (tenants) count once. */
  applied(now: number): void {
    if (this.#last !== null && now > this.#last) {
      this.#gaps.push(now - this.#last);
      if (this.#gaps.length > GAPS_KEPT) this.#gaps.shift();
    }
    if (this.#last === null || now > this.#last) this.#last = now;
  }

  /** The median of the last gaps between watermarks (ms); null until two turns applied one. */
  get gapMs(): number | null {
    if (this.#gaps.length === 0) return null;
    const sorted = [...this.#gaps].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  /**
   * True when work started at `now` would fall between two watermarks: from a fifth to half of the usual gap after
   * the last one (its rows are committed, the next is far), or once watermarks stopped (twice the gap without one),
   * or while no cadence is known.
   */
  quiet(now: number): boolean {
    const gap = this.gapMs;
    if (gap === null || this.#last === null) return true;
    const since = now - this.#last;
    return (since >= gap / 5 && since <= gap / 2) || since >= 2 * gap;
  }
}

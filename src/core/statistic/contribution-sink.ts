/**
 * Receiver of a session's counted time. Session machines call it while they advance; it decides
 * where the numbers go (per-user quarter-hour vectors, nothing at all, ...). `part` is the key of the
 * agentHistory breakdown part the numbers belong to (history-part.ts, `partKey`).
 */
export interface ContributionSink {
  /** Adds (to − from) to each listed vector index over the counted milliseconds [from, to). */
  addSpan(from: number, to: number, fields: Readonly<Int8Array>, part: string): void;
  /** Adds one handled contact at vector index `index`, in the quarter-hour containing `atMs`. */
  addCount(atMs: number, index: number, part: string): void;
  /**
   * A handling run of count kind `kind` (status.ts) over the counted milliseconds [start, end) has ended; its count
   * went to `addCount` already. Optional: a sink that joins runs to contact records (the direct contacts,
   * core/direct) adds what the join decides, in `part`.
   */
  addRun?(kind: number, start: number, end: number, part: string): void;
}

/** A sink that drops everything (used to move checkpoints forward). */
export const NULL_SINK: ContributionSink = {
  addSpan(): void {},
  addCount(): void {},
};

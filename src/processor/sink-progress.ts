import type { SinkProgressRecord } from '../state/store-types.ts';

/** An output partition, `topic|partition`. */
export type PartitionId = string;

export function partitionId(topic: string, partition: number): PartitionId {
  return `${topic}|${partition}`;
}

export function parsePartitionId(id: PartitionId): { topic: string; partition: number } {
  const split = id.lastIndexOf('|');
  return { topic: id.slice(0, split), partition: Number(id.slice(split + 1)) };
}

interface Position {
  /** Every record below this offset is in Redis in the current epoch; null until verified. */
  readonly offset: number | null;
  /** Changes whenever the partition is reassigned, rewound or the epoch changes: a write begun before is not counted. */
  readonly seq: number;
}

interface Snapshot {
  readonly watermarks: Readonly<Record<string, number>>;
  readonly readAt: number;
  readonly targets: ReadonlyMap<PartitionId, number> | null;
}

interface Covered {
  readonly watermarks: Readonly<Record<string, number>>;
  readonly readAt: number;
  readonly partitions: ReadonlySet<PartitionId>;
}

/**
 * The in-memory progress of one Redis sink instance in the current data epoch. Per assigned output partition it keeps
 * the offset below which every record is in Redis. A snapshot pairs the processor watermarks read at one moment with
 * the end offsets read later (the last stable offsets, read at least a settle interval after the watermarks, so the
 * commit markers of the transactions behind them have landed); once every assigned partition reached its end offset,
 * the snapshot's watermarks are covered: their rows are all in Redis.
 *
 * Lifecycle: assign on every group join; resetEpoch on a new epoch; positions come from verification (the committed
 * offset of the same epoch, or the start after a rewind) and then advance with written batches.
 */
export class SinkProgress {
  #positions = new Map<PartitionId, Position>();
  #seq = 0;
  #pending: Snapshot | null = null;
  #covered: Covered | null = null;

  /** The partitions of a new assignment, all unverified; coverage shrinks to the partitions kept. */
  assign(ids: readonly PartitionId[]): void {
    this.#positions = new Map(ids.map((id) => [id, { offset: null, seq: ++this.#seq }]));
    this.#pending = null;
    if (this.#covered !== null) {
      const kept = new Set([...this.#covered.partitions].filter((id) => this.#positions.has(id)));
      this.#covered = kept.size === 0 ? null : { ...this.#covered, partitions: kept };
    }
  }

  /** A new data epoch: nothing is in Redis for it yet. */
  resetEpoch(): void {
    for (const id of this.#positions.keys()) this.#positions.set(id, { offset: null, seq: ++this.#seq });
    this.#pending = null;
    this.#covered = null;
  }

  assigned(): PartitionId[] {
    return [...this.#positions.keys()];
  }

  /** Assigned partitions without a verified position, with the seq a verification must still see to count. */
  unverified(): { id: PartitionId; seq: number }[] {
    return [...this.#positions].filter(([, position]) => position.offset === null).map(([id, position]) => ({ id, seq: position.seq }));
  }

  isVerified(id: PartitionId): boolean {
    return (this.#positions.get(id)?.offset ?? null) !== null;
  }

  seqOf(id: PartitionId): number | undefined {
    return this.#positions.get(id)?.seq;
  }

  /** Verification found every record below `offset` in Redis (the committed offset of this epoch); ignored if `seq` is stale. */
  verified(id: PartitionId, offset: number, seq: number): boolean {
    if (this.#positions.get(id)?.seq !== seq) return false;
    this.#positions.set(id, { offset, seq });
    return true;
  }

  /** The partition was sought back to `low`, its first offset: it is re-read from there. */
  rewound(id: PartitionId, low: number): void {
    if (this.#positions.has(id)) this.#positions.set(id, { offset: low, seq: ++this.#seq });
  }

  /** A batch begun under `seq` is in Redis and committed up to `next` (exclusive). */
  advance(id: PartitionId, next: number, seq: number): void {
    const position = this.#positions.get(id);
    if (position === undefined || position.seq !== seq || position.offset === null) return;
    this.#positions.set(id, { offset: Math.max(position.offset, next), seq });
  }

  /** A commit of the current epoch at `offset` (exclusive) was seen: everything below it is in Redis. */
  committed(id: PartitionId, offset: number): void {
    const position = this.#positions.get(id);
    if (position === undefined || position.offset === null || position.offset >= offset) return;
    this.#positions.set(id, { offset, seq: position.seq });
  }

  /** A fetched batch of only control records (commit markers) or aborted records from `first` to `last`. */
  skipped(id: PartitionId, first: number, last: number): void {
    const position = this.#positions.get(id);
    if (position === undefined || position.offset === null || first > position.offset) return;
    this.#positions.set(id, { offset: Math.max(position.offset, last + 1), seq: position.seq });
  }

  needsSnapshot(): boolean {
    return this.#pending === null;
  }

  /** Starts a snapshot with the processor watermarks (tenant → lowest watermark) read at `now`. */
  beginSnapshot(watermarks: Readonly<Record<string, number>>, now: number): void {
    this.#pending = { watermarks, readAt: now, targets: null };
  }

  /** True when the pending snapshot waits for end offsets and `settleMs` passed since its watermarks were read. */
  targetsDue(now: number, settleMs: number): boolean {
    return this.#pending !== null && this.#pending.targets === null && now - this.#pending.readAt >= settleMs;
  }

  setTargets(targets: ReadonlyMap<PartitionId, number>): void {
    if (this.#pending !== null) this.#pending = { ...this.#pending, targets };
  }

  /** Promotes the pending snapshot to covered once every assigned partition reached its end offset; true if it did. */
  settle(): boolean {
    const pending = this.#pending;
    if (pending?.targets === null || pending === null) return false;
    for (const [id, position] of this.#positions) {
      const target = pending.targets.get(id);
      if (target === undefined || position.offset === null || position.offset < target) return false;
    }
    this.#covered = { watermarks: pending.watermarks, readAt: pending.readAt, partitions: new Set(this.#positions.keys()) };
    this.#pending = null;
    return true;
  }

  /** False while this instance has confirmed nothing in the current epoch (it is rebuilding). */
  covering(): boolean {
    return this.#covered !== null;
  }

  record(instanceId: string, epoch: string, expectedPartitions: number, now: number): SinkProgressRecord {
    return {
      instanceId,
      epoch,
      assigned: this.assigned().sort(),
      covered: [...(this.#covered?.partitions ?? [])].sort(),
      expectedPartitions,
      watermarks: this.#covered?.watermarks ?? {},
      coveredAt: this.#covered?.readAt ?? null,
      updatedAt: now,
    };
  }
}

import { describe, expect, it } from 'vitest';
import { SinkProgress } from '../../src/processor/sink-progress.ts';

const W = { t1: 1_000 };

/** Verifies both partitions of a fresh assignment at `offsets` and answers their seqs. */
function verifiedProgress(offsets: [number, number]): { progress: SinkProgress; seqs: number[] } {
  const progress = new SinkProgress();
  progress.assign(['q|0', 'q|1']);
  const seqs = progress.unverified().map(({ id, seq }, index) => {
    progress.verified(id, offsets[index]!, seq);
    return seq;
  });
  return { progress, seqs };
}

/**
 * The sink's bookkeeping: a snapshot of processor watermarks is confirmed only once every assigned output partition
 * has reached the end offsets read after it, so the API never claims rows the sink has not written yet.
 */
describe('Redis sink progress', () => {
  it('confirms a watermark only when every assigned partition reached the end offsets read after it', () => {
    const { progress, seqs } = verifiedProgress([0, 0]);
    expect(progress.covering()).toBe(false);
    progress.beginSnapshot(W, 100);
    expect(progress.targetsDue(150, 100)).toBe(false);
    expect(progress.targetsDue(200, 100)).toBe(true);
    progress.setTargets(new Map([['q|0', 10], ['q|1', 4]]));
    expect(progress.settle()).toBe(false);
    progress.advance('q|0', 10, seqs[0]!);
    expect(progress.settle(), 'q|1 still behind').toBe(false);
    progress.advance('q|1', 3, seqs[1]!);
    progress.skipped('q|1', 3, 3);
    expect(progress.settle()).toBe(true);
    expect(progress.record('i', 'e1', 2, 500)).toEqual({
      instanceId: 'i', epoch: 'e1', assigned: ['q|0', 'q|1'], covered: ['q|0', 'q|1'], expectedPartitions: 2, watermarks: W, coveredAt: 100, updatedAt: 500,
    });
    expect(progress.needsSnapshot()).toBe(true);
  });

  it('ignores a write begun before a rewind or a new epoch, and a skip that is not contiguous', () => {
    const { progress, seqs } = verifiedProgress([5, 5]);
    progress.rewound('q|0', 0);
    progress.advance('q|0', 50, seqs[0]!);
    progress.skipped('q|1', 7, 9);
    progress.beginSnapshot(W, 0);
    progress.setTargets(new Map([['q|0', 1], ['q|1', 6]]));
    expect(progress.settle(), 'q|0 is back at 0 and q|1 at 5').toBe(false);
    progress.committed('q|0', 1);
    progress.committed('q|1', 6);
    expect(progress.settle()).toBe(true);
    progress.resetEpoch();
    expect(progress.covering()).toBe(false);
    expect(progress.unverified().map(({ id }) => id)).toEqual(['q|0', 'q|1']);
    expect(progress.verified('q|0', 9, seqs[0]!), 'a verification begun before the new epoch').toBe(false);
  });

  it('keeps coverage for the partitions a rebalance leaves it, and needs positions for the new ones', () => {
    const { progress } = verifiedProgress([0, 0]);
    progress.beginSnapshot(W, 0);
    progress.setTargets(new Map([['q|0', 0], ['q|1', 0]]));
    expect(progress.settle()).toBe(true);
    progress.assign(['q|1', 'q|2']);
    expect(progress.record('i', 'e', 3, 1)).toMatchObject({ covered: ['q|1'], assigned: ['q|1', 'q|2'], watermarks: W });
    progress.assign(['q|3']);
    expect(progress.covering()).toBe(false);
  });
});

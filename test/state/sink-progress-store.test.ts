import { describe, expect, it } from 'vitest';
import { summarizeSinks } from '../../src/state/sink-progress-store.ts';
import type { SinkProgressRecord } from '../../src/state/store-types.ts';

function record(instanceId: string, fields: Partial<SinkProgressRecord>): SinkProgressRecord {
  return { instanceId, epoch: 'e2', assigned: [], covered: [], expectedPartitions: 3, watermarks: {}, coveredAt: null, updatedAt: 0, ...fields };
}

/** Completeness from the live sink records: full coverage in the current epoch, lowest confirmed watermark. */
describe('summarizeSinks', () => {
  it('needs some sink, every output partition covered in the current epoch, and the tenant in every covering record', () => {
    expect(summarizeSinks([], 'e2', 't').incomplete?.reason).toBe('no-sink');
    const a = record('a', { covered: ['x|0', 'x|1'], watermarks: { t: 50 }, coveredAt: 1 });
    const old = record('b', { epoch: 'e1', covered: ['x|2'], watermarks: { t: 10 }, coveredAt: 1 });
    expect(summarizeSinks([a, old], 'e2', 't')).toEqual({ upTo: null, incomplete: { reason: 'rebuilding', detail: expect.stringContaining('2 of 3 output partitions') as unknown } });
    const b = record('b', { covered: ['x|2'], watermarks: { t: 40, u: 7 }, coveredAt: 1 });
    expect(summarizeSinks([a, old, b], 'e2', 't')).toEqual({ upTo: 40, incomplete: null });
    expect(summarizeSinks([a, b], 'e2', 'u').incomplete?.reason).toBe('no-watermark');
    expect(summarizeSinks([record('c', { expectedPartitions: 0 })], 'e2', 't').incomplete?.reason, 'a sink that knows no partitions yet').toBe('rebuilding');
  });
});

import { describe, expect, it } from 'vitest';
import { WatermarkCadence } from '../../src/processor/watermark-cadence.ts';

describe('WatermarkCadence', () => {
  it('is quiet while no cadence is known', () => {
    const cadence = new WatermarkCadence();
    expect(cadence.gapMs).toBeNull();
    expect(cadence.quiet(0)).toBe(true);
    cadence.applied(1_000);
    expect(cadence.gapMs).toBeNull();
    expect(cadence.quiet(1_001)).toBe(true);
  });

  it('is quiet from a fifth to half of the median gap after the last watermark, and once they stopped for two gaps', () => {
    const cadence = new WatermarkCadence();
    for (const at of [0, 1_000, 2_000, 3_000]) cadence.applied(at);
    expect(cadence.gapMs).toBe(1_000);
    const quietAt = [3_000, 3_150, 3_199, 3_200, 3_350, 3_500, 3_501, 3_900, 4_999, 5_000, 9_000].filter((now) => cadence.quiet(now));
    expect(quietAt).toEqual([3_200, 3_350, 3_500, 5_000, 9_000]);
  });

  it('counts watermarks applied in one turn once, and takes the median of the last five gaps', () => {
    const cadence = new WatermarkCadence();
    cadence.applied(0);
    cadence.applied(0);
    cadence.applied(1_000);
    cadence.applied(1_000);
    expect(cadence.gapMs).toBe(1_000);
    // one outlier does not move the median; a new cadence replaces the old within five gaps
    cadence.applied(1_010);
    expect(cadence.gapMs).toBe(1_000);
    for (const at of [1_510, 2_010, 2_510, 3_010]) cadence.applied(at);
    expect(cadence.gapMs).toBe(500);
    // an application from before the last (a clock step back) changes nothing
    cadence.applied(2_000);
    expect(cadence.gapMs).toBe(500);
    expect(cadence.quiet(3_010 + 100)).toBe(true);
    expect(cadence.quiet(3_010 + 300)).toBe(false);
  });
});

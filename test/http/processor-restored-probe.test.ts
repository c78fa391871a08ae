import { describe, expect, it } from 'vitest';
import { processorRestoredProbe } from '../../src/cli/serve-command.ts';
import type { ProcessorReadiness, ProcessorReadinessRecord } from '../../src/state/store-types.ts';
import { EMPTY_READER, testServer } from './support/http-fixture.ts';

function instance(instanceId: string, assigned: number[], restored: number[]): ProcessorReadinessRecord {
  return { groupId: 'g', instanceId, assigned, restored, restoreMs: {}, expectedPartitions: 6, startedAt: 0, updatedAt: 0 };
}

const fakeReader = (readiness: ProcessorReadiness) => ({ getProcessorReadiness: async () => readiness });

describe('processor-restored readiness probe', () => {
  it('fails naming how many partitions are restored while restores run, and passes once all are', async () => {
    const restoring = processorRestoredProbe(fakeReader({ instances: [instance('a', [0, 1, 2, 3, 4, 5], [0, 1, 2])], assigned: 6, restored: 3, expectedPartitions: 6, watermarked: {} }), 'g');
    await expect(restoring.check()).rejects.toThrow('3 of 6 partitions restored (1 instance reporting)');
    const app = testServer(EMPTY_READER, { probes: [restoring] });
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('processor-restored: FAILED (3 of 6 partitions restored (1 instance reporting))');
    await app.close();

    const all = [0, 1, 2, 3, 4, 5];
    const ready = processorRestoredProbe(fakeReader({ instances: [instance('a', all, all)], assigned: 6, restored: 6, expectedPartitions: 6, watermarked: {} }), 'g');
    await expect(ready.check()).resolves.toBeUndefined();
    const readyApp = testServer(EMPTY_READER, { probes: [ready] });
    const good = await readyApp.inject('/readyz');
    expect([good.statusCode, good.body]).toEqual([200, 'ready\nprocessor-restored: ok\n']);
    await readyApp.close();
  });

  it('fails when partitions are unassigned or no instance has reported', async () => {
    const partial = processorRestoredProbe(fakeReader({ instances: [instance('a', [0, 1], [0, 1]), instance('b', [2], [2])], assigned: 3, restored: 3, expectedPartitions: 6, watermarked: {} }), 'g');
    await expect(partial.check()).rejects.toThrow('3 of 6 partitions assigned (2 instances reporting)');
    const silent = processorRestoredProbe(fakeReader({ instances: [], assigned: 0, restored: 0, expectedPartitions: null, watermarked: {} }), 'g');
    await expect(silent.check()).rejects.toThrow('no processor instance of group g has reported in 15 s');
  });
});

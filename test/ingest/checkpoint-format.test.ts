import { describe, expect, it } from 'vitest';
import type { PollerCheckpoint } from '../../src/ingest/checkpoint.ts';
import type { CheckpointValue } from '../../src/ingest/checkpoint-format.ts';
import { CHECKPOINT_FORMAT_VERSION, CHECKPOINT_PART_MAX_BYTES, checkpointPartKey, checkpointRecords, decodeCheckpoint } from '../../src/ingest/checkpoint-format.ts';
import { recordKey } from '../../src/ingest/record-key.ts';
import checkpointsV1 from '../fixtures/state-format-v1/checkpoints.json' with { type: 'json' };

const checkpoint = (keys: Array<{ key: string; time: number }>, pollId = 'p1'): PollerCheckpoint => ({ tenant: 't', endpoint: 'contactStatistic', highMark: 1_000, recentKeys: keys, pollId, updatedAt: 2_000 });
const hexKeys = (n: number, time = (i: number) => 1_748_000_000_000 + i * 37): Array<{ key: string; time: number }> => Array.from({ length: n }, (_, i) => ({ key: recordKey({ i }), time: time(i) }));

/** Reads records back the way restoreCheckpoints does (the head, and parts by number). */
function readBack(records: ReturnType<typeof checkpointRecords>, key: string) {
  const head = records.find((r) => r.key === key)?.value as CheckpointValue;
  const parts = new Map<number, CheckpointValue>();
  for (const r of records) if (r.key !== key && r.value !== null) parts.set(Number(r.key.slice(r.key.lastIndexOf(':') + 1)), r.value as CheckpointValue);
  return decodeCheckpoint(head, parts);
}

describe('checkpoint storage format', () => {
  it('packs 32-hex keys into 16 bytes each and splits a large key set into parts within the limit', () => {
    const keys = hexKeys(50_000);
    const records = checkpointRecords('cp', 't|contactStatistic', checkpoint(keys), undefined);
    expect(records.length).toBeGreaterThan(1);
    expect(records.map((r) => r.key)).toEqual(['t|contactStatistic', ...records.slice(1).map((_, i) => checkpointPartKey('t|contactStatistic', i + 1))]);
    for (const record of records) {
      const value = record.value as CheckpointValue;
      expect(value.formatVersion).toBe(CHECKPOINT_FORMAT_VERSION);
      expect(value.parts).toBe(records.length);
      expect((value.keyDigests?.length ?? 0) + (value.keyTimes?.length ?? 0) * 10).toBeLessThanOrEqual(CHECKPOINT_PART_MAX_BYTES);
    }
    const total = records.reduce((n, r) => n + ((r.value as CheckpointValue).keyDigests?.length ?? 0), 0);
    expect(total).toBe(50_000 * 16);
    const decoded = readBack(records, 't|contactStatistic');
    expect(decoded.dropped).toBeNull();
    expect(decoded.checkpoint).toEqual(checkpoint(keys));
  });

  it('keeps keys that are not 32 hex digits, and their order, and negative time steps', () => {
    const keys = [{ key: 'a', time: 5 }, ...hexKeys(3, (i) => 10 - i * 4), { key: 'ünï|code', time: -3 }];
    const decoded = readBack(checkpointRecords('cp', 'k', checkpoint(keys), undefined), 'k');
    expect(decoded.checkpoint.recentKeys).toEqual(keys);
  });

  it('deletes the parts a smaller key set no longer needs', () => {
    const big = checkpoint(hexKeys(30_000));
    const before = checkpointRecords('cp', 'k', big, undefined).length;
    const after = checkpointRecords('cp', 'k', checkpoint(hexKeys(10)), big);
    expect(after.filter((r) => r.value !== null).map((r) => r.key)).toEqual(['k']);
    expect(after.filter((r) => r.value === null).map((r) => r.key)).toEqual(Array.from({ length: before - 1 }, (_, i) => checkpointPartKey('k', i + 1)));
  });

  it('reads the previous (v1) records as the v1 pollers wrote them', () => {
    for (const [index, record] of checkpointsV1.records.entries()) {
      const decoded = decodeCheckpoint(record.value as CheckpointValue, new Map());
      expect(decoded.dropped).toBeNull();
      expect(decoded.checkpoint).toEqual(checkpointsV1.restored[index]?.checkpoint);
    }
  });

  it('keeps only the high mark of a version it does not know, or of a key set it cannot complete, and says why', () => {
    const records = checkpointRecords('cp', 'k', checkpoint(hexKeys(30_000)), undefined);
    const head = records[0]?.value as CheckpointValue;
    const future = decodeCheckpoint({ ...head, formatVersion: CHECKPOINT_FORMAT_VERSION + 1 }, new Map());
    expect(future.checkpoint).toEqual({ ...checkpoint([]), recentKeys: [] });
    expect(future.dropped).toMatch(/format version 3 is unknown to this release/);
    expect(decodeCheckpoint(head, new Map()).dropped).toMatch(/part 1\/\d+ of poll p1 is missing/);
    const stale = new Map(records.slice(1).map((r, i) => [i + 1, { ...(r.value as CheckpointValue), pollId: 'p0' }]));
    expect(decodeCheckpoint(head, stale).dropped).toMatch(/is from poll p0/);
  });

  it('carries a report job in flight and the jobs to delete on part 0 only, and reads them back; other checkpoints have none', () => {
    const job = { id: '65f0c0ffee0000000000abcd', windowStart: 1_000, windowEnd: 3_601_000, submittedAt: 3_700_000, attempt: 2 };
    const withJob: PollerCheckpoint = { ...checkpoint(hexKeys(30_000)), reportJob: job, reportJobsToDelete: ['a1', 'b2'] };
    const records = checkpointRecords('cp', 't|evo-voice/agent-state', withJob, undefined);
    expect(records.length).toBeGreaterThan(1);
    expect(records.map((r) => (r.value as CheckpointValue).reportJob?.id ?? null)).toEqual([job.id, ...records.slice(1).map(() => null)]);
    expect(readBack(records, 't|evo-voice/agent-state').checkpoint).toEqual(withJob);
    const plain = readBack(checkpointRecords('cp', 'k', checkpoint(hexKeys(3)), undefined), 'k').checkpoint;
    expect(plain).toEqual(checkpoint(hexKeys(3)));
    expect('reportJob' in plain).toBe(false);
  });
});

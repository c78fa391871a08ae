/**
 * The one-round-trip read of a tenant's completeness and data revision (src/state/answer-basis-read.ts) answers what a
 * reader without memory answers, while sink instances come, go and are replaced (it fetches the sink records by the
 * ids it saw last), and while the tenant's data is written. On the stack's single Redis and on its Redis Cluster alike.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyMetrics } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { RedisStore } from '../../src/state/redis-client.ts';
import { SinkProgressStore } from '../../src/state/sink-progress-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { StoreKeys } from '../../src/state/store-keys.ts';
import type { QuarterHourRow, SinkProgressRecord } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import { deleteWithPrefix, REDIS_TARGETS } from '../support/redis-targets.ts';

const QH = 900_000;
const T0 = Date.UTC(2025, 0, 6, 8);
const RETENTION = 400_000_000_000;

function row(start: number): QuarterHourRow {
  return {
    tenant: 't1', source: 'sinch-rai', userId: 'u1', userName: 'U One', intervalStart: start, intervalEnd: start + QH, revision: 1, status: 'provisional', final: false,
    ...emptyMetrics(), servingDuration: 100, readyDuration: 100, maxChangeTimestamp: start + 1,
  };
}

describe.each(REDIS_TARGETS)('the answer basis read ($name)', (target) => {
  let redis: RedisStore;
  let prefix: string;
  let keys: StoreKeys;
  let writer: TimelineStoreWriter;
  let reader: TimelineStoreReader;
  let sinks: SinkProgressStore;
  let epoch: string;

  const record = (instanceId: string, upTo: number, fields: Partial<SinkProgressRecord> = {}): SinkProgressRecord => ({
    instanceId, epoch, assigned: ['q|0'], covered: ['q|0'], expectedPartitions: 1, watermarks: { t1: upTo }, coveredAt: T0, updatedAt: Date.now(), ...fields,
  });
  /** What the reader answers, and what a new reader (no sink ids remembered) and the separate revision read answer. */
  const readBoth = async (): Promise<{ basis: unknown; truth: unknown }> => {
    const basis = await reader.readAnswerBasis('t1');
    const fresh = new TimelineStoreReader(redis, keys, { retentionMs: RETENTION });
    return { basis, truth: { completeness: await fresh.getCompleteness('t1'), revision: await fresh.readDataRevision('t1') } };
  };

  beforeAll(async () => {
    redis = await target.connect();
    prefix = `at:test-basis-${randomUUID()}:`;
    keys = storeKeys(prefix);
    writer = new TimelineStoreWriter(redis, keys, RETENTION);
    reader = new TimelineStoreReader(redis, keys, { retentionMs: RETENTION });
    sinks = new SinkProgressStore(redis, keys);
    epoch = await writer.ensureEpoch();
    await writer.apply(epoch, [{ kind: 'quarterHour', row: row(T0) }]);
    await writer.raiseWatermark('t1', 0, T0 + 9 * QH, 1);
  });
  afterAll(async () => {
    await deleteWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('follows the sink instances: added, refreshed, replaced by one with another id, and gone', async () => {
    let { basis, truth } = await readBoth();
    expect(basis).toEqual(truth);
    expect(basis).toMatchObject({ completeness: { upTo: null, incomplete: { reason: 'no-sink' } } });

    await sinks.publish(record('sink-a', T0 + 4 * QH));
    for (const round of ['first', 'again']) {
      ({ basis, truth } = await readBoth());
      expect(basis, round).toEqual(truth);
      expect(basis, round).toMatchObject({ completeness: { upTo: T0 + 4 * QH, incomplete: null, epoch } });
    }

    await sinks.publish(record('sink-a', T0 + 5 * QH));
    expect((await reader.readAnswerBasis('t1')).completeness.upTo, 'a refreshed record').toBe(T0 + 5 * QH);

    // as many instances as before, other ids: the records remembered are not these
    await sinks.remove('sink-a');
    await sinks.publish(record('sink-b', T0 + 6 * QH));
    ({ basis, truth } = await readBoth());
    expect(basis).toEqual(truth);
    expect(basis).toMatchObject({ completeness: { upTo: T0 + 6 * QH, incomplete: null } });

    await sinks.publish(record('sink-c', T0 + 2 * QH));
    ({ basis, truth } = await readBoth());
    expect(basis).toEqual(truth);
    expect(basis, 'the lowest watermark of the two').toMatchObject({ completeness: { upTo: T0 + 2 * QH, incomplete: null } });

    await sinks.remove('sink-b');
    await sinks.remove('sink-c');
    ({ basis, truth } = await readBoth());
    expect(basis).toEqual(truth);
    expect(basis).toMatchObject({ completeness: { incomplete: { reason: 'no-sink' } } });
  });

  it('reads the data revision a write raises, and a lost copy of the tenant\'s epoch as a loss', async () => {
    await sinks.publish(record('sink-a', T0 + 4 * QH));
    const before = await reader.readAnswerBasis('t1');
    await writer.apply(epoch, [{ kind: 'quarterHour', row: row(T0 + QH) }]);
    const after = await reader.readAnswerBasis('t1');
    expect(after.revision).not.toBe(before.revision);
    expect(after.revision).toBe(await reader.readDataRevision('t1'));

    await redis.del(keys.tenantEpoch('t1'));
    const { basis, truth } = await readBoth();
    expect(basis).toEqual(truth);
    expect(basis).toMatchObject({ completeness: { upTo: null, incomplete: { reason: 'rebuilding', detail: expect.stringContaining('tenant t1') as unknown } } });
  });
});

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeys, tenantTag } from '../../src/state/store-keys.ts';
import type { AgentStateRow, QuarterHourRow, SegmentRow } from '../../src/state/store-types.ts';
import { TimelineStoreReader } from '../../src/state/timeline-store-reader.ts';
import { TimelineStoreWriter } from '../../src/state/timeline-store-writer.ts';
import { STORE_FORMAT_VERSION } from '../../src/state/store-format.ts';
import { requireServices } from '../support/services.ts';
import redisV1 from '../fixtures/state-format-v1/redis.json' with { type: 'json' };

type Content = { type: 'hash'; value: Record<string, string> } | { type: 'zset'; value: string[] } | { type: 'set'; value: string[] } | { type: 'string'; value: string };

const writes = redisV1.writes as Array<{ kind: 'quarterHour'; row: QuarterHourRow } | { kind: 'segment'; segment: SegmentRow } | { kind: 'agentState'; state: AgentStateRow }>;
const row = writes.flatMap((w) => (w.kind === 'quarterHour' ? [w.row] : []))[0] as QuarterHourRow;
const segment = writes.flatMap((w) => (w.kind === 'segment' ? [w.segment] : []))[0] as SegmentRow;
const state = writes.flatMap((w) => (w.kind === 'agentState' ? [w.state] : []))[0] as AgentStateRow;

/** A value the v1 writer stored, as this release reads it: Sinch RAI, the only source there was. */
const sinch = <T extends object>(value: T): T => ({ ...value, source: 'sinch-rai' });

/**
 * Writes the fixture's Redis contents (the values as the v1 writer left them) under `prefix`, the v1 key names
 * (`kind:tenant:rest`) moved into today's layout (`kind:{t:tenant}:rest`, store-keys.ts): this test is about values.
 */
async function writeContents(redis: Redis, prefix: string): Promise<void> {
  for (const [name, content] of Object.entries(redisV1.contents as Record<string, Content>)) {
    const [kind, tenant, ...rest] = name.split(':');
    const key = `${prefix}${[kind, tenantTag(tenant ?? ''), ...rest].join(':')}`;
    if (content.type === 'hash') await redis.hset(key, content.value);
    else if (content.type === 'set') await redis.sadd(key, ...content.value);
    else if (content.type === 'zset') for (let i = 0; i < content.value.length; i += 2) await redis.zadd(key, content.value[i + 1] as string, content.value[i] as string);
    else await redis.set(key, content.value);
  }
}

async function readAll(reader: TimelineStoreReader) {
  return {
    rows: await reader.listQuarterHours({ tenant: 'default', from: 0, to: 8.64e15 }),
    timeline: await reader.getTimeline('default', 'U1', 0, 8.64e15),
    states: await reader.getAgentStates('default'),
  };
}

describe('Redis store value format versions', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const fresh = (): string => {
    const prefix = `at:test-${randomUUID()}:`;
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(async () => {
    redis = new Redis((await requireServices()).redis.url, { lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const stale = await redis.keys(`${prefix}*`);
      if (stale.length > 0) await redis.del(...stale);
    }
    await redis.quit();
  });

  it('reads values the previous release wrote (no format version) as they were written, from the Sinch RAI source', async () => {
    const prefix = fresh();
    await writeContents(redis, prefix);
    expect(await readAll(new TimelineStoreReader(redis, storeKeys(prefix)))).toEqual({ rows: [sinch(row)], timeline: [sinch(segment)], states: [sinch(state)] });
  });

  it('writes the current format version into every value, and reads it back without it', async () => {
    const prefix = fresh();
    const keys = storeKeys(prefix);
    const writer = new TimelineStoreWriter(redis, keys, 400_000_000_000);
    await writer.apply(await writer.ensureEpoch(), writes, Date.parse('2025-06-02T07:00:00.000Z'));
    const stored = [await redis.hget(keys.quarterHour('default', 'U1', row.intervalStart), 'row'), await redis.hget(keys.segmentData('default', 'U1'), `S1|${segment.start}`), await redis.hget(keys.agentState('default', 'U1'), 'state')];
    expect(STORE_FORMAT_VERSION).toBe(3);
    for (const json of stored) expect(JSON.parse(json ?? '{}')).toMatchObject({ formatVersion: 3, source: 'sinch-rai' });
    expect(await readAll(new TimelineStoreReader(redis, keys))).toEqual({ rows: [sinch(row)], timeline: [sinch(segment)], states: [sinch(state)] });
  });

  it('refuses a value of a newer, unknown format version with a clear error instead of misreading it', async () => {
    const prefix = fresh();
    await writeContents(redis, prefix);
    const keys = storeKeys(prefix);
    const reader = new TimelineStoreReader(redis, keys);
    const qh = keys.quarterHour('default', 'U1', row.intervalStart);
    await redis.hset(qh, 'row', JSON.stringify({ ...row, servingDuration: { ms: row.servingDuration }, formatVersion: 4 }));
    await expect(reader.listQuarterHours({ tenant: 'default', from: 0, to: 8.64e15 })).rejects.toMatchObject({ code: 'STORE_FORMAT_UNSUPPORTED', message: 'a stored quarterHour has format version 4; this release reads 1..3' });
    await redis.hset(keys.agentState('default', 'U1'), 'state', JSON.stringify({ ...state, formatVersion: 4 }));
    await expect(reader.getAgentStates('default')).rejects.toMatchObject({ code: 'STORE_FORMAT_UNSUPPORTED' });
    await redis.hset(keys.segmentData('default', 'U1'), `S1|${segment.start}`, JSON.stringify({ ...segment, formatVersion: 'x' }));
    await expect(reader.getTimeline('default', 'U1', 0, 8.64e15)).rejects.toMatchObject({ code: 'STORE_FORMAT_UNSUPPORTED' });
  });
});

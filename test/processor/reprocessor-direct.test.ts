/**
 * On the real stack: a re-processor correction keeps the Direct fields. A tenant whose SINCH_TENANTS entry polls
 * `contacts` gets exact Direct values live (a routed direct contact on the raw topic, as the direct-contact router
 * writes it); a row that arrives later than the correction horizon for that window goes to the re-processor, whose
 * correction (batch replay over the raw topic) must carry the same Direct values, not 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPROCESS_REVISION_BASE } from '../../src/config/config.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { sinchDirectContactRoute } from '../../src/vendors/sinch/direct-contact-route.ts';
import { requireServices } from '../support/services.ts';
import type { RawRecord } from './support/raw-history.ts';
import { createTestPipeline, produceRaw, publishWatermark, readQuarterHours, SOURCE, TENANT, waitFor, watermarkApplied } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY0 = Date.UTC(2024, 0, 10);
const T0 = DAY0 + 8 * HOUR;
const iso = (ms: number): string => new Date(ms).toISOString();
const USER = 'u-direct';

function row(t: number, kind: 'userStatus' | 'status', value: string): RawRecord {
  const base: RawRecord = { sessionId: 's-direct', userId: USER, userName: 'Agent Direct', changeTimestamp: iso(t + 100) };
  return kind === 'userStatus' ? { ...base, userStatus: value, userStatusTimestamp: iso(t) } : { ...base, status: value, statusTimestamp: iso(t) };
}

// 08:10:00–08:22:00 a direct inbound call (split at 08:15), 08:23–08:24 a queued one
const history: RawRecord[] = [
  row(T0, 'userStatus', 'Ready'), row(T0, 'status', 'Waiting'),
  row(T0 + 10 * MIN, 'status', 'Talking_Inbound'), row(T0 + 22 * MIN, 'status', 'Wrap'), row(T0 + 22 * MIN + 30_000, 'status', 'Waiting'),
  row(T0 + 23 * MIN, 'status', 'Talking_Inbound'), row(T0 + 24 * MIN, 'status', 'Waiting'),
  row(T0 + 40 * MIN, 'userStatus', 'LoggedOut'),
];

function directContactValue(): Record<string, unknown> {
  const routed = sinchDirectContactRoute({
    endpoint: 'contactHistory', contactId: 'c-direct', type: 'CallIn', userId: USER, userName: 'Agent Direct', countOfHandledContacts: 1,
    handlingDurationUser: 12 * MIN, afterworkDuration: 30_000, maxChangeTimestamp: iso(T0 + 22 * MIN + 32_000),
    tenant: TENANT, source: SOURCE, pollId: 'poll-contacts', receivedAt: 0,
  });
  if (routed === null || 'problem' in routed) throw new Error('not routed');
  return routed.value;
}

const DIRECT_FIELDS = ['callInDirectDuration', 'countOfHandledCallInDirect', 'callOutDirectDuration', 'countOfHandledCallOutDirect'] as const;

describe('re-processor: a correction keeps the Direct fields', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;

  beforeAll(async () => {
    const tenants = [{ id: TENANT, baseUrl: 'http://127.0.0.1:9', credentials: { username: 'u', password: 'p' }, endpoints: ['agentStatusHistory', 'contacts'] }];
    pipeline = await createTestPipeline(await requireServices(), { REPROCESS_LEAD_IN_MS: String(6 * HOUR), SINCH_TENANTS: JSON.stringify(tenants) });
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
  });
  afterAll(async () => {
    await instance?.stop();
    await pipeline?.close();
  });

  it('live Direct values are exact, and the correction of a late row keeps them', { timeout: 180_000 }, async () => {
    await produceRaw(pipeline, history);
    await pipeline.producer.send({ topic: pipeline.topics.raw, acks: -1, messages: [{ key: USER, value: await pipeline.serde.encode(pipeline.topics.raw, directContactValue()) }] });
    const live = DAY0 + 13 * HOUR;
    await publishWatermark(pipeline, live);
    expect(await waitFor(() => watermarkApplied(pipeline, live), 60_000)).toBe(true);
    const keyA = `${USER}|${T0}`;
    const keyB = `${USER}|${T0 + 15 * MIN}`;
    expect(await waitFor(async () => (await readQuarterHours(pipeline)).latest.get(keyB)?.final === true, 60_000)).toBe(true);
    const before = (await readQuarterHours(pipeline)).latest;
    const directOf = (r: Record<string, unknown> | undefined): unknown[] => DIRECT_FIELDS.map((f) => r?.[f]);
    expect(directOf(before.get(keyA) as unknown as Record<string, unknown>)).toEqual([5 * MIN, 0, 0, 0]);
    expect(directOf(before.get(keyB) as unknown as Record<string, unknown>)).toEqual([7 * MIN, 1, 0, 0]);
    expect(before.get(keyB)).toMatchObject({ callInDuration: 8 * MIN, countOfHandledCallIn: 2 });

    // later than the horizon: a 1-min Pause in each window of the direct call goes to the re-processor
    const later = DAY0 + 20 * HOUR;
    await publishWatermark(pipeline, later);
    expect(await waitFor(() => watermarkApplied(pipeline, later), 60_000)).toBe(true);
    await produceRaw(pipeline, [row(T0 + 12 * MIN, 'userStatus', 'Pause'), row(T0 + 13 * MIN, 'userStatus', 'Ready'), row(T0 + 20 * MIN, 'userStatus', 'Pause'), row(T0 + 21 * MIN, 'userStatus', 'Ready')]);
    const corrected = async (): Promise<boolean> => {
      const latest = (await readQuarterHours(pipeline)).latest;
      return [keyA, keyB].every((key) => (latest.get(key)?.revision ?? 0) > REPROCESS_REVISION_BASE);
    };
    expect(await waitFor(corrected, 120_000, 1_000), 'both windows corrected by the re-processor').toBe(true);
    const after = (await readQuarterHours(pipeline)).latest;
    expect(after.get(keyA)).toMatchObject({ status: 'correction', pauseDuration: MIN, callInDuration: 5 * MIN });
    expect(after.get(keyB)).toMatchObject({ status: 'correction', pauseDuration: MIN, callInDuration: 8 * MIN, countOfHandledCallIn: 2 });
    expect(directOf(after.get(keyA) as unknown as Record<string, unknown>)).toEqual([5 * MIN, 0, 0, 0]);
    expect(directOf(after.get(keyB) as unknown as Record<string, unknown>)).toEqual([7 * MIN, 1, 0, 0]);
    expect(instance.processor.metrics.total('records_dead_lettered')).toBe(0);
  });
});

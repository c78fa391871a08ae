import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { buildServer } from '../../src/http/server.ts';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { BillingStore } from '../../src/state/billing-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { physicalTopicName } from '../../src/topology/load-topology.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, waitFor } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

const TENANT = 'evo-acme';
const DAY0 = Date.UTC(2026, 10, 27);
const DAY = 86_400_000;

interface Billing {
  readonly date: string;
  readonly customerName: string;
  readonly service: string;
  readonly quantity: number;
  readonly amount: number;
  readonly reportId: string;
  readonly receivedAt: number;
  readonly accountId?: string;
}

/** The poller's Avro value of one billing workbook row (schemas/evo-voice-billing.avsc). */
function billingValue(row: Billing, sheetRow: number): Record<string, unknown> {
  const windowStart = Date.parse(`${row.date}T00:00:00Z`);
  return {
    date: row.date, accountName: 'Demo Account', customerName: row.customerName, customerId: `id-${row.customerName}`, service: row.service, description: null,
    quantity: row.quantity, unit: 'minute', unitPrice: 0.01, amount: row.amount, reportId: row.reportId, accountId: row.accountId ?? 'acct-1', includeCustomerIds: true,
    windowStart, windowEnd: windowStart + DAY, sheetRow, tenant: TENANT, source: 'evo-voice/billing', pollId: `poll-${row.reportId}`, receivedAt: row.receivedAt,
  };
}

const rows = (list: readonly Billing[]) => list.map((r) => ({ date: r.date, customerName: r.customerName, service: r.service, quantity: r.quantity, amount: r.amount, reportId: r.reportId }));

/**
 * The billing sink on the real stack: raw.evovoice.billing rows in, the same rows out of Redis and GET /billing. A
 * re-run report of a day replaces its rows (the newest download wins, even when an older one is published after it),
 * a value that is not a billing row is dead-lettered, and after Redis lost its data the rows come back from the topic.
 */
describe('Evo Voice billing sink', () => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;
  let topic: string;
  let store: BillingStore;

  const publish = async (list: readonly Billing[]): Promise<void> => {
    const messages = await Promise.all(list.map(async (r, i) => ({ key: `${r.accountId ?? 'acct-1'}|${r.date}`, value: await pipeline.serde.encode(topic, billingValue(r, i + 2)) })));
    await pipeline.producer.send({ topic, acks: -1, messages });
  };
  const api = () =>
    buildServer({ reader: {} as TimelineReader, billing: store, clock: Date.now, probes: [], registry: new Registry(), logger: createLogger('silent'), tenant: TENANT, allowedLatenessMs: 0, collectDefaultMetrics: false });
  const served = async (query: string): Promise<unknown> => {
    const app = api();
    try {
      const response = await app.inject(`/billing?${query}`);
      return response.statusCode === 200 ? (response.json() as { rows: unknown[] }).rows : response.body;
    } finally {
      await app.close();
    }
  };

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices(), { PROCESSOR_SOURCES: 'evo-voice' });
    topic = physicalTopicName(pipeline.config.topicPrefix, 'raw.evovoice.billing');
    store = new BillingStore(pipeline.redis, storeKeys(pipeline.config.redis.keyPrefix), pipeline.config.redis.retentionMs);
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'evo-voice'), createLogger('warn'));
  });
  afterAll(async () => {
    await instance?.stop();
    await pipeline?.close();
  });

  it('stores the rows as they are, newest download per day, customer and service; dead-letters what is not a row; survives a Redis loss', async () => {
    const day = (n: number) => new Date(DAY0 + n * DAY).toISOString().slice(0, 10);
    const first: Billing[] = [
      { date: day(0), customerName: 'Acme', service: 'Call Minutes', quantity: 100, amount: 1, reportId: 'r1', receivedAt: 1_000 },
      { date: day(0), customerName: 'Acme', service: 'SMS', quantity: 5, amount: 0.05, reportId: 'r1', receivedAt: 1_000 },
      { date: day(0), customerName: 'Beta', service: 'Call Minutes', quantity: 7, amount: 0.07, reportId: 'r1', receivedAt: 1_000 },
      { date: day(1), customerName: 'Acme', service: 'Call Minutes', quantity: 200, amount: 2, reportId: 'r2', receivedAt: 2_000 },
      { date: day(1), customerName: 'Acme', service: 'Call Minutes', quantity: 1, amount: 1, reportId: 'r-other', receivedAt: 2_000, accountId: 'acct-2' },
    ];
    const rerun: Billing = { date: day(1), customerName: 'Acme', service: 'Call Minutes', quantity: 210, amount: 2.1, reportId: 'r3', receivedAt: 3_000 };
    const stale: Billing = { date: day(1), customerName: 'Acme', service: 'Call Minutes', quantity: 1, amount: 0.01, reportId: 'r0', receivedAt: 500 };
    await publish(first);
    await publish([rerun]);
    await publish([stale, ...first]);
    const bad = await pipeline.serde.encode(topic, { ...billingValue(first[0]!, 9), date: '27.11.2026' });
    await pipeline.producer.send({ topic, acks: -1, messages: [{ key: 'acct-1|bad', value: bad }, { key: 'acct-1|junk', value: Buffer.from('not avro') }] });

    const expected = rows([first[0]!, first[1]!, first[2]!, rerun]);
    const query = `accountId=acct-1&startDate=${day(0)}&endDate=${day(3)}`;
    expect(await waitFor(async () => JSON.stringify(rows((await served(query)) as Billing[])) === JSON.stringify(expected), 30_000), 'GET /billing answers the newest rows').toBe(true);
    expect(await served(`accountId=acct-1&startDate=${day(1)}&endDate=${day(2)}&includeCustomerIds=true`)).toEqual([
      { date: day(1), accountName: 'Demo Account', customerName: 'Acme', customerId: 'id-Acme', service: 'Call Minutes', description: null, quantity: 210, unit: 'minute', unitPrice: 0.01, amount: 2.1, reportId: 'r3' },
    ]);
    expect(rows((await served(`accountId=acct-2&startDate=${day(0)}&endDate=${day(3)}`)) as Billing[])).toEqual(rows([first[4]!]));
    expect(await served(`accountId=acct-1&startDate=${day(0)}&endDate=${day(0)}`)).toBe(`Invalid endDate: '${day(0)}' must be after startDate (endDate is exclusive)`);

    const deadLetters: string[] = [];
    expect(await waitFor(async () => {
      deadLetters.length = 0;
      await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async (message) => {
        const value = await pipeline.serde.decode<{ sourceTopic: string; reason: string }>(message.value!);
        if (value.sourceTopic === topic) deadLetters.push(value.reason);
      });
      return deadLetters.length === 2;
    }, 30_000), 'both bad records are dead-lettered').toBe(true);
    expect(deadLetters.sort()).toEqual(['not a billing row: invalid date "27.11.2026" (expected YYYY-MM-DD)', expect.stringMatching(/^not a billing row: /)]);

    const keys = storeKeys(pipeline.config.redis.keyPrefix);
    const billingKeys = await pipeline.redis.keys(`${pipeline.config.redis.keyPrefix}billing:*`);
    expect(billingKeys.length).toBe(3);
    await pipeline.redis.del(keys.epoch, ...billingKeys);
    expect(await served(query)).toEqual([]);
    expect(await waitFor(async () => JSON.stringify(rows((await served(query)) as Billing[])) === JSON.stringify(expected), 30_000), 'the rows are back after the loss').toBe(true);
    expect(instance.processor.metrics.total('redis_rebuilds', { topic })).toBeGreaterThan(0);
  });
});

import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { LiveAgentStore } from '../../src/state/live-agent-store.ts';
import type { LiveAgentData } from '../../src/state/live-agent-store.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import { physicalTopicName } from '../../src/topology/load-topology.ts';
import { requireRedisCluster } from '../support/redis-targets.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, waitFor } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

const TENANT = 'sinch-live';
const T = Date.parse('2026-11-30T09:00:00.000Z');
const U1 = 'AC083B34470B4164A6A5968DD031B5E5';
const U2 = '30BAC5C8C39A4CA5A5B1C5509EE4F12B';
const iso = (ms: number) => new Date(ms).toISOString();

/** A raw.sinch.agent-status value (schemas/sinch-agent-status.avsc) as the poller publishes it. */
function snapshot(userId: string, snapshotAt: number, group: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId, userName: `Agent ${userId.slice(0, 4)}`, reportingGroupId: group, reportingGroupName: `Group ${group.slice(0, 4)}`, profile: 'Office', profileReason: 'NONE', profileType: 'Presence',
    profileDuration: 60_000, userStatus: 'Ready', userStatusDuration: 60_000, availability: 'Free', contactHandlingStatus: 'Waiting', contactHandlingStatusDuration: 1_000,
    number: '201', email: 'a@example.com', chatCapacity: 2, location: 'Espoo', changeTimestamp: iso(snapshotAt - 1_000),
    snapshotAt, tenant: TENANT, source: 'sinch-rai/agentStatus', pollId: `poll-${snapshotAt}`, receivedAt: snapshotAt, ...over,
  };
}

/** A raw.sinch.contacts value (schemas/sinch-contact.avsc) of contactStatistic. */
function contact(contactId: string, userId: string | null, type: string, changedAt: number, state: 'queuing' | 'active' | 'completed', over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    endpoint: 'contactStatistic', contactId, channel: type.startsWith('Call') ? 'Phone' : type.startsWith('Chat') ? 'Chat' : 'Email', type, userId, userName: null,
    countOfCompletedContacts: state === 'completed' ? 1 : 0, countOfHandledContacts: state === 'queuing' ? 0 : 1, maxChangeTimestamp: iso(changedAt),
    tenant: TENANT, source: 'sinch-rai/contactStatistic', pollId: `poll-${changedAt}`, receivedAt: changedAt, ...over,
  };
}

const summary = (data: LiveAgentData) => ({
  groups: Object.fromEntries([...data.snapshots].map(([userId, s]) => [userId, [s.reportingGroupId, s.snapshotAt, s.info.chatCapacity]])),
  active: Object.fromEntries([...data.activeContacts].map(([userId, list]) => [userId, list.map((c) => `${c.contactId}:${c.channel}${c.direction}@${c.since - T}`).sort()])),
  feeds: data.feeds,
});

const G1 = '2F7A2AA969744BA7A8544C79ACD0DCD0';
const G2 = '88D28FCD5367489381DE66700E0F44B6';

const EXPECTED = {
  groups: { [U1]: [G2, T + 20_000, 2], [U2]: [G1, T + 10_000, 2] },
  active: { [U1]: ['C1:phoneInbound@1000', 'C2:chatInbound@5000'] },
  feeds: { contacts: T + 30_000, snapshots: T + 20_000 },
};

/**
 * The live agent sink on the real stack (single Redis and Redis Cluster): agentStatus snapshots and contact records in,
 * each agent's newest snapshot and the contacts agents are connected to out of Redis, whatever the order and however
 * often records arrive; records that are not snapshots or contacts are dead-lettered; after a Redis loss the topics
 * rebuild the view.
 */
describe.each([['single Redis', false], ['Redis Cluster', true]] as const)('live agent sink (%s)', (_name, cluster) => {
  let pipeline: TestPipeline;
  let instance: ProcessorInstance;
  let store: LiveAgentStore;
  let snapshotTopic: string;
  let contactTopic: string;

  const publish = async (topic: string, values: readonly Record<string, unknown>[], key: (value: Record<string, unknown>) => string): Promise<void> => {
    const messages = await Promise.all(values.map(async (value) => ({ key: key(value), value: await pipeline.serde.encode(topic, value) })));
    await pipeline.producer.send({ topic, acks: -1, messages });
  };
  const snapshots = (values: readonly Record<string, unknown>[]) => publish(snapshotTopic, values, (v) => String(v['userId']));
  const contacts = (values: readonly Record<string, unknown>[]) => publish(contactTopic, values, (v) => String(v['contactId']));

  beforeAll(async () => {
    const services = await requireServices();
    pipeline = await createTestPipeline(services, cluster ? { REDIS_CLUSTER_NODES: await requireRedisCluster() } : {});
    snapshotTopic = physicalTopicName(pipeline.config.topicPrefix, 'raw.sinch.agent-status');
    contactTopic = physicalTopicName(pipeline.config.topicPrefix, 'raw.sinch.contacts');
    store = new LiveAgentStore(pipeline.redis, storeKeys(pipeline.config.redis.keyPrefix), pipeline.config.redis.retentionMs);
    instance = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
  }, 60_000);
  afterAll(async () => {
    await instance?.stop();
    await pipeline?.close();
  });

  it('keeps the newest snapshot per agent and the active contacts, idempotently; dead-letters the rest; survives a Redis loss', async () => {
    const newest = [snapshot(U1, T + 20_000, G2), snapshot(U2, T + 10_000, G1)];
    const older = [snapshot(U1, T + 10_000, G1, { chatCapacity: 9 })];
    const history = [
      contact('C1', null, 'CallIn', T, 'queuing'), contact('C1', U1, 'CallIn', T + 1_000, 'active'),
      contact('C2', U1, 'ChatIn', T + 5_000, 'active'),
      contact('C3', U2, 'CallOut', T + 2_000, 'active'), contact('C3', U2, 'CallOut', T + 30_000, 'completed'),
      contact('C4', U2, 'EmailIn', T + 3_000, 'active'), contact('C4', U2, 'EmailIn', T + 3_000, 'completed', { endpoint: 'contactHistory' }),
    ];
    await snapshots(newest);
    await snapshots(older);
    await contacts(history);
    // a replay, out of order: the older versions come again after the newer ones, and change nothing
    await contacts([...history].reverse());
    await snapshots([...newest, ...older]);
    await snapshots([snapshot('', T, G1)]);
    await contacts([contact('C9', U1, 'Fax', T, 'active')]);
    await pipeline.producer.send({ topic: contactTopic, acks: -1, messages: [{ key: 'junk', value: Buffer.from('not avro') }] });

    let got: ReturnType<typeof summary> | undefined;
    const settled = await waitFor(async () => {
      got = summary(await store.read(TENANT));
      return isDeepStrictEqual(got, EXPECTED);
    }, 30_000);
    expect(got).toEqual(EXPECTED);
    expect(settled).toBe(true);
    expect(summary(await store.read(TENANT, [U2]))).toEqual({ groups: { [U2]: EXPECTED.groups[U2] }, active: {}, feeds: EXPECTED.feeds });

    const reasons: string[] = [];
    expect(await waitFor(async () => {
      reasons.length = 0;
      await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async (message) => {
        const value = await pipeline.serde.decode<{ sourceTopic: string; reason: string }>(message.value!);
        if (value.sourceTopic === snapshotTopic || value.sourceTopic === contactTopic) reasons.push(value.reason);
      });
      return reasons.length === 3;
    }, 30_000), 'the three bad records are dead-lettered').toBe(true);
    expect(reasons.sort()).toEqual(['not a live agent record: missing userId', 'not a live agent record: not Confluent wire format: magic byte 110', 'not a live agent record: unknown contact type "Fax"']);
    expect(instance.processor.metrics.total('records_dead_lettered', { errorCode: 'RECORD_INVALID' })).toBe(3);

    const keys = storeKeys(pipeline.config.redis.keyPrefix);
    await pipeline.redis.del(keys.epoch);
    await pipeline.redis.del(keys.agentSnapshots(TENANT), keys.activeContacts(TENANT), keys.liveFeeds(TENANT));
    for (const id of ['C1', 'C2', 'C3', 'C4']) await pipeline.redis.del(keys.liveContact(TENANT, id));
    expect(summary(await store.read(TENANT)).feeds).toEqual({ contacts: null, snapshots: null });
    expect(await waitFor(async () => isDeepStrictEqual(summary(await store.read(TENANT)), EXPECTED), 30_000), 'rebuilt from the topics').toBe(true);
    expect(instance.processor.metrics.total('redis_rebuilds', { topic: contactTopic })).toBeGreaterThan(0);
  }, 120_000);
});

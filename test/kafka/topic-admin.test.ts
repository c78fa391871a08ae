import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { ConfigResourceTypes } from 'kafkajs';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { ensureTopics } from '../../src/kafka/topic-admin.ts';
import { loadTopology } from '../../src/topology/load-topology.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';

describe('ensureTopics on a real broker', () => {
  let admin: Admin;
  beforeAll(async () => {
    const config = await requireServices();
    admin = createKafka(config, createLogger('warn')).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('creates every declared topic once, then reports them unchanged', async () => {
    const topology = await loadTopology();
    const prefix = `test-${randomUUID()}.`;
    const first = await ensureTopics(admin, topology, prefix);
    expect(first.map((c) => c.action)).toEqual(topology.topics.map(() => 'created'));
    const second = await ensureTopics(admin, topology, prefix);
    expect(second.map((c) => c.action)).toEqual(topology.topics.map(() => 'unchanged'));

    const compacted = `${prefix}out.agent-state`;
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: compacted, configNames: ['cleanup.policy'] }] });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('compact');

    const changelog = `${prefix}state.timeline-processor-changelog`;
    const names = ['max.message.bytes', 'segment.ms', 'min.cleanable.dirty.ratio'];
    const limits = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: changelog, configNames: names }] });
    const values = Object.fromEntries((limits.resources[0]?.configEntries ?? []).map((c) => [c.configName, c.configValue]));
    expect(values).toEqual({ 'max.message.bytes': '1048576', 'segment.ms': '3600000', 'min.cleanable.dirty.ratio': '0.1' });
  });

  it('raises partitions and realigns configs that drifted', async () => {
    const prefix = `test-${randomUUID()}.`;
    const topology = { name: 't', topics: [{ name: 'a', partitions: 1, key: 'k', valueSchema: 'dead-letter', cleanupPolicy: 'delete' as const, retentionMs: 60_000 }], processors: [] };
    await ensureTopics(admin, topology, prefix);
    const grown = { ...topology, topics: [{ ...topology.topics[0]!, partitions: 3, retentionMs: 120_000, maxMessageBytes: 2_097_152 }] };
    const changes = await ensureTopics(admin, grown, prefix);
    expect(changes.map((c) => c.action).sort()).toEqual(['configs-updated', 'partitions-increased']);
    expect(changes.find((c) => c.action === 'configs-updated')?.detail).toBe('retention.ms=120000, max.message.bytes=2097152');
    const metadata = await admin.fetchTopicMetadata({ topics: [`${prefix}a`] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });
});

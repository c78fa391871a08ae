import kafkajs from 'kafkajs';
import type { Admin, ITopicConfig } from 'kafkajs';
import type { Topology, TopicSpec } from '../topology/topology-schema.ts';
import { physicalTopicName } from '../topology/load-topology.ts';
import { retryUnknownTopic } from './retry-unknown-topic.ts';

/** kafkajs is CommonJS; Node's named-export detection misses ConfigResourceTypes, so read it off the default export. */
const { ConfigResourceTypes } = kafkajs;

export interface TopicChange {
  readonly topic: string;
  readonly action: 'created' | 'partitions-increased' | 'configs-updated' | 'unchanged';
  readonly detail?: string;
}

/** The topic configs the topology declares (and that {@link ensureTopics} keeps aligned). */
const MANAGED_CONFIGS = ['cleanup.policy', 'retention.ms', 'max.message.bytes', 'segment.ms', 'min.cleanable.dirty.ratio'];

function desiredConfigs(spec: TopicSpec): Record<string, string> {
  return {
    'cleanup.policy': spec.cleanupPolicy,
    'retention.ms': String(spec.retentionMs),
    ...(spec.maxMessageBytes === undefined ? {} : { 'max.message.bytes': String(spec.maxMessageBytes) }),
    ...(spec.segmentMs === undefined ? {} : { 'segment.ms': String(spec.segmentMs) }),
    ...(spec.minCleanableDirtyRatio === undefined ? {} : { 'min.cleanable.dirty.ratio': String(spec.minCleanableDirtyRatio) }),
  };
}

/** Waits until every partition of `topics` has a leader; KRaft may briefly answer UNKNOWN_TOPIC_OR_PARTITION. */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metadata = await retryUnknownTopic(() => admin.fetchTopicMetadata({ topics: [...topics] }));
    const ready = metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topics have no leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Makes the broker match the topology, idempotently: creates missing topics, raises partition counts, and aligns
 * cleanup.policy, retention.ms and the optional max.message.bytes, segment.ms and min.cleanable.dirty.ratio. Never deletes a topic or lowers partitions (Kafka cannot); a topic with more
 * partitions than declared is reported and left alone. Safe to call at every start-up.
 */
export async function ensureTopics(admin: Admin, topology: Topology, prefix: string, replicationFactor = 1): Promise<TopicChange[]> {
  const existing = new Set(await admin.listTopics());
  const specs = topology.topics.map((spec) => ({ spec, topic: physicalTopicName(prefix, spec.name) }));
  const missing = specs.filter(({ topic }) => !existing.has(topic));
  const changes: TopicChange[] = [];
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map(({ spec, topic }) => ({
      topic,
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: Object.entries(desiredConfigs(spec)).map(([name, value]) => ({ name, value })),
    }));
    await admin.createTopics({ topics, waitForLeaders: false });
    await waitForLeaders(admin, topics.map((t) => t.topic));
    for (const { topic } of missing) changes.push({ topic, action: 'created' });
  }
  const present = specs.filter(({ topic }) => existing.has(topic));
  if (present.length === 0) return changes;
  const metadata = await retryUnknownTopic(() => admin.fetchTopicMetadata({ topics: present.map(({ topic }) => topic) }));
  const described = await retryUnknownTopic(() =>
    admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map(({ topic }) => ({ type: ConfigResourceTypes.TOPIC, name: topic, configNames: MANAGED_CONFIGS })),
    }),
  );
  for (const { spec, topic } of present) {
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
    if (partitions < spec.partitions) {
      await retryUnknownTopic(() => admin.createPartitions({ topicPartitions: [{ topic, count: spec.partitions }] }));
      changes.push({ topic, action: 'partitions-increased', detail: `${partitions} → ${spec.partitions}` });
    }
    const current = described.resources.find((r) => r.resourceName === topic)?.configEntries ?? [];
    const wanted = desiredConfigs(spec);
    const differing = Object.entries(wanted).filter(([name, value]) => current.find((c) => c.configName === name)?.configValue !== value);
    if (differing.length > 0) {
      await retryUnknownTopic(() =>
        admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(wanted).map(([name, value]) => ({ name, value })) }],
        }),
      );
      changes.push({ topic, action: 'configs-updated', detail: differing.map(([n, v]) => `${n}=${v}`).join(', ') });
    }
    if (partitions >= spec.partitions && differing.length === 0) {
      changes.push({ topic, action: 'unchanged', ...(partitions > spec.partitions ? { detail: `has ${partitions} partitions, declared ${spec.partitions}` } : {}) });
    }
  }
  return changes;
}

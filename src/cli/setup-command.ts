import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { ensureTopics } from '../kafka/topic-admin.ts';
import type { TopicChange } from '../kafka/topic-admin.ts';
import { registerTopologySchemas } from '../kafka/schema-registrar.ts';
import type { RegisteredSubject } from '../kafka/schema-registrar.ts';
import { loadTopology } from '../topology/load-topology.ts';

export interface SetupResult {
  readonly topics: readonly TopicChange[];
  readonly subjects: readonly RegisteredSubject[];
}

/** Creates or updates the declared topics and registers their value schemas. Idempotent. */
export async function setupTopology(config: Config, logger: Logger): Promise<SetupResult> {
  const topology = await loadTopology();
  const admin = createKafka(config, logger, '-setup').admin();
  await admin.connect();
  try {
    const topics = await ensureTopics(admin, topology, config.topicPrefix);
    const subjects = await registerTopologySchemas(config.schemaRegistry, topology, config.topicPrefix);
    return { topics, subjects };
  } finally {
    await admin.disconnect();
  }
}

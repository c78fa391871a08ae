import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config, SinchTenant } from '../config/config.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { physicalTopicName, readValueSchema } from '../topology/load-topology.ts';
import type { AvroField } from './avro-conform.ts';
import type { PollerCheckpoint } from './checkpoint.ts';
import { restoreCheckpoints } from './checkpoint-store.ts';
import type { Clock } from './clock.ts';
import type { EndpointSpec } from './endpoint-specs.ts';
import type { PollerMetrics } from './metrics.ts';
import type { PollerContext } from './poller-context.ts';
import { RaiClient } from './rai-client.ts';
import { TokenBucket } from './token-bucket.ts';
import { TransactionalPublisher } from './transactional-publisher.ts';

/** Process-wide dependencies of the pollers. */
export interface PollerRuntime {
  readonly config: Config;
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: PollerMetrics;
  readonly random?: () => number;
}

/** The vendor client of one tenant; every endpoint of the tenant shares its token bucket. */
export function createTenantClient(runtime: PollerRuntime, tenant: SinchTenant): RaiClient {
  return new RaiClient({
    tenant: tenant.id,
    baseUrl: tenant.baseUrl,
    credentials: tenant.credentials,
    requestTimeoutMs: tenant.requestTimeoutMs,
    maxAttempts: tenant.maxAttempts,
    backoff: { baseMs: tenant.backoffBaseMs, maxMs: tenant.backoffMaxMs },
    limiter: new TokenBucket(runtime.clock, tenant.rateLimitPerSecond, tenant.rateLimitBurst),
    clock: runtime.clock,
    metrics: runtime.metrics,
    logger: runtime.logger,
    ...(runtime.random === undefined ? {} : { random: runtime.random }),
  });
}

/** The transactional id of one poller: unique per topic prefix, tenant and endpoint, so a restart fences its predecessor. */
export function transactionalIdFor(config: Config, tenant: string, name: string): string {
  return `${config.topicPrefix}poller.${tenant}.${name}`;
}

export interface OpenedPoller {
  readonly ctx: PollerContext;
  readonly restored: PollerCheckpoint | undefined;
}

/**
 * Connects the poller's transactional publisher (fencing a previous instance) and then restores its checkpoint,
 * in that order, so no transaction of the predecessor can commit after the restore. The caller disconnects
 * `ctx.publisher` when done.
 */
export async function openPoller(runtime: PollerRuntime, tenant: SinchTenant, client: RaiClient, spec: EndpointSpec, name: string, checkpointKey: string): Promise<OpenedPoller> {
  const { config } = runtime;
  const fields = (JSON.parse(await readValueSchema(spec.schema)) as { fields: AvroField[] }).fields;
  const publisher = await TransactionalPublisher.connect(runtime.kafka, runtime.serde, transactionalIdFor(config, tenant.id, name));
  const topics = {
    raw: physicalTopicName(config.topicPrefix, spec.topic),
    watermarks: physicalTopicName(config.topicPrefix, 'control.poll-watermarks'),
    checkpoints: physicalTopicName(config.topicPrefix, 'control.poller-checkpoints'),
    deadLetter: physicalTopicName(config.topicPrefix, 'ops.dead-letter'),
  };
  try {
    const restored = (await restoreCheckpoints(runtime.kafka, runtime.serde, topics.checkpoints, [checkpointKey])).get(checkpointKey);
    const ctx: PollerContext = { tenant: tenant.id, client, publisher, clock: runtime.clock, metrics: runtime.metrics, logger: runtime.logger, topics, fields, pageSize: tenant.pageSize };
    return { ctx, restored };
  } catch (error) {
    await publisher.disconnect();
    throw error;
  }
}

import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { physicalTopicName, readValueSchema } from '../topology/load-topology.ts';
import type { AvroField } from './avro-conform.ts';
import type { PollerCheckpoint } from './checkpoint.ts';
import { assertCheckpointSchema, restoreCheckpoints } from './checkpoint-store.ts';
import type { Clock } from './clock.ts';
import type { EndpointSpec } from './endpoint-spec.ts';
import type { PollerMetrics } from './metrics.ts';
import type { PollerContext, PollerTopics } from './poller-context.ts';
import type { RangeSource } from './range-source.ts';
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

/** The transactional id of one poller: unique per topic prefix, tenant and endpoint, so a restart fences its predecessor. */
export function transactionalIdFor(config: Config, tenant: string, name: string): string {
  return `${config.topicPrefix}poller.${tenant}.${name}`;
}

/** The tenant settings a poller needs, whatever its vendor. */
export interface PollerTenant {
  readonly id: string;
  readonly pageSize: number;
}

export interface OpenedPoller {
  readonly ctx: PollerContext;
  readonly restored: PollerCheckpoint | undefined;
}

/** One poller to open: its tenant, client, endpoint, name (for the transactional id) and checkpoint key. */
export interface PollerRequest {
  readonly tenant: PollerTenant;
  readonly client: RangeSource;
  readonly spec: EndpointSpec;
  readonly name: string;
  readonly checkpointKey: string;
}

/** One transactional publisher with a checkpoint to open: whose, under which name and key, writing which raw topic. */
export interface PublisherRequest {
  readonly tenantId: string;
  /** Part of the transactional id (unique per tenant). */
  readonly name: string;
  readonly checkpointKey: string;
  /** The endpoint label of its metrics. */
  readonly endpoint: string;
  /** Logical raw topic and its Avro schema (schemas/<schema>.avsc). */
  readonly topic: string;
  readonly schema: string;
}

export interface OpenedPublisher {
  readonly publisher: TransactionalPublisher;
  readonly restored: PollerCheckpoint | undefined;
  readonly topics: PollerTopics;
  /** Fields of the raw topic's Avro schema. */
  readonly fields: readonly AvroField[];
}

/**
 * Connects the transactional publishers (fencing previous instances) and then restores all their checkpoints in ONE
 * read of the checkpoint topic, in that order, so no transaction of a predecessor can commit after the restore.
 * `checkCheckpointSchema` may assert more of the registered checkpoint schema (fields a poller cannot do without).
 * The caller disconnects each publisher when done.
 */
export async function openCheckpointedPublishers(
  runtime: PollerRuntime,
  requests: readonly PublisherRequest[],
  checkCheckpointSchema: (serde: AvroSerde, topic: string) => Promise<void> = assertCheckpointSchema,
): Promise<OpenedPublisher[]> {
  const { config } = runtime;
  const checkpoints = physicalTopicName(config.topicPrefix, 'control.poller-checkpoints');
  const publishers: TransactionalPublisher[] = [];
  try {
    await checkCheckpointSchema(runtime.serde, checkpoints);
    for (const request of requests) publishers.push(await TransactionalPublisher.connect(runtime.kafka, runtime.serde, transactionalIdFor(config, request.tenantId, request.name)));
    const restored = await restoreCheckpoints(runtime.kafka, runtime.serde, checkpoints, requests.map((r) => r.checkpointKey), (key, reason) => {
      const request = requests.find((r) => r.checkpointKey === key);
      runtime.metrics.inc('checkpoint_keys_dropped', { tenant: request?.tenantId ?? '', endpoint: request?.endpoint ?? '' });
      runtime.logger.error({ checkpoint: key, reason }, 'checkpoint keys could not be read; resuming from its high mark without them (the overlap may be republished)');
    });
    const opened: OpenedPublisher[] = [];
    for (const [index, request] of requests.entries()) {
      const fields = (JSON.parse(await readValueSchema(request.schema)) as { fields: AvroField[] }).fields;
      const topics: PollerTopics = {
        raw: physicalTopicName(config.topicPrefix, request.topic),
        watermarks: physicalTopicName(config.topicPrefix, 'control.poll-watermarks'),
        checkpoints,
        deadLetter: physicalTopicName(config.topicPrefix, 'ops.dead-letter'),
      };
      opened.push({ publisher: publishers[index] as TransactionalPublisher, restored: restored.get(request.checkpointKey), topics, fields });
    }
    return opened;
  } catch (error) {
    await Promise.allSettled(publishers.map((p) => p.disconnect()));
    throw error;
  }
}

/** {@link openCheckpointedPublishers} for range and snapshot pollers: each with its {@link PollerContext}. */
export async function openPollers(runtime: PollerRuntime, requests: readonly PollerRequest[]): Promise<OpenedPoller[]> {
  const opened = await openCheckpointedPublishers(
    runtime,
    requests.map((r) => ({ tenantId: r.tenant.id, name: r.name, checkpointKey: r.checkpointKey, endpoint: r.spec.endpoint, topic: r.spec.topic, schema: r.spec.schema })),
  );
  return opened.map(({ publisher, restored, topics, fields }, index) => {
    const request = requests[index] as PollerRequest;
    const ctx: PollerContext = { tenant: request.tenant.id, client: request.client, publisher, clock: runtime.clock, metrics: runtime.metrics, logger: runtime.logger, topics, fields, pageSize: request.tenant.pageSize };
    return { ctx, restored };
  });
}

/** {@link openPollers} for one poller. */
export async function openPoller(runtime: PollerRuntime, tenant: PollerTenant, client: RangeSource, spec: EndpointSpec, name: string, checkpointKey: string): Promise<OpenedPoller> {
  const [opened] = await openPollers(runtime, [{ tenant, client, spec, name, checkpointKey }]);
  if (opened === undefined) throw new Error('openPollers returned nothing for one request');
  return opened;
}

import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import type { BillingRow, BillingStore } from '../state/billing-store.ts';
import { toBillingRow } from './billing-rows.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { RawRowSink } from './raw-row-sink.ts';

export interface BillingSinkOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly store: Pick<BillingStore, 'write' | 'epoch'>;
  /** The physical raw billing topic (raw.evovoice.billing). */
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** The consumer group; commits carry the Redis data epoch as metadata. */
  readonly groupId: string;
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  /** How often the store's data epoch is compared with the one the sink wrote in. */
  readonly checkMs: number;
  readonly sessionTimeoutMs: number;
  readonly onFatal?: (error: Error) => void;
}

/**
 * Stores the Evo Voice billing rows of the raw billing topic in Redis as they are ({@link BillingStore}) through a
 * {@link RawRowSink}: a value that fails {@link toBillingRow} is dead-lettered, and after a Redis data loss the topic
 * (retention 14 days) rebuilds the billing rows.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class BillingSink extends RawRowSink<BillingRow> {
  constructor(options: BillingSinkOptions) {
    const { topic, ...rest } = options;
    super({ ...rest, topics: [topic], toRow: (_topic, value) => toBillingRow(value), what: 'billing row', component: 'billing-sink' });
  }
}

import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';

export interface ProducerOptions {
  /** Set for transactional producers; fencing is per id, so derive it from what the producer owns. */
  readonly transactionalId?: string;
}

/**
 * The only way agent-timelines makes producers: idempotent, one request in flight, the murmur2 partitioner that
 * the Java client uses (so keys land on the same partitions as with other Kafka clients), acks=all on every send.
 */
export function createProducer(kafka: Kafka, options: ProducerOptions = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId }),
  });
}

import { Partitioners } from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';

export interface ProducerOptions {
  /** Set for transactional producers; fencing is per id, so derive it from what the producer owns. */
  readonly transactionalId?: string;
}

/**
 * Transactional producers retry quickly: kafkajs otherwise waits its default 300 ms on the CONCURRENT_TRANSACTIONS
 * that the first send after every commit gets, which caps a producer at about three transactions a second.
 */
const TRANSACTIONAL_RETRY = { initialRetryTime: 20, maxRetryTime: 2_000, retries: 12 };

/**
 * The only way agent-timelines makes producers: idempotent, one request in flight, the murmur2 partitioner that
 * the Java client uses (so keys land on the same partitions as with other Kafka clients), acks=all on every send.
 * With a transactionalId: a 60 s transaction timeout and {@link TRANSACTIONAL_RETRY}.
 */
export function createProducer(kafka: Kafka, options: ProducerOptions = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(options.transactionalId === undefined ? {} : { transactionalId: options.transactionalId, transactionTimeout: 60_000, retry: TRANSACTIONAL_RETRY }),
  });
}

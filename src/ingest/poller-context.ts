import type { Logger } from 'pino';
import type { AvroField } from './avro-conform.ts';
import type { Clock } from './clock.ts';
import type { PollerMetrics } from './metrics.ts';
import type { RangeSource } from './range-source.ts';
import type { TransactionalPublisher } from './transactional-publisher.ts';

/** Physical names of the topics a poller writes. */
export interface PollerTopics {
  readonly raw: string;
  readonly watermarks: string;
  readonly checkpoints: string;
  readonly deadLetter: string;
}

/** What one poller of one tenant and endpoint works with; the publisher's transactional id is owned by it alone. */
export interface PollerContext {
  readonly tenant: string;
  readonly client: RangeSource;
  readonly publisher: TransactionalPublisher;
  readonly clock: Clock;
  readonly metrics: PollerMetrics;
  readonly logger: Logger;
  readonly topics: PollerTopics;
  /** Fields of the raw topic's Avro schema. */
  readonly fields: readonly AvroField[];
  readonly pageSize: number;
}

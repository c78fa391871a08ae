import type { Logger } from 'pino';
import type { SourceAdapter } from '../core/source/source-adapter.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import type { StoredRecord } from './changelog-records.ts';
import type { ProcessorEngineConfig } from './direct-contact-tenants.ts';
import type { OpenPartitionProducer } from './partition-producer.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import type { RawRecordDecoder } from './raw-record-decoder.ts';
import type { RequestTarget } from './reprocess-requests.ts';
import type { WatermarkIntake } from './watermark-intake.ts';

/** The kafkajs eachBatch controls a task uses. */
export interface BatchControl {
  readonly isStale: () => boolean;
  readonly heartbeat: () => Promise<void>;
  readonly resolveOffset: (offset: string) => void;
}

/** What a partition task needs from its processor instance. */
export interface PartitionTaskDeps {
  /** The partition's transactional producer (PROCESSOR_PRODUCER_CLIENT). */
  readonly openProducer: OpenPartitionProducer;
  /** Encodes emissions as they are made (encodeAhead); the producer encodes what it could not. */
  readonly serde: Pick<AvroSerde, 'encodeLoaded'>;
  readonly decoder: Pick<RawRecordDecoder, 'decode' | 'decodeIfKnown'>;
  /** Maps the raw topic's records onto canonical events. */
  readonly adapter: SourceAdapter;
  readonly topics: ProcessorTopics;
  readonly groupId: string;
  readonly engine: Readonly<ProcessorEngineConfig>;
  /** The wall clock (epoch ms): watermarks too far ahead of it are not applied. */
  readonly now: () => number;
  /** Where records too late for the engine go (the re-processor's request topic) instead of the dead letters; null: dead letters. */
  readonly reprocess: RequestTarget | null;
  /** A user or session entry above this many bytes is quarantined (state-quarantine.ts). */
  readonly stateEntryMaxBytes: number;
  /**
   * How long processed input may wait for its transaction when no watermark applied (PROCESSOR_COMMIT_INTERVAL_MS):
   * batches within it share one commit; a batch or tick that applies a watermark commits at once. 0: every batch.
   */
  readonly commitIntervalMs: number;
  /**
   * How often the engines' state goes to the changelog (PROCESSOR_STATE_INTERVAL_MS): in a transaction of its own
   * after the one that commits the outputs; the transactions in between carry the input journal instead
   * (input-journal.ts). 0: the state in every transaction, with the outputs.
   */
  readonly stateIntervalMs: number;
  readonly watermarks: Pick<WatermarkIntake, 'applicable' | 'firstSeen'>;
  readonly restore: (partition: number) => Promise<StoredRecord[]>;
  readonly lowOffset: (partition: number) => Promise<number>;
  readonly seek: (partition: number, offset: number) => void;
  /** The partition's committed watermark per tenant, after every commit and after every restore from the changelog. */
  readonly onCommitted: (partition: number, watermarks: ReadonlyMap<string, number>) => void;
  readonly metrics: ProcessorMetrics;
  readonly logger: Logger;
}

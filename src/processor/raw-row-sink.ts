import type { Admin, Batch, Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { createProducer } from '../kafka/producer.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import { deadLetterRecord } from './output-records.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Redis side of a {@link RawRowSink}: idempotent writes, and the data epoch they live in. */
export interface RawRowStore<Row> {
  write(rows: readonly Row[]): Promise<{ written: number; stale: number }>;
  epoch(): Promise<string | null>;
}

/** What every sink built on {@link RawRowSink} is given by its wiring: the options minus what the sink itself decides. */
export type RawRowSinkWiring = Omit<RawRowSinkOptions<never>, 'store' | 'topics' | 'toRow' | 'what' | 'component'>;

export interface RawRowSinkOptions<Row> {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  readonly store: RawRowStore<Row>;
  /** The physical raw topics read. */
  readonly topics: readonly string[];
  /** Maps a decoded value of `topic` onto the row to store, or says why it is not one (the record is dead-lettered). */
  readonly toRow: (topic: string, value: Readonly<Record<string, unknown>>) => Row | { readonly problem: string };
  /** What a row is, for dead-letter reasons (`not a <what>: <problem>`) and logs. */
  readonly what: string;
  /** Names the sink in logs (`component`). */
  readonly component: string;
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

const partitionKey = (topic: string, partition: number): string => `${topic}|${partition}`;

/**
 * Stores the rows of raw topics in Redis: a read_committed consumer group writes each batch with the store's
 * idempotent upserts, then commits its offsets with the Redis data epoch as metadata. A value that is not a row (not
 * in the wire format, or refused by `toRow`) is dead-lettered, counted (`records_dead_lettered`) and logged; a value
 * that cannot be decoded for any other reason (the registry unreachable) is retried with a capped backoff, so nothing
 * is lost. When Redis lost its data (the epoch the Redis sink keeps changed, found on a timer and at every
 * assignment), every partition whose commit carries another epoch is re-read from its start, so the topics rebuild
 * the rows their retention still holds.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class RawRowSink<Row> {
  readonly #options: RawRowSinkOptions<Row>;
  readonly #logger: Logger;
  #consumer: Consumer | undefined;
  #producer: Producer | undefined;
  #admin: Admin | undefined;
  #assigned: { topic: string; partition: number }[] = [];
  /** Partitions (`topic|partition`) whose position is known to be in the current epoch (committed in it, or rewound to the start). */
  readonly #verified = new Set<string>();
  #epoch: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: RawRowSinkOptions<Row>) {
    this.#options = options;
    this.#logger = options.logger.child({ component: options.component });
  }

  async start(): Promise<void> {
    const { kafka, topics, groupId, sessionTimeoutMs } = this.#options;
    this.#admin = kafka.admin();
    await this.#admin.connect();
    this.#producer = createProducer(kafka);
    await this.#producer.connect();
    this.#epoch = await this.#options.store.epoch();
    const consumer = kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId, readUncommitted: false, allowAutoTopicCreation: false, sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalFor(sessionTimeoutMs), maxWaitTimeInMs: 250,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#assigned = topics.flatMap((topic) => (payload.memberAssignment[topic] ?? []).map((partition) => ({ topic, partition })));
      this.#verified.clear();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#logger.error({ err: payload.error, restart: payload.restart }, `${this.#options.component} consumer crashed`);
      if (!payload.restart && !this.#stopped) this.#options.onFatal?.(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning, isStale, heartbeat, resolveOffset }) => {
        for (let attempt = 0; isRunning() && !isStale() && !this.#stopped; attempt++) {
          try {
            if (await this.#handle(batch)) resolveOffset(batch.lastOffset());
            return;
          } catch (error) {
            this.#logger.warn({ err: error, topic: batch.topic, partition: batch.partition, attempt }, `${this.#options.what}s could not be stored; retrying`);
            await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
            await heartbeat().catch(() => undefined);
          }
        }
      },
    });
    this.#timer = setInterval(() => void this.#check(), this.#options.checkMs);
  }

  /** True when the batch was stored and committed; false when its partition was rewound instead. */
  async #handle(batch: Batch): Promise<boolean> {
    const { serde, store, deadLetterTopic, metrics, what } = this.#options;
    const { topic, partition } = batch;
    const key = partitionKey(topic, partition);
    const epoch = await store.epoch();
    if (epoch !== this.#epoch) {
      await this.#check();
      return false;
    }
    if (!this.#verified.has(key) && (await this.#rewindOtherEpochs([{ topic, partition }])).length > 0) return false;
    const rows: Row[] = [];
    const deadLetters = [];
    for (const message of batch.messages) {
      const source = { topic, partition, offset: message.offset, key: message.key, value: message.value };
      let problem: string;
      try {
        if (message.value === null || message.value.length === 0) throw new Error('empty value (tombstone)');
        const row = this.#options.toRow(topic, await serde.decode<Record<string, unknown>>(message.value));
        if (typeof row !== 'object' || row === null || !('problem' in row)) {
          rows.push(row);
          continue;
        }
        problem = row.problem;
      } catch (error) {
        const permanent = message.value === null || message.value.length === 0 || (error instanceof AgentTimelinesError && !error.retriable);
        if (!permanent) throw error;
        problem = (error as Error).message;
      }
      deadLetters.push(deadLetterRecord(deadLetterTopic, source, { errorCode: 'RECORD_INVALID', reason: `not a ${what}: ${problem}` }, Date.now()));
    }
    if (deadLetters.length > 0) {
      const messages = await Promise.all(deadLetters.map(async (record) => ({ key: record.key, value: await serde.encode(record.topic, record.value) })));
      await this.#producer!.send({ topic: deadLetterTopic, acks: -1, messages });
      metrics.inc('records_dead_lettered', { errorCode: 'RECORD_INVALID' }, deadLetters.length);
      this.#logger.error({ topic, partition, count: deadLetters.length, reasons: [...new Set(deadLetters.map((d) => (d.value as { reason: string }).reason))].slice(0, 5) }, `records that are not ${what}s were dead-lettered`);
    }
    const result = await store.write(rows);
    metrics.inc('redis_rows_written', { topic }, result.written);
    metrics.inc('redis_rows_stale', { topic }, result.stale);
    if ((await store.epoch()) !== epoch || !this.#verified.has(key)) return false;
    await this.#consumer!.commitOffsets([{ topic, partition, offset: String(Number(batch.lastOffset()) + 1), metadata: epoch ?? '' }]);
    return true;
  }

  /** Adopts a changed data epoch and re-reads the partitions whose commits carry another one. */
  async #check(): Promise<void> {
    if (this.#stopped) return;
    try {
      const epoch = await this.#options.store.epoch();
      if (epoch === this.#epoch) return;
      this.#logger.info({ epoch }, `Redis data epoch changed; re-reading the ${this.#options.what}s not stored in it`);
      this.#epoch = epoch;
      this.#verified.clear();
      await this.#rewindOtherEpochs(this.#assigned);
    } catch (error) {
      this.#logger.warn({ err: error }, `${this.#options.component} epoch check failed; retrying`);
    }
  }

  /**
   * Verifies `partitions` against the current epoch: a partition committed in another epoch is sought back to its
   * start (answered), any other is verified as it is.
   */
  async #rewindOtherEpochs(partitions: readonly { topic: string; partition: number }[]): Promise<{ topic: string; partition: number }[]> {
    const { groupId, metrics } = this.#options;
    const consumer = this.#consumer;
    if (consumer === undefined || partitions.length === 0) return [];
    const epoch = this.#epoch;
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const committed = await this.#admin!.fetchOffsets({ groupId, topics });
    const lows = new Map<string, number>();
    for (const topic of topics) for (const p of await fetchPartitionOffsets(this.#admin!, topic)) lows.set(partitionKey(topic, p.partition), p.low);
    const rewound: { topic: string; partition: number }[] = [];
    if (epoch !== this.#epoch) return rewound;
    for (const { topic, partition } of partitions) {
      const commit = committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition);
      if (commit !== undefined && Number(commit.offset) >= 0 && commit.metadata !== (epoch ?? '')) {
        consumer.seek({ topic, partition, offset: String(lows.get(partitionKey(topic, partition)) ?? 0) });
        metrics.inc('redis_rebuilds', { topic });
        rewound.push({ topic, partition });
      }
      this.#verified.add(partitionKey(topic, partition));
    }
    if (rewound.length > 0) this.#logger.info({ partitions: rewound, epoch }, 'partitions committed in another data epoch; re-reading them from their start');
    return rewound;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await Promise.allSettled([stopConsumer(this.#consumer), this.#producer?.disconnect(), this.#admin?.disconnect()]);
  }
}

import { randomUUID } from 'node:crypto';
import type { Batch, Kafka, KafkaMessage } from 'kafkajs';
import { restartWhile, stopConsumer } from './restart-while.ts';

/** A record as kafkajs decodes it from the log, with the fields transaction markers need (runtime, not in its types). */
type LogRecord = KafkaMessage & {
  readonly isControlRecord?: boolean;
  readonly batchContext?: { readonly producerId?: string; readonly inTransaction?: boolean };
};

export interface ReadByMarkersOptions {
  readonly topic: string;
  /** Partition → offset to stop before; partitions missing here are not read. */
  readonly targets: ReadonlyMap<number, number>;
  /** Called for every committed or non-transactional record below its partition's target, once its transaction ended. */
  readonly onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>;
  /**
   * Records whose transaction must have ended before the read returns (default: all). A transactional record for which
   * this is false and that has no marker yet when the targets are reached is left out.
   */
  readonly mustResolve?: (message: KafkaMessage, partition: number) => boolean;
  readonly timeoutMs: number;
  /** The error thrown when the read does not end in time; gets the partitions still pending. */
  readonly timeoutError: (pending: readonly number[]) => Error;
}

interface PartitionRead {
  readonly target: number;
  /** Every record from the first fetched one up to this offset was handled, in log order; null before the first. */
  next: number | null;
  /** Transactional records below the target by producer id, waiting for their producer's next marker. */
  readonly pending: Map<string, LogRecord[]>;
  reached: boolean;
}

const COMMIT = Buffer.from([0, 0, 0, 1]);
const ABORT = Buffer.from([0, 0, 0, 0]);

function logRecords(batch: Batch): readonly LogRecord[] {
  const raw = (batch as Batch & { rawMessages?: unknown }).rawMessages;
  if (!Array.isArray(raw)) throw new Error('kafkajs batch without rawMessages: cannot read transaction markers');
  return raw as LogRecord[];
}

/**
 * Reads `topic` from the beginning up to `targets` with isolation read_uncommitted, and decides itself which records
 * are committed: a transactional record of producer P is committed when the next marker of P after it is a commit.
 * This is what read_committed means, but kafkajs 2.2.4 applies the broker's aborted-transaction list wrongly when
 * aborted transactions of different producers overlap (it takes them in the broker's order, which is by end, one per
 * record), and then returns records of aborted transactions (src/kafka/kafkajs-read-committed-fix.ts now fixes that
 * for every client createKafka builds; this reader decides without relying on it, and reads past transactions still
 * open, which a read_committed fetch cannot). Records are handled in log order and reach `onMessage` per partition
 * in the order their transactions ended. A fetch that holds only markers never reaches `eachBatch`: a batch that
 * does not start where the last one ended makes the read seek back, and a record still waiting for its marker once
 * the target is reached is fetched again (a seek to it), so no marker is missed. The read continues past a target for
 * the markers of records below it. Uses a throw-away consumer group that commits nothing.
 */
export async function readByMarkers(kafka: Kafka, options: ReadByMarkersOptions): Promise<void> {
  const { topic, onMessage } = options;
  const mustResolve = options.mustResolve ?? (() => true);
  const reads = new Map<number, PartitionRead>();
  for (const [partition, target] of options.targets) if (target > 0) reads.set(partition, { target, next: null, pending: new Map(), reached: false });
  if (reads.size === 0) return;
  const waiting = (partition: number, read: PartitionRead): LogRecord[] =>
    [...read.pending.values()].flat().filter((message) => mustResolve(message, partition));
  const unfinished = (): number[] => [...reads].filter(([partition, read]) => !read.reached || waiting(partition, read).length > 0).map(([partition]) => partition);

  const handle = async (partition: number, read: PartitionRead, message: LogRecord): Promise<void> => {
    const offset = Number(message.offset);
    read.next = offset + 1;
    const producerId = message.batchContext?.producerId ?? '-1';
    if (message.isControlRecord === true) {
      const key = message.key === null ? null : Buffer.from(message.key);
      if (key === null || (!key.equals(COMMIT) && !key.equals(ABORT))) throw new Error(`unknown control record at ${topic} ${partition}:${offset}`);
      const ended = read.pending.get(producerId) ?? [];
      read.pending.delete(producerId);
      if (key.equals(COMMIT)) for (const m of ended) await onMessage(m, partition);
      return;
    }
    if (offset >= read.target) return;
    if (message.batchContext?.inTransaction !== true) {
      await onMessage(message, partition);
      return;
    }
    const list = read.pending.get(producerId) ?? [];
    list.push(message);
    read.pending.set(producerId, list);
  };

  let finished = false;
  const consumer = kafka.consumer({
    groupId: `read-by-markers-${randomUUID()}`, readUncommitted: true, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, maxBytesPerPartition: 8 * 1024 * 1024,
    retry: restartWhile(() => !finished),
  });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(options.timeoutError(unfinished())), options.timeoutMs);
      let lastSeek = 0;
      const check = (): void => {
        if (unfinished().length === 0) {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (Date.now() - lastSeek < 200) return;
        for (const [partition, read] of reads) {
          const first = waiting(partition, read).map((m) => Number(m.offset)).sort((a, b) => a - b)[0];
          if (read.reached && first !== undefined) {
            lastSeek = Date.now();
            consumer.seek({ topic, partition, offset: String(first) });
          }
        }
      };
      // Markers only (eachBatch was not called): the target counts as reached if nothing was skipped before them.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const read = reads.get(payload.partition);
        if (read === undefined || payload.batchSize > 0) return;
        if (read.next !== null && Number(payload.firstOffset) <= read.next && Number(payload.lastOffset) + 1 >= read.target) read.reached = true;
        check();
      });
      consumer
        .subscribe({ topics: [topic], fromBeginning: true })
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const read = reads.get(batch.partition);
              if (read === undefined) return;
              const fetched = Number((batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset() ?? 0);
              if (read.next !== null && fetched > read.next) {
                consumer.seek({ topic, partition: batch.partition, offset: String(read.next) });
                return;
              }
              read.next ??= fetched;
              for (const message of logRecords(batch)) if (Number(message.offset) >= read.next) await handle(batch.partition, read, message);
              if (read.next >= read.target) read.reached = true;
              check();
            },
          }),
        )
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error as Error);
        });
    });
  } finally {
    finished = true;
    await stopConsumer(consumer);
  }
}

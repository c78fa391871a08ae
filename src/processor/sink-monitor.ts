import { randomUUID } from 'node:crypto';
import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { evictionPolicyWarning, readEvictedKeys, readEvictionInfo } from '../state/redis-eviction.ts';
import type { EvictionInfo } from '../state/redis-eviction.ts';
import type { RedisStore } from '../state/redis-client.ts';
import { SinkProgressStore } from '../state/sink-progress-store.ts';
import type { StoreKeys } from '../state/store-keys.ts';
import type { TimelineStoreWriter } from '../state/timeline-store-writer.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { SinkProgress, parsePartitionId, partitionId } from './sink-progress.ts';
import type { PartitionId } from './sink-progress.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

export interface SinkMonitorOptions {
  readonly redis: RedisStore;
  readonly keys: StoreKeys;
  readonly writer: TimelineStoreWriter;
  readonly admin: Admin;
  /** The sink's consumer, once running (seeks rewind partitions). */
  readonly consumer: () => Consumer | undefined;
  /** The sink's consumer group (offset commit metadata carries the epoch). */
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  /** How often the store is checked and progress published (PROCESSOR_REDIS_SINK_CHECK_MS). */
  readonly checkMs: number;
}

const UNKNOWN_EVICTION: EvictionInfo = { policy: null, evictedKeys: null };

/**
 * The Redis sink's watch over the store, on a timer and therefore also while every output partition is idle:
 *
 * - **Loss.** Checks the data epoch, its canary, readers' reports of missing rows, Redis's evicted_keys (of every
 *   master of a cluster) and the tenants' copies of the epoch ({@link TimelineStoreWriter.checkStore}). On a loss, or when another sink started a new epoch, every assigned
 *   partition whose committed epoch differs is sought back to its start, so the compacted output topics rebuild
 *   Redis without waiting for new records.
 * - **Progress.** Publishes a record (`sink:{sinks}:<instanceId>`) with the epoch, the output partitions it has in Redis and
 *   the processor watermarks their rows cover; readers derive completeness from these records only.
 *
 * Lifecycle: start once (after the consumer runs) → stop once (idempotent; removes the record).
 */
export class SinkMonitor {
  readonly progress = new SinkProgress();
  readonly instanceId = randomUUID();
  readonly #options: SinkMonitorOptions;
  readonly #store: SinkProgressStore;
  #epoch: string | null = null;
  #lastEvicted: number | null = null;
  #expectedPartitions = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | null = null;
  #checking: Promise<string> | null = null;
  #verifying: Promise<void> | null = null;
  #stopped = false;

  constructor(options: SinkMonitorOptions) {
    this.#options = options;
    this.#store = new SinkProgressStore(options.redis, options.keys);
  }

  /** The epoch writes carry; established by {@link start}. */
  get epoch(): string {
    if (this.#epoch === null) throw new Error('SinkMonitor.epoch read before start');
    return this.#epoch;
  }

  /** Warns about a risky eviction policy, establishes the epoch and starts the timer. */
  async start(): Promise<void> {
    const info = await readEvictionInfo(this.#options.redis).catch(() => UNKNOWN_EVICTION);
    const warning = evictionPolicyWarning(info.policy);
    if (warning !== null) this.#options.logger.warn({ maxmemoryPolicy: info.policy }, warning);
    await this.#endOffsets();
    await this.check();
    this.#timer = setInterval(() => void this.#tick(), this.#options.checkMs);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#ticking;
    await this.#store.remove(this.instanceId).catch((error: unknown) => this.#options.logger.warn({ err: error }, 'could not delete the sink progress record'));
  }

  /** A new assignment (group join): its partitions are verified at once, idle ones included. */
  assigned(ids: readonly PartitionId[]): void {
    this.progress.assign(ids);
    void this.verify().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'could not verify the assigned sink partitions; retrying on the next check'));
  }

  /** Checks the store for lost data; answers the current epoch, adopting a new one (and rewinding) if it changed. */
  check(): Promise<string> {
    return (this.#checking ??= this.#check().finally(() => {
      this.#checking = null;
    }));
  }

  /**
   * Gives every unverified assigned partition a position: its committed offset when the commit carries the current
   * epoch, else its start, where the consumer is sought (`redis_rebuilds`).
   */
  verify(): Promise<void> {
    return (this.#verifying ??= this.#verify().finally(() => {
      this.#verifying = null;
    }));
  }

  async #check(): Promise<string> {
    const { writer, logger, metrics } = this.#options;
    const evictedKeys = await readEvictedKeys(this.#options.redis).catch(() => null);
    const result = await writer.checkStore(this.#epoch, evictedKeys, this.#lastEvicted);
    if (evictedKeys !== null) this.#lastEvicted = evictedKeys;
    if (result.lost !== null && this.#epoch === null && result.lost === 'epoch-missing') {
      logger.info({ epoch: result.epoch }, 'Redis has no data epoch (a new or emptied store); started one, building it from the output topics');
    } else if (result.lost !== null) {
      logger.warn({ reason: result.lost, epoch: result.epoch }, 'Redis lost data; started a new data epoch, rebuilding from the output topics');
      metrics.inc('redis_data_lost', { reason: result.lost });
    }
    if (result.epoch !== this.#epoch) {
      if (this.#epoch !== null) logger.info({ epoch: result.epoch }, 'Redis data epoch changed; re-reading the output partitions not yet in it');
      this.#epoch = result.epoch;
      this.progress.resetEpoch();
      if (this.#options.consumer() !== undefined) {
        await this.#verifying?.catch(() => undefined);
        await this.verify();
      }
    }
    return result.epoch;
  }

  async #verify(): Promise<void> {
    const pending = this.progress.unverified();
    const consumer = this.#options.consumer();
    if (pending.length === 0 || consumer === undefined) return;
    const { admin, groupId, topics, logger, metrics } = this.#options;
    const epoch = this.epoch;
    const committed = new Map<PartitionId, { offset: number; metadata: string | null }>();
    for (const topic of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const p of topic.partitions) committed.set(partitionId(topic.topic, p.partition), { offset: Number(p.offset), metadata: p.metadata });
    }
    const lows = new Map<PartitionId, number>();
    for (const topic of new Set(pending.map(({ id }) => parsePartitionId(id).topic))) {
      for (const p of await fetchPartitionOffsets(admin, topic)) lows.set(partitionId(topic, p.partition), p.low);
    }
    const rewound: PartitionId[] = [];
    for (const { id, seq } of pending) {
      if (this.progress.seqOf(id) !== seq || this.#epoch !== epoch) continue;
      const commit = committed.get(id);
      if (commit !== undefined && commit.offset >= 0 && commit.metadata === epoch) {
        this.progress.verified(id, commit.offset, seq);
        continue;
      }
      const { topic, partition } = parsePartitionId(id);
      const low = lows.get(id) ?? 0;
      consumer.seek({ topic, partition, offset: String(low) });
      this.progress.rewound(id, low);
      if (commit !== undefined && commit.offset >= 0) {
        rewound.push(id);
        metrics.inc('redis_rebuilds', { topic });
      }
    }
    if (rewound.length > 0) logger.info({ partitions: rewound, epoch }, 'output partitions committed in another data epoch; re-reading them from their start');
  }

  async #tick(): Promise<void> {
    if (this.#ticking !== null || this.#stopped) return;
    this.#ticking = this.#progress()
      .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'Redis sink check failed; retrying'))
      .finally(() => {
        this.#ticking = null;
      });
    await this.#ticking;
  }

  async #progress(): Promise<void> {
    const epoch = await this.check();
    await this.verify();
    const now = Date.now();
    if (this.progress.targetsDue(now, this.#options.checkMs)) this.progress.setTargets(await this.#endOffsets());
    if (!this.progress.settle() && !this.progress.needsSnapshot()) {
      await this.#raiseFromCommits(epoch);
      this.progress.settle();
    }
    if (this.progress.needsSnapshot()) this.progress.beginSnapshot(await this.#store.processorWatermarks(), now);
    if (this.#epoch !== epoch || this.#stopped) return;
    await this.#store.publish(this.progress.record(this.instanceId, epoch, this.#expectedPartitions, now));
    this.#options.metrics.set('redis_sink_rebuilding', {}, this.progress.covering() ? 0 : 1);
  }

  /**
   * Positions may trail the committed offsets (a batch written just as its partition was reassigned); a commit that
   * carries the current epoch proves everything below it is in Redis, so positions are raised to it.
   */
  async #raiseFromCommits(epoch: string): Promise<void> {
    const { admin, groupId, topics } = this.#options;
    for (const topic of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const p of topic.partitions) {
        if (p.metadata === epoch && Number(p.offset) >= 0 && this.#epoch === epoch) this.progress.committed(partitionId(topic.topic, p.partition), Number(p.offset));
      }
    }
  }

  /** Last stable offset of every output partition; also refreshes the expected partition count. */
  async #endOffsets(): Promise<Map<PartitionId, number>> {
    const targets = new Map<PartitionId, number>();
    for (const topic of this.#options.topics) {
      for (const p of await fetchPartitionOffsets(this.#options.admin, topic)) targets.set(partitionId(topic, p.partition), p.high);
    }
    this.#expectedPartitions = targets.size;
    return targets;
  }
}

import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { watermarkRejection } from '../core/time/time-limits.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/** A poll watermark with, per input partition, the end offset the raw topic had when it was seen. */
interface GatedWatermark {
  readonly watermark: number;
  readonly targets: ReadonlyMap<number, number>;
  /** The wall clock when the intake read it. */
  readonly seenAt: number;
}

interface PollWatermarkValue {
  tenant: string;
  source: string;
  watermark: number;
  /** Where the poll's raw records ended (absent or null when unknown). */
  rawEnds?: { topic: string; partitions: { partition: number; end: number }[] } | null;
}

const KEPT_PER_TENANT = 32;
const GIVE_UP_AFTER_MS = 600_000;

/**
 * Reads control.poll-watermarks completely in every instance (a throw-away group per start that commits nothing)
 * and gates each watermark: a partition may apply watermark W only once its input position has reached the raw
 * topic's end offset at the moment W was seen (looked up once per fetched batch of watermarks, after all of them were
 * read), or, on a partition W's poll wrote to, where its records end there (`rawEnds`, when W carries them for this
 * raw topic). The poller publishes W
 * in the transaction of the records it covers, after them, and its earlier polls' records lie before them on every
 * partition, so a gated W never overtakes records of its own or an earlier poll (windows do not go final before their
 * data arrived). With `rawEnds`, a processor that starts behind (a catch-up, a backfill) applies each watermark as it
 * reads past its poll, instead of all of them at the end. A watermark more
 * than `maxClockLeadMs` ahead of the wall clock (`now`, injected) is ignored with an error log and the metric
 * `watermarks_rejected{reason="watermark-ahead-of-clock"}`: a poller whose clock jumped ahead must not make every
 * window final and every real record too late.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class WatermarkIntake {
  readonly #kafka: Kafka;
  readonly #serde: AvroSerde;
  readonly #logger: Logger;
  readonly #topic: string;
  readonly #rawTopic: string;
  readonly #source: string;
  readonly #byTenant = new Map<string, GatedWatermark[]>();
  #consumer: Consumer | undefined;
  #admin: Admin | undefined;
  #stopped = false;

  readonly #onFatal: (error: Error) => void;
  readonly #now: () => number;
  readonly #maxClockLeadMs: number;
  readonly #metrics: ProcessorMetrics;
  readonly #onGated: () => void;
  readonly #sessionTimeoutMs: number;

  constructor(options: {
    kafka: Kafka;
    serde: AvroSerde;
    logger: Logger;
    topic: string;
    rawTopic: string;
    source: string;
    onFatal: (error: Error) => void;
    /** The wall clock (epoch ms). */
    now: () => number;
    maxClockLeadMs: number;
    metrics: ProcessorMetrics;
    /**
     * Session (and rebalance) timeout of the intake's one-member group (PROCESSOR_SESSION_TIMEOUT_MS). After a broker
     * outage the member that crashed could not leave, and the restarted one joins only once the broker expired it: a
     * longer timeout holds every watermark back that long.
     */
    sessionTimeoutMs: number;
    /** Called after each new watermark is gated, so the partitions can apply it at once instead of at their next tick; must not throw. */
    onGated?: () => void;
  }) {
    this.#onGated = options.onGated ?? (() => undefined);
    this.#sessionTimeoutMs = options.sessionTimeoutMs;
    this.#onFatal = options.onFatal;
    this.#now = options.now;
    this.#maxClockLeadMs = options.maxClockLeadMs;
    this.#metrics = options.metrics;
    this.#kafka = options.kafka;
    this.#serde = options.serde;
    this.#logger = options.logger;
    this.#topic = options.topic;
    this.#rawTopic = options.rawTopic;
    this.#source = options.source;
  }

  async start(): Promise<void> {
    this.#admin = this.#kafka.admin();
    await this.#admin.connect();
    const sessionTimeout = this.#sessionTimeoutMs;
    this.#consumer = this.#kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId: `watermarks-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 200,
      sessionTimeout, rebalanceTimeout: sessionTimeout, heartbeatInterval: heartbeatIntervalFor(sessionTimeout),
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !this.#stopped) this.#onFatal(payload.error);
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.#topic], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        // one lookup for all the batch's watermarks: made after all of them were read, it is as late as each one's own
        let ends: ReadonlyMap<number, number> | null = null;
        const rawEnds = async (): Promise<ReadonlyMap<number, number>> => {
          ends ??= new Map((await fetchPartitionOffsets(this.#admin!, this.#rawTopic)).map((o) => [o.partition, o.high]));
          return ends;
        };
        for (const message of batch.messages) {
          if (message.value === null || message.value.length === 0) continue;
          await this.#take(message.value, message.offset, heartbeat, rawEnds);
        }
      },
    });
  }

  /**
   * Decodes and offers one watermark. A value that is not in the wire format is skipped with a warning. Anything
   * else that fails (registry or broker unreachable, a registry error answer) is retried with a capped backoff, so
   * an outage never drops a watermark; only after {@link GIVE_UP_AFTER_MS} of failures is it skipped, with an error
   * log (later polls publish newer watermarks that supersede it).
   */
  async #take(value: Buffer, offset: string, heartbeat: () => Promise<void>, rawEnds: () => Promise<ReadonlyMap<number, number>>): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; !this.#stopped; attempt++) {
      try {
        await this.#offer(await this.#serde.decode<PollWatermarkValue>(value), rawEnds);
        return;
      } catch (error) {
        if ((error as Error).name === 'ConfluentSchemaRegistryArgumentError') {
          this.#logger.warn({ err: error, offset }, 'ignoring a poll watermark that is not in the registry wire format');
          return;
        }
        if (Date.now() - started > GIVE_UP_AFTER_MS) {
          this.#logger.error({ err: error, offset }, 'skipping a poll watermark that could not be read for 10 minutes');
          return;
        }
        this.#logger.warn({ err: error, offset, attempt }, 'cannot read a poll watermark yet; retrying');
        await this.#pause(Math.min(30_000, 250 * 2 ** Math.min(attempt, 7)), heartbeat);
      }
    }
  }

  /** Waits `ms`, heartbeating meanwhile so the group keeps this member through a long backoff. */
  async #pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const step = heartbeatIntervalFor(this.#sessionTimeoutMs);
    for (const until = Date.now() + ms; Date.now() < until && !this.#stopped;) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(step, until - Date.now())));
      await heartbeat().catch(() => undefined);
    }
  }

  /** Gates one watermark; `rawEnds` gives the raw topic's end offsets as read at or after the moment it was read. */
  async #offer(value: PollWatermarkValue, rawEnds: () => Promise<ReadonlyMap<number, number>>): Promise<void> {
    if (value.source !== this.#source || !Number.isFinite(value.watermark)) return;
    const kept = this.#byTenant.get(value.tenant) ?? [];
    const last = kept[kept.length - 1];
    if (last !== undefined && value.watermark <= last.watermark) return;
    const now = this.#now();
    const rejection = watermarkRejection(value.watermark, now, this.#maxClockLeadMs);
    if (rejection !== null) {
      this.#metrics.inc('watermarks_rejected', { reason: rejection });
      this.#logger.error({ tenant: value.tenant, watermark: new Date(value.watermark).toISOString(), now: new Date(now).toISOString(), maxClockLeadMs: this.#maxClockLeadMs }, 'ignoring a poll watermark ahead of the wall clock (is the poller host\'s clock wrong?)');
      return;
    }
    const targets = new Map(await rawEnds());
    // where the poll wrote, its own end, even beyond the end offset seen: that is the last stable offset, which lags
    // behind a committed poll's records until the transaction's markers are written
    if (value.rawEnds?.topic === this.#rawTopic) for (const { partition, end } of value.rawEnds.partitions) targets.set(partition, end);
    kept.push({ watermark: value.watermark, targets, seenAt: now });
    if (kept.length > KEPT_PER_TENANT) kept.splice(0, kept.length - KEPT_PER_TENANT);
    this.#byTenant.set(value.tenant, kept);
    this.#onGated();
  }

  /** Tenants that have published a watermark. */
  tenants(): string[] {
    return [...this.#byTenant.keys()];
  }

  /**
   * The highest watermark per tenant that `partition` may apply at input `position` (next offset to read). A
   * partition the watermark did not know yet (added later) has target 0.
   */
  applicable(partition: number, position: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [tenant, kept] of this.#byTenant) {
      for (let i = kept.length - 1; i >= 0; i--) {
        const gated = kept[i]!;
        if ((gated.targets.get(partition) ?? 0) <= position) {
          out.set(tenant, gated.watermark);
          break;
        }
      }
    }
    return out;
  }

  /**
   * When the earliest watermark of `tenant` above `after` and at most `upTo` was read (wall clock), among those still
   * kept; null when none is. A partition that applies `upTo` also covers every watermark it skipped since `after`.
   */
  firstSeen(tenant: string, after: number | null, upTo: number): number | null {
    let first: number | null = null;
    for (const gated of this.#byTenant.get(tenant) ?? []) {
      if ((after === null || gated.watermark > after) && gated.watermark <= upTo && (first === null || gated.seenAt < first)) first = gated.seenAt;
    }
    return first;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.allSettled([stopConsumer(this.#consumer), this.#admin?.disconnect()]);
  }
}

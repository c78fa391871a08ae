import type { Logger } from 'pino';
import { PROCESSOR_READINESS_REFRESH_MS, PROCESSOR_READINESS_TTL_MS } from '../state/processor-readiness-store.ts';
import type { ProcessorReadinessStore } from '../state/processor-readiness-store.ts';
import type { ProcessorReadinessRecord } from '../state/store-types.ts';
import type { ProcessorStatus } from './timeline-processor.ts';

/** The part of a processor the reporter reads. */
export interface ReadinessSource {
  status(): ProcessorStatus;
  restoreTimes(): Map<number, number | null>;
}

export interface ReadinessReporterOptions {
  readonly store: Pick<ProcessorReadinessStore, 'publish' | 'remove'>;
  readonly groupId: string;
  readonly source: ReadinessSource;
  readonly logger: Logger;
  /** Re-publish at least this often; default {@link PROCESSOR_READINESS_REFRESH_MS}. */
  readonly refreshMs?: number;
  /** Record TTL; default {@link PROCESSOR_READINESS_TTL_MS}. */
  readonly ttlMs?: number;
  /** How often the in-memory status is compared with the last published one; default 250. */
  readonly checkMs?: number;
}

/**
 * Publishes a processor instance's readiness record (assigned and restored partitions, restore times, the partitions
 * holding a watermark of each tenant) to Redis for `/readyz`: at once when the assignment, the restore state or the
 * set of watermarked partitions changes, and every `refreshMs` otherwise so the TTL never lapses while the instance
 * lives. A failed publish is logged and retried on the next check.
 *
 * Lifecycle: start once → stop once (idempotent; waits for the publish in flight, then deletes the record).
 */
export class ReadinessReporter {
  readonly #options: ReadinessReporterOptions;
  readonly #startedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #published = '';
  #publishedAt = 0;
  #inFlight: Promise<void> | null = null;
  #stopped = false;

  constructor(options: ReadinessReporterOptions) {
    this.#options = options;
  }

  start(): void {
    this.#check();
    this.#timer = setInterval(() => this.#check(), this.#options.checkMs ?? 250);
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#inFlight;
    const { store, groupId, source, logger } = this.#options;
    await store.remove(groupId, source.status().instanceId).catch((error: unknown) => logger.warn({ err: error }, 'could not delete the processor readiness record'));
  }

  #check(): void {
    if (this.#inFlight !== null || this.#stopped) return;
    const status = this.#options.source.status();
    const restoreMs: Record<string, number> = {};
    for (const [partition, ms] of this.#options.source.restoreTimes()) if (ms !== null) restoreMs[String(partition)] = Math.round(ms);
    const signature = JSON.stringify([status.assigned, status.restoredPartitions, status.partitions, status.watermarked]);
    const now = Date.now();
    if (signature === this.#published && now - this.#publishedAt < (this.#options.refreshMs ?? PROCESSOR_READINESS_REFRESH_MS)) return;
    const record: ProcessorReadinessRecord = {
      groupId: this.#options.groupId,
      instanceId: status.instanceId,
      assigned: status.assigned,
      restored: status.restoredPartitions,
      restoreMs,
      watermarked: status.watermarked,
      expectedPartitions: status.partitions,
      startedAt: this.#startedAt,
      updatedAt: now,
    };
    this.#published = signature;
    this.#publishedAt = now;
    this.#inFlight = this.#options.store
      .publish(record, this.#options.ttlMs ?? PROCESSOR_READINESS_TTL_MS)
      .catch((error: unknown) => {
        this.#published = '';
        this.#options.logger.warn({ err: error }, 'could not publish the processor readiness record; retrying');
      })
      .finally(() => {
        this.#inFlight = null;
      });
  }
}

import { randomUUID } from 'node:crypto';
import type { PollerCheckpoint } from './checkpoint.ts';
import { checkpointRecords } from './checkpoint-format.ts';
import { vendorDeadLetter } from './dead-letter.ts';
import type { EndpointSpec } from './endpoint-spec.ts';
import { mapRow } from './endpoint-spec.ts';
import type { PollerContext } from './poller-context.ts';
import type { OutgoingRecord } from './transactional-publisher.ts';

const DAY = 86_400_000;

export interface SnapshotSettings {
  readonly checkpointKey: string;
  /** Publish only rows whose content changed since the previous snapshot (contactStatistic), or every row (agentStatus). */
  readonly changesOnly: boolean;
  /** Query start: the start of the current UTC day (contactStatistic) or now − lookbackMs (agentStatus). */
  readonly window: { readonly kind: 'current-day' } | { readonly kind: 'lookback'; readonly lookbackMs: number };
}

/**
 * Snapshot polling of a current-state endpoint (agentStatus, contactStatistic): each {@link pollOnce} reads the
 * whole current window, stamps snapshotAt = now, and commits the rows (all of them, or only changed ones plus a
 * checkpoint holding this snapshot's keys) in one transaction. Lifecycle: construct with the restored checkpoint
 * → pollOnce* (never concurrently).
 */
export class SnapshotPoller {
  readonly spec: EndpointSpec;
  readonly #ctx: PollerContext;
  readonly #settings: SnapshotSettings;
  #checkpoint: PollerCheckpoint | undefined;

  constructor(spec: EndpointSpec, ctx: PollerContext, settings: SnapshotSettings, restored: PollerCheckpoint | undefined) {
    this.spec = spec;
    this.#ctx = ctx;
    this.#settings = settings;
    this.#checkpoint = restored;
  }

  async pollOnce(signal?: AbortSignal): Promise<{ fetched: number; published: number }> {
    const { clock, metrics, tenant, topics, client } = this.#ctx;
    const labels = { tenant, endpoint: this.spec.endpoint };
    const now = clock.now();
    const pollId = randomUUID();
    const start = this.#settings.window.kind === 'current-day' ? Math.floor(now / DAY) * DAY : now - this.#settings.window.lookbackMs;
    metrics.inc('polls', labels);
    const { rows, shortPages } = await client.fetchRange({ endpoint: this.spec.endpoint, params: this.spec.params, range: { start, end: now + 1 }, pageSize: this.#ctx.pageSize, granularityMs: 1 }, signal);
    const previous = new Set((this.#checkpoint?.recentKeys ?? []).map((k) => k.key));
    const keys = new Map<string, number>();
    const records: OutgoingRecord[] = [];
    for (const { row, receivedAt } of rows) {
      const mapped = mapRow(this.spec, this.#ctx.fields, row, { tenant, pollId, receivedAt, snapshotAt: now });
      if ('rejection' in mapped) {
        metrics.inc('rejected_rows', labels);
        records.push(vendorDeadLetter(topics.deadLetter, { source: this.spec.source, body: JSON.stringify(row), reason: `row rejected: ${mapped.rejection}`, errorCode: mapped.rejection, retriable: false, failedAt: now }));
        continue;
      }
      if (keys.has(mapped.key)) continue;
      keys.set(mapped.key, mapped.time);
      if (!this.#settings.changesOnly || !previous.has(mapped.key)) records.push({ topic: topics.raw, key: mapped.partitionKey, value: mapped.value });
    }
    const published = records.filter((r) => r.topic === topics.raw).length;
    const next: PollerCheckpoint | undefined = this.#settings.changesOnly
      ? { tenant, endpoint: this.spec.endpoint, highMark: now, recentKeys: [...keys].map(([key, time]) => ({ key, time })), pollId, updatedAt: now }
      : undefined;
    if (next !== undefined) records.push(...checkpointRecords(topics.checkpoints, this.#settings.checkpointKey, next, this.#checkpoint));
    signal?.throwIfAborted();
    if (records.length > 0) await this.#ctx.publisher.commit(records);
    if (next !== undefined) this.#checkpoint = next;
    metrics.inc('rows_fetched', labels, rows.length);
    metrics.inc('rows_published', labels, published);
    metrics.inc('short_pages', labels, shortPages);
    return { fetched: rows.length, published };
  }
}

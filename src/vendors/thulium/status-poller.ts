import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { KeyedTime, PollerCheckpoint } from '../../ingest/checkpoint.ts';
import { checkpointRecords } from '../../ingest/checkpoint-format.ts';
import type { Clock } from '../../ingest/clock.ts';
import { vendorDeadLetter } from '../../ingest/dead-letter.ts';
import type { PollerMetrics } from '../../ingest/metrics.ts';
import type { PollerTopics } from '../../ingest/poller-context.ts';
import { recordKey } from '../../ingest/record-key.ts';
import type { OutgoingRecord, TransactionalPublisher } from '../../ingest/transactional-publisher.ts';
import { AGENT_STATUSES } from './endpoint-specs.ts';
import { resolveLocalAtOrBefore } from './local-time.ts';
import type { ThuliumClient } from './thulium-client.ts';
import { pollWatermarkRecord } from '../../ingest/poll-watermark-record.ts';

const statusRowSchema = z.object({
  login: z.string().min(1),
  status: z.string().min(1),
  pause_id: z.number().int().nullable(),
  last_change: z.string().nullable(),
});

export interface StatusSettings {
  readonly checkpointKey: string;
  readonly timeZone: string;
}

export interface StatusContext {
  readonly tenant: string;
  readonly client: Pick<ThuliumClient, 'agentsStatuses'>;
  readonly publisher: Pick<TransactionalPublisher, 'commit'>;
  readonly clock: Clock;
  readonly metrics: PollerMetrics;
  readonly logger: Logger;
  readonly topics: PollerTopics;
}

/** The key of a login's observed state (status, pause_id, last_change): what the checkpoint remembers. */
export function statusKey(row: { login: string; status: string; pause_id: number | null; last_change: string | null }): string {
  return recordKey({ login: row.login, status: row.status, pause_id: row.pause_id, last_change: row.last_change });
}

/**
 * Samples `agents_statuses` of one Thulium tenant. Each {@link pollOnce} reads the list (sampledAt = when the answer
 * arrived) and commits, in ONE Kafka transaction: a raw record for every login whose (status, pause_id, last_change)
 * differs from the last published one (lastChangeAt = the latest instant ≤ sampledAt whose local label is
 * last_change), a dead letter for every row that is not `{login, status, pause_id, last_change}` or whose
 * last_change is no local time, the watermark sampledAt (source `thulium/agent-statuses`) and the checkpoint
 * (highMark sampledAt; the state key of every listed login). Changes between two samples are not seen.
 * Lifecycle: construct with the restored checkpoint → pollOnce* (never concurrently).
 */
export class StatusPoller {
  readonly #ctx: StatusContext;
  readonly #settings: StatusSettings;
  #checkpoint: PollerCheckpoint | undefined;

  constructor(ctx: StatusContext, settings: StatusSettings, restored: PollerCheckpoint | undefined) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#checkpoint = restored;
  }

  get checkpoint(): PollerCheckpoint | undefined {
    return this.#checkpoint;
  }

  async pollOnce(signal?: AbortSignal): Promise<{ fetched: number; published: number; rejected: number }> {
    const { clock, logger, metrics, tenant, topics, client } = this.#ctx;
    const labels = { tenant, endpoint: AGENT_STATUSES.endpoint };
    metrics.inc('polls', labels);
    const { rows, receivedAt: sampledAt } = await client.agentsStatuses(signal);
    const now = clock.now();
    const pollId = randomUUID();
    const previous = new Set((this.#checkpoint?.recentKeys ?? []).map((k) => k.key));
    const keys = new Map<string, KeyedTime>();
    const records: OutgoingRecord[] = [];
    let rejected = 0;
    const reject = (row: unknown, reason: string, errorCode: string) => {
      rejected++;
      records.push(vendorDeadLetter(topics.deadLetter, { source: AGENT_STATUSES.source, body: JSON.stringify(row), reason, errorCode, retriable: false, failedAt: now }));
    };
    for (const [position, raw] of rows.entries()) {
      const parsed = statusRowSchema.safeParse(raw);
      if (!parsed.success) {
        reject(raw, `agents_statuses row ${position}: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ')}`, 'bad-row');
        continue;
      }
      const row = parsed.data;
      const lastChangeAt = row.last_change === null ? null : (resolveLocalAtOrBefore(row.last_change, this.#settings.timeZone, sampledAt) ?? null);
      if (row.last_change !== null && lastChangeAt === null) {
        reject(raw, `agents_statuses row ${position} (${row.login}): last_change ${JSON.stringify(row.last_change)} is no local time in ${this.#settings.timeZone}`, 'bad-last-change');
        continue;
      }
      const key = statusKey(row);
      keys.set(row.login, { key, time: lastChangeAt ?? sampledAt });
      if (previous.has(key)) continue;
      records.push({
        topic: topics.raw,
        key: row.login,
        value: { tenant, source: AGENT_STATUSES.source, login: row.login, status: row.status, pauseId: row.pause_id, lastChange: row.last_change, lastChangeAt, sampledAt, timeZone: this.#settings.timeZone, pollId, vendorPoll: sampledAt, vendorRow: position },
      });
    }
    const published = records.filter((r) => r.topic === topics.raw).length;
    records.push(pollWatermarkRecord(topics, { tenant, source: AGENT_STATUSES.source, pollId, watermark: sampledAt, publishedAt: now }));
    const next: PollerCheckpoint = { tenant, endpoint: AGENT_STATUSES.endpoint, highMark: sampledAt, recentKeys: [...keys.values()], pollId, updatedAt: now };
    records.push(...checkpointRecords(topics.checkpoints, this.#settings.checkpointKey, next, this.#checkpoint));
    signal?.throwIfAborted();
    await this.#ctx.publisher.commit(records);
    this.#checkpoint = next;
    metrics.inc('rows_fetched', labels, rows.length);
    metrics.inc('rows_published', labels, published);
    metrics.inc('rejected_rows', labels, rejected);
    metrics.inc('dead_letters', labels, rejected);
    if (rejected > 0) logger.error({ tenant, endpoint: AGENT_STATUSES.endpoint, rejected }, 'agents_statuses rows dead-lettered');
    logger.debug({ tenant, endpoint: AGENT_STATUSES.endpoint, fetched: rows.length, published, sampledAt: new Date(sampledAt).toISOString() }, 'agent statuses sampled');
    return { fetched: rows.length, published, rejected };
  }
}

import { randomUUID } from 'node:crypto';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { KeyedTime, PlannedPoll, PollerCheckpoint, RangePolicy } from './checkpoint.ts';
import { advanceCheckpoint, dedupRows, planPoll } from './checkpoint.ts';
import type { ClockCheck } from './clock-sanity.ts';
import { rewindFutureCheckpoint, rowTimeVerdict } from './clock-sanity.ts';
import { checkpointRecords } from './checkpoint-format.ts';
import { vendorDeadLetter } from './dead-letter.ts';
import type { EndpointSpec, MappedRow } from './endpoint-spec.ts';
import { mapRow } from './endpoint-spec.ts';
import type { PollerContext } from './poller-context.ts';
import type { OutgoingRecord } from './transactional-publisher.ts';
import { VendorError } from './vendor-error.ts';
import { pollWatermarkRecord } from './poll-watermark-record.ts';

export interface IncrementalSettings extends RangePolicy {
  /** Key of this poller's checkpoint in the checkpoint topic (tenant|endpoint, or a backfill key). */
  readonly checkpointKey: string;
  readonly emitWatermark: boolean;
  /** Checks of the checkpoint and row times against the clock (live polling); without it none are made. */
  readonly clockCheck?: ClockCheck;
  /** More records for the poll's transaction (a backfill's range announcement). */
  readonly extraRecords?: (poll: PlannedPoll, now: number) => readonly OutgoingRecord[];
}

export type PollResult =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'published';
      readonly poll: PlannedPoll;
      readonly pollId: string;
      readonly fetched: number;
      readonly published: number;
      readonly duplicates: number;
      readonly late: number;
      readonly rejected: number;
      /** True when the range reached now − safetyLag (or stopAt): the next poll can wait an interval. */
      readonly caughtUp: boolean;
    };

type Keyed = MappedRow & KeyedTime;

/**
 * Incremental polling of one history endpoint of one tenant by row time: each {@link pollOnce} queries
 * [highMark − overlap, min(now − safetyLag, highMark + maxRange)), drops rows whose key is already published
 * (and, where the endpoint filters exactly, rows outside the range: counted in `out_of_range_rows` and logged),
 * stamps each row with where the vendor listed it (the poll's range end, which grows from poll to poll, and the row's
 * position in the poll's answer, across pages: `vendorPoll`/`vendorRow` where the raw contract has them),
 * and commits — in ONE Kafka transaction — the new rows (sorted by time, API order among equal times), rejected
 * rows as dead letters, the watermark "everything with time < end is published" and the advanced checkpoint.
 * The in-memory checkpoint advances only after the commit. A page that stays malformed is dead-lettered in its
 * own transaction and the poll fails without advancing. With `clockCheck`, a checkpoint ahead of the clock is
 * rewound (it would idle until real time caught up) and rows with times far off are dead-lettered
 * (clock-sanity.ts). Lifecycle: construct with the restored checkpoint → pollOnce* (never concurrently).
 */
export class IncrementalPoller {
  readonly spec: EndpointSpec;
  readonly #ctx: PollerContext;
  readonly #settings: IncrementalSettings;
  #checkpoint: PollerCheckpoint | undefined;
  #reportedShortPages = false;

  constructor(spec: EndpointSpec, ctx: PollerContext, settings: IncrementalSettings, restored: PollerCheckpoint | undefined) {
    this.spec = spec;
    this.#ctx = ctx;
    this.#settings = settings;
    this.#checkpoint = restored;
  }

  get checkpoint(): PollerCheckpoint | undefined {
    return this.#checkpoint;
  }

  async pollOnce(signal?: AbortSignal): Promise<PollResult> {
    const { clock, metrics, tenant, topics } = this.#ctx;
    const labels = { tenant, endpoint: this.spec.endpoint };
    const now = clock.now();
    this.#rewindIfAhead(now);
    const poll = planPoll(this.#checkpoint, now, this.#settings);
    if (poll === undefined) return { kind: 'idle' };
    const pollId = randomUUID();
    metrics.inc('polls', labels);
    const fetched = await this.#fetch(poll, pollId, signal);
    const mapped: Keyed[] = [];
    const rejects: OutgoingRecord[] = [];
    const timeCheck = { exact: this.spec.exactTimeFilter, overlapMs: this.#settings.overlapMs, maxLeadMs: this.#settings.clockCheck?.maxLeadMs ?? Number.POSITIVE_INFINITY };
    const outOfRange: number[] = [];
    for (const [index, { row, receivedAt }] of fetched.entries()) {
      const listed = { poll: poll.range.end, row: index };
      const result = mapRow(this.spec, this.#ctx.fields, row, { tenant, pollId, receivedAt, snapshotAt: receivedAt, listed });
      const verdict = 'rejection' in result ? result.rejection : rowTimeVerdict(result.time, poll.range, now, timeCheck);
      if (verdict === 'keep' && !('rejection' in result)) {
        mapped.push(result);
      } else if (verdict === 'outside' && !('rejection' in result)) {
        outOfRange.push(result.time);
      } else {
        if (verdict === 'row-time-in-future' || verdict === 'row-time-outside-polled-range') metrics.inc('rows_time_out_of_range', labels);
        const why = 'rejection' in result ? 'row rejected' : `row time outside [${new Date(poll.range.start).toISOString()}, ${new Date(poll.range.end).toISOString()}) polled at ${new Date(now).toISOString()}`;
        rejects.push(vendorDeadLetter(topics.deadLetter, { source: this.spec.source, body: JSON.stringify(row), reason: `${why}: ${verdict}`, errorCode: verdict, retriable: false, failedAt: now }));
      }
    }
    if (outOfRange.length > 0) {
      this.#ctx.logger.warn(
        { tenant, endpoint: this.spec.endpoint, pollId, rows: outOfRange.length, range: poll.range, earliest: outOfRange.reduce((a, b) => Math.min(a, b)), latest: outOfRange.reduce((a, b) => Math.max(a, b)) },
        'vendor returned rows outside the queried range; they are not published (a different filter field, or local times without an offset?)',
      );
    }
    const { fresh, duplicates, late } = dedupRows(mapped, this.#checkpoint?.recentKeys ?? [], poll.previousHighMark);
    const ordered = [...fresh].sort((a, b) => a.time - b.time);
    const retained = this.spec.exactTimeFilter ? mapped : mapped.map((r) => ({ key: r.key, time: poll.range.end - 1 }));
    const next = advanceCheckpoint(this.#checkpoint, { tenant, endpoint: this.#settings.checkpointKey.split('|').slice(1).join('|'), pollId, now }, poll, retained, this.#settings);
    const records: OutgoingRecord[] = ordered.map((r) => ({ topic: topics.raw, key: r.partitionKey, value: r.value }));
    records.push(...rejects);
    if (this.#settings.emitWatermark) {
      records.push(pollWatermarkRecord(topics, { tenant, source: this.spec.source, pollId, watermark: poll.range.end - 1, publishedAt: now }));
    }
    records.push(...(this.#settings.extraRecords?.(poll, now) ?? []));
    records.push(...checkpointRecords(topics.checkpoints, this.#settings.checkpointKey, next, this.#checkpoint));
    signal?.throwIfAborted();
    await this.#ctx.publisher.commit(records);
    this.#checkpoint = next;
    metrics.inc('rows_fetched', labels, fetched.length);
    metrics.inc('rows_published', labels, ordered.length);
    metrics.inc('duplicates_dropped', labels, duplicates);
    metrics.inc('late_rows', labels, late.length);
    metrics.inc('rejected_rows', labels, rejects.length);
    metrics.inc('out_of_range_rows', labels, outOfRange.length);
    for (const row of late) metrics.max('max_lateness_ms', labels, poll.previousHighMark - row.time);
    const caughtUp = poll.range.end >= Math.min(now - this.#settings.safetyLagMs, this.#settings.stopAt ?? Number.POSITIVE_INFINITY) - this.#settings.granularityMs;
    return { kind: 'published', poll, pollId, fetched: fetched.length, published: ordered.length, duplicates, late: late.length, rejected: rejects.length, caughtUp };
  }

  /** Rewinds a checkpoint that lies ahead of the clock (see rewindFutureCheckpoint); loud, since rows may be missing. */
  #rewindIfAhead(now: number): void {
    const check = this.#settings.clockCheck;
    if (check === undefined) return;
    const rewound = rewindFutureCheckpoint(this.#checkpoint, now, check, this.#settings);
    if (rewound === undefined || this.#checkpoint === undefined) return;
    const { tenant, metrics, logger } = this.#ctx;
    metrics.inc('checkpoint_rewinds', { tenant, endpoint: this.spec.endpoint });
    logger.error(
      { tenant, endpoint: this.spec.endpoint, highMark: new Date(this.#checkpoint.highMark).toISOString(), writtenAt: new Date(this.#checkpoint.updatedAt).toISOString(), now: new Date(now).toISOString(), restartAt: new Date(rewound.highMark).toISOString() },
      'poller checkpoint is ahead of the clock (was the clock wrong?); polling restarts before now, and rows changed while the clock was wrong may need a backfill',
    );
    this.#checkpoint = rewound;
  }

  async #fetch(poll: PlannedPoll, pollId: string, signal: AbortSignal | undefined) {
    const { client, metrics, tenant, topics, logger, clock } = this.#ctx;
    const labels = { tenant, endpoint: this.spec.endpoint };
    try {
      const result = await client.fetchRange({ endpoint: this.spec.endpoint, params: this.spec.params, range: poll.range, pageSize: this.#ctx.pageSize, granularityMs: this.spec.granularityMs }, signal);
      metrics.inc('range_splits', labels, result.splits);
      metrics.inc('short_pages', labels, result.shortPages);
      if (result.shortPages > 0 && !this.#reportedShortPages) {
        this.#reportedShortPages = true;
        logger.warn({ tenant, endpoint: this.spec.endpoint, pageSize: this.#ctx.pageSize, shortPages: result.shortPages }, 'vendor serves fewer rows per page than asked for; paging on to the first empty page (counted in short_pages)');
      }
      return result.rows;
    } catch (error) {
      if (error instanceof VendorError && error.code === 'VENDOR_MALFORMED_RESPONSE' && signal?.aborted !== true) {
        const body = error.body ?? '';
        logger.error({ tenant, endpoint: this.spec.endpoint, request: error.request, bytes: body.length, pollId }, 'vendor page stayed malformed after all retries; dead-lettered, poll not advanced');
        metrics.inc('dead_letters', labels);
        await this.#ctx.publisher.commit([vendorDeadLetter(topics.deadLetter, { source: this.spec.source, body, reason: error.message, errorCode: error.code, retriable: true, failedAt: clock.now() })]);
      }
      if (signal?.aborted === true) throw new AgentTimelinesError('POLL_ABORTED', `poll ${pollId} aborted by shutdown`, { cause: error });
      throw error;
    }
  }
}

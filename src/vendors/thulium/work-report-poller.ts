import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PollerCheckpoint } from '../../ingest/checkpoint.ts';
import { checkpointRecords } from '../../ingest/checkpoint-format.ts';
import type { Clock } from '../../ingest/clock.ts';
import { vendorDeadLetter } from '../../ingest/dead-letter.ts';
import type { PollerMetrics } from '../../ingest/metrics.ts';
import type { PollerTopics } from '../../ingest/poller-context.ts';
import type { TimeRange } from '../../ingest/time-range.ts';
import type { OutgoingRecord, TransactionalPublisher } from '../../ingest/transactional-publisher.ts';
import { WORK_REPORT } from './endpoint-specs.ts';
import { chunkBoundary, formatLocal, nextChunk, QUARTER_HOUR } from './local-time.ts';
import type { ThuliumClient, WorkReport } from './thulium-client.ts';
import type { ChunkRecords } from './work-report-chunk.ts';
import { buildChunkRecords } from './work-report-chunk.ts';
import { pollWatermarkRecord } from '../../ingest/poll-watermark-record.ts';

export interface WorkReportSettings {
  readonly checkpointKey: string;
  readonly timeZone: string;
  /** Nominal chunk length (a whole number of quarter-hours); chunk ends are moved by {@link chunkBoundary}. */
  readonly chunkMs: number;
  /** A chunk is requested only once its end ≤ now − safetyLagMs. */
  readonly safetyLagMs: number;
  /** Where the first chunk starts without a checkpoint (moved to a chunk boundary). */
  readonly initialStart: number;
  /** Whose rows: these logins, else these groups, else every group `agents_groups` lists. */
  readonly agents: { readonly logins: readonly string[] } | { readonly groupIds: readonly number[] } | { readonly allGroups: true };
  readonly outboundThreshold: number;
  /** Rows per page (1..100). */
  readonly pageSize: number;
}

export interface WorkReportContext {
  readonly tenant: string;
  readonly client: Pick<ThuliumClient, 'workReport' | 'agentsGroups'>;
  readonly publisher: Pick<TransactionalPublisher, 'commit'>;
  readonly clock: Clock;
  readonly metrics: PollerMetrics;
  readonly logger: Logger;
  readonly topics: PollerTopics;
}

export type WorkReportRunResult =
  | { readonly kind: 'idle' }
  | { readonly kind: 'committed'; readonly chunk: TimeRange; readonly published: number; readonly rejected: number; readonly rows: number; readonly caughtUp: boolean };

/** Fetches of one chunk before rows that still fail the checks are dead-lettered (a page taken while the vendor's data moved can misfit once). */
const FETCHES_PER_CHUNK = 2;

/**
 * Polls `agents_work_report` (aggregate_by=minute) of one Thulium tenant, one chunk [a, b) at a time, in order, never
 * skipping one. Chunk ends are quarter-hour boundaries whose local label the vendor reads back as themselves, so
 * `date_from`/`date_to` address exactly [a, b), also across DST changes.
 *
 * Per due chunk (b ≤ now − safetyLag): every page of the answer, then in ONE Kafka transaction the raw records (one
 * per agent and UTC quarter-hour), a dead letter per agent whose rows fail the checks (after a second fetch also
 * failed), the watermark b (source `thulium/agents-work-report`) and the checkpoint (highMark b). A crash before the
 * commit leaves the previous checkpoint, so the chunk is fetched and published again whole; after it, never again.
 * Lifecycle: construct with the restored checkpoint → {@link runOnce}* (never concurrently); after a failed run,
 * construct anew from the topic.
 */
export class WorkReportPoller {
  readonly #ctx: WorkReportContext;
  readonly #settings: WorkReportSettings;
  #checkpoint: PollerCheckpoint | undefined;

  constructor(ctx: WorkReportContext, settings: WorkReportSettings, restored: PollerCheckpoint | undefined) {
    if (settings.chunkMs <= 0 || settings.chunkMs % QUARTER_HOUR !== 0) throw new RangeError('chunkMs must be a positive multiple of 15 minutes');
    this.#ctx = ctx;
    this.#settings = settings;
    this.#checkpoint = restored;
  }

  get checkpoint(): PollerCheckpoint | undefined {
    return this.#checkpoint;
  }

  /** The next chunk, or undefined when it is not due yet. */
  dueChunk(now: number): TimeRange | undefined {
    const start = this.#checkpoint?.highMark ?? chunkBoundary(Math.floor(this.#settings.initialStart / QUARTER_HOUR) * QUARTER_HOUR, this.#settings.timeZone);
    const chunk = nextChunk(start, this.#settings.chunkMs, this.#settings.timeZone);
    return chunk.end <= now - this.#settings.safetyLagMs ? chunk : undefined;
  }

  /** Fetches and commits the next due chunk; idle when none is due. */
  async runOnce(signal?: AbortSignal): Promise<WorkReportRunResult> {
    const { clock, logger, metrics, tenant, topics } = this.#ctx;
    const labels = { tenant, endpoint: WORK_REPORT.endpoint };
    const chunk = this.dueChunk(clock.now());
    if (chunk === undefined) return { kind: 'idle' };
    metrics.inc('polls', labels);
    const pollId = randomUUID();
    let report: WorkReport | undefined;
    let built: ChunkRecords | undefined;
    for (let fetch = 1; fetch <= FETCHES_PER_CHUNK; fetch++) {
      report = await this.#fetch(chunk, signal);
      built = buildChunkRecords(chunk, report.rows, { tenant, source: WORK_REPORT.source, timeZone: this.#settings.timeZone, outboundThreshold: this.#settings.outboundThreshold, polledAt: report.receivedAt, pollId });
      if (built.rejections.length === 0) break;
      if (fetch < FETCHES_PER_CHUNK) logger.warn({ tenant, endpoint: WORK_REPORT.endpoint, chunk: this.#text(chunk), reasons: built.rejections.map((r) => r.reason).slice(0, 3) }, 'work report rows fail the checks; fetching the chunk again');
    }
    if (report === undefined || built === undefined) throw new Error('no fetch of the chunk');
    const now = clock.now();
    const records: OutgoingRecord[] = built.records.map((r) => ({ topic: topics.raw, key: r.login, value: r.value }));
    for (const rejection of built.rejections) {
      records.push(vendorDeadLetter(topics.deadLetter, { source: WORK_REPORT.source, body: JSON.stringify(rejection.rows), reason: rejection.reason, errorCode: rejection.errorCode, retriable: false, failedAt: now }));
    }
    records.push(pollWatermarkRecord(topics, { tenant, source: WORK_REPORT.source, pollId, watermark: chunk.end, publishedAt: now }));
    const next: PollerCheckpoint = { tenant, endpoint: WORK_REPORT.endpoint, highMark: chunk.end, recentKeys: [], pollId, updatedAt: now };
    records.push(...checkpointRecords(topics.checkpoints, this.#settings.checkpointKey, next, this.#checkpoint));
    signal?.throwIfAborted();
    await this.#ctx.publisher.commit(records);
    this.#checkpoint = next;
    const rejectedRows = built.rejections.reduce((n, r) => n + r.rows.length, 0);
    metrics.inc('rows_fetched', labels, report.rows.length);
    metrics.inc('rows_published', labels, built.records.length);
    metrics.inc('short_pages', labels, report.shortPages);
    metrics.inc('rejected_rows', labels, rejectedRows);
    metrics.inc('dead_letters', labels, built.rejections.length);
    for (const rejection of built.rejections) logger.error({ tenant, endpoint: WORK_REPORT.endpoint, login: rejection.login, errorCode: rejection.errorCode, rows: rejection.rows.length, reason: rejection.reason }, 'work report rows dead-lettered');
    logger.info({ tenant, endpoint: WORK_REPORT.endpoint, chunk: this.#text(chunk), agents: built.agents, rows: report.rows.length, requests: report.requests, published: built.records.length, rejected: rejectedRows }, 'work report chunk committed');
    return { kind: 'committed', chunk, published: built.records.length, rejected: rejectedRows, rows: report.rows.length, caughtUp: this.dueChunk(clock.now()) === undefined };
  }

  async #fetch(chunk: TimeRange, signal: AbortSignal | undefined): Promise<WorkReport> {
    const { agents, timeZone, outboundThreshold, pageSize } = this.#settings;
    const who: { agentLogins?: readonly string[]; agentGroupIds?: readonly number[] } =
      'logins' in agents ? { agentLogins: agents.logins } : 'groupIds' in agents ? { agentGroupIds: agents.groupIds } : { agentGroupIds: (await this.#ctx.client.agentsGroups(signal)).map((g) => g.id) };
    if ((who.agentLogins ?? who.agentGroupIds ?? []).length === 0) return { rows: [], requests: 0, shortPages: 0, receivedAt: this.#ctx.clock.now() };
    return this.#ctx.client.workReport({ dateFrom: formatLocal(chunk.start, timeZone), dateTo: formatLocal(chunk.end, timeZone), aggregateBy: 'minute', outboundThreshold, ...who }, pageSize, signal);
  }

  #text(chunk: TimeRange): string {
    return `[${new Date(chunk.start).toISOString()}, ${new Date(chunk.end).toISOString()})`;
  }
}

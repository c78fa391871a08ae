import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BackoffPolicy } from '../../ingest/backoff.ts';
import { backoffDelay } from '../../ingest/backoff.ts';
import type { PollerCheckpoint, ReportJobState } from '../../ingest/checkpoint.ts';
import { checkpointRecords } from '../../ingest/checkpoint-format.ts';
import type { Clock } from '../../ingest/clock.ts';
import type { ClockCheck } from '../../ingest/clock-sanity.ts';
import { rewindFutureCheckpoint } from '../../ingest/clock-sanity.ts';
import { vendorDeadLetter } from '../../ingest/dead-letter.ts';
import type { PollerMetrics } from '../../ingest/metrics.ts';
import type { PollerTopics } from '../../ingest/poller-context.ts';
import type { TimeRange } from '../../ingest/time-range.ts';
import type { OutgoingRecord, TransactionalPublisher } from '../../ingest/transactional-publisher.ts';
import { VendorError } from '../../ingest/vendor-error.ts';
import type { ReportKindSpec, ReportRequestSettings } from './endpoint-specs.ts';
import type { EvoVoiceClient } from './evo-voice-client.ts';
import type { JobWaker } from './job-waker.ts';
import type { ReportInfo } from './report-info.ts';
import { nextWindow } from './report-windows.ts';
import type { WindowPolicy } from './report-windows.ts';
import { buildWindowCommit } from './window-commit.ts';
import { WorkbookError } from './workbook-sheet.ts';

export interface ReportJobSettings extends WindowPolicy {
  readonly checkpointKey: string;
  readonly request: ReportRequestSettings;
  /** Status polls of a job: the first after `initialMs`, then doubling up to `maxMs` (a webhook cuts a wait short). */
  readonly jobPoll: { readonly initialMs: number; readonly maxMs: number };
  /** A job not Completed this long after its submission is stuck: deleted and submitted again. */
  readonly maxWaitForJobMs: number;
  /** Downloads of a Completed job's workbook before the job is given up and the window submitted again. */
  readonly maxDownloadAttempts: number;
  /** Backoff between re-downloads and before re-submitting a window (full jitter, capped). */
  readonly retryBackoff: BackoffPolicy;
  /** Record keys of rows younger than this (before the high mark) are remembered, so a re-run window publishes nothing twice. */
  readonly dedupHorizonMs: number;
  /** Delete finished reports of this kind that are not the job in flight (orphans of a crash or a retried POST). */
  readonly cleanupOrphans: boolean;
  readonly cleanupIntervalMs: number;
  readonly clockCheck: ClockCheck;
}

/** What a report-job poller of one tenant and report kind works with; the publisher is owned by it alone. */
export interface ReportJobContext {
  readonly tenant: string;
  readonly client: Pick<EvoVoiceClient, 'submitReport' | 'listReports' | 'downloadWorkbook' | 'deleteReport'>;
  readonly publisher: Pick<TransactionalPublisher, 'commit'>;
  readonly clock: Clock;
  readonly metrics: PollerMetrics;
  readonly logger: Logger;
  readonly topics: PollerTopics;
  readonly waker: JobWaker;
  readonly random?: () => number;
}

export type ReportRunResult =
  | { readonly kind: 'idle' }
  | { readonly kind: 'committed'; readonly window: TimeRange; readonly reportId: string; readonly published: number; readonly duplicates: number; readonly rejected: number; readonly caughtUp: boolean };

type JobOutcome = { readonly kind: 'completed' | 'error' | 'stuck'; readonly info: ReportInfo } | { readonly kind: 'lost' };
type GiveUpReason = 'error' | 'stuck' | 'lost' | 'unreadable';

const GIVE_UP_COUNTER = { error: 'report_jobs_errored', stuck: 'report_jobs_stuck', lost: 'report_jobs_lost', unreadable: 'report_jobs_lost' } as const;

/**
 * Jobs one run tries for its window before it fails (the loop then logs, marks the poller failing on /readyz, backs
 * off and runs again from the committed checkpoint, which has no job: the window is submitted again, never skipped).
 */
const JOBS_PER_RUN = 5;

/**
 * Polls one Evo Voice report kind of one tenant, one window [a, b) at a time, in order, never skipping one.
 *
 * Per window: submit a report job (when b ≤ now − safetyLag) and commit a checkpoint naming it; poll its status
 * (`GET /reports`, capped doubling waits that a webhook can cut short) until Completed; download and parse the
 * workbook; then commit, in ONE Kafka transaction, the new rows (record-key dedup against the remembered keys),
 * rejected rows as dead letters, the watermark (agent-state: b, the window end) and the
 * checkpoint (high mark b, no job, the job among those to delete); then DELETE the job. A job in Error (dead letter
 * of its ReportInfo), stuck past maxWaitForJobMs, gone from the list, or whose workbook stays unreadable after
 * maxDownloadAttempts is abandoned in a checkpoint commit, deleted, and the window submitted again after a backoff;
 * after {@link JOBS_PER_RUN} such jobs in a row the run fails (VENDOR_UNAVAILABLE), so the loop reports it.
 *
 * A restart re-attaches to the checkpointed job; a crash between commit and delete leaves the job among those to
 * delete (retried on every run, a 404 counts as done), never re-publishes. Lifecycle: construct with the restored
 * checkpoint → {@link runOnce}* (never concurrently); after a failed run, construct anew from the topic.
 */
export class ReportJobPoller {
  readonly spec: ReportKindSpec;
  readonly #ctx: ReportJobContext;
  readonly #settings: ReportJobSettings;
  #checkpoint: PollerCheckpoint | undefined;
  #lastCleanup = Number.NEGATIVE_INFINITY;

  constructor(spec: ReportKindSpec, ctx: ReportJobContext, settings: ReportJobSettings, restored: PollerCheckpoint | undefined) {
    this.spec = spec;
    this.#ctx = ctx;
    this.#settings = settings;
    this.#checkpoint = restored;
  }

  get checkpoint(): PollerCheckpoint | undefined {
    return this.#checkpoint;
  }

  /** Processes the job in flight or the next due window to its commit; idle when no window is due. */
  async runOnce(signal?: AbortSignal): Promise<ReportRunResult> {
    this.#rewindIfAhead(this.#ctx.clock.now());
    await this.#deletePending(signal);
    await this.#cleanupOrphans(signal);
    let job = this.#checkpoint?.reportJob ?? null;
    if (job === null) {
      const window = nextWindow(this.#checkpoint, this.#ctx.clock.now(), this.#settings);
      if (window === undefined) return { kind: 'idle' };
      job = await this.#submit(window, 1, signal);
    }
    for (let failed = 0; ; failed++) {
      const outcome = await this.#awaitJob(job, signal);
      let reason: GiveUpReason;
      if (outcome.kind === 'completed') {
        const result = await this.#downloadAndCommit(job, signal);
        if (result !== 'unreadable' && result !== 'lost') return result;
        reason = result;
      } else {
        reason = outcome.kind;
      }
      const abandoned = await this.#abandon(job, reason, outcome.kind === 'lost' || outcome.kind === 'completed' ? null : outcome.info, signal);
      if (failed + 1 >= JOBS_PER_RUN) {
        throw new VendorError('VENDOR_UNAVAILABLE', `tenant ${this.#ctx.tenant}: ${JOBS_PER_RUN} report jobs in a row for ${windowText(abandoned)} failed (last: ${reason}); the window is submitted again`, { request: `/reports/${this.spec.route}` });
      }
      await this.#ctx.clock.sleep(Math.max(this.#settings.retryBackoff.baseMs, backoffDelay(this.#settings.retryBackoff, job.attempt, this.#ctx.random)), signal);
      job = await this.#submit(abandoned, job.attempt + 1, signal);
    }
  }

  get #labels() {
    return { tenant: this.#ctx.tenant, endpoint: this.spec.endpoint };
  }

  /** The checkpoint to commit: the current one (or a fresh one at `highMark`) with `changes`. */
  #next(changes: Partial<PollerCheckpoint>, highMark: number): PollerCheckpoint {
    const base: PollerCheckpoint = this.#checkpoint ?? { tenant: this.#ctx.tenant, endpoint: this.spec.endpoint, highMark, recentKeys: [], pollId: '', updatedAt: 0 };
    return { ...base, pollId: randomUUID(), updatedAt: this.#ctx.clock.now(), ...changes };
  }

  async #commit(next: PollerCheckpoint, records: readonly OutgoingRecord[], signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    await this.#ctx.publisher.commit([...records, ...checkpointRecords(this.#ctx.topics.checkpoints, this.#settings.checkpointKey, next, this.#checkpoint)]);
    this.#checkpoint = next;
  }

  async #submit(window: TimeRange, attempt: number, signal: AbortSignal | undefined): Promise<ReportJobState> {
    const { client, logger, metrics, tenant, clock } = this.#ctx;
    const info = await client.submitReport(this.spec.route, this.spec.requestBody(window, this.#settings.request), signal);
    const job: ReportJobState = { id: info.id, windowStart: window.start, windowEnd: window.end, submittedAt: clock.now(), attempt };
    metrics.inc('report_jobs_submitted', this.#labels);
    await this.#commit(this.#next({ reportJob: job }, window.start), [], signal);
    logger.info({ tenant, endpoint: this.spec.endpoint, reportId: job.id, window: windowText(window), attempt }, 'report job submitted');
    return job;
  }

  async #awaitJob(job: ReportJobState, signal: AbortSignal | undefined): Promise<JobOutcome> {
    const { client, clock, waker } = this.#ctx;
    const { jobPoll, maxWaitForJobMs, request } = this.#settings;
    for (let polls = 0; ; polls++) {
      const info = (await client.listReports(request.accountId, signal)).find((r) => r.id === job.id);
      if (info === undefined) return { kind: 'lost' };
      if (info.status === 'Completed' || info.status === 'Error') return { kind: info.status === 'Completed' ? 'completed' : 'error', info };
      const left = job.submittedAt + maxWaitForJobMs - clock.now();
      if (left <= 0) return { kind: 'stuck', info };
      await waker.wait(job.id, Math.min(jobPoll.maxMs, jobPoll.initialMs * 2 ** Math.min(polls, 30), left), signal);
    }
  }

  async #downloadAndCommit(job: ReportJobState, signal: AbortSignal | undefined): Promise<ReportRunResult | 'unreadable' | 'lost'> {
    const { client, clock, logger, metrics, tenant } = this.#ctx;
    const window = { start: job.windowStart, end: job.windowEnd };
    for (let attempt = 1; attempt <= this.#settings.maxDownloadAttempts; attempt++) {
      if (attempt > 1) {
        metrics.inc('report_downloads_retried', this.#labels);
        await clock.sleep(Math.max(this.#settings.retryBackoff.baseMs, backoffDelay(this.#settings.retryBackoff, attempt - 1, this.#ctx.random)), signal);
      }
      try {
        const { bytes, receivedAt } = await client.downloadWorkbook(job.id, signal);
        const parsed = await this.spec.parse(bytes, this.#settings.request);
        if (parsed.unknownHeaders.length > 0) logger.warn({ tenant, endpoint: this.spec.endpoint, headers: parsed.unknownHeaders }, 'workbook has columns the header mapping does not know; they are ignored');
        const commit = buildWindowCommit({ spec: this.spec, topics: this.#ctx.topics, settings: this.#settings, tenant, job, parsed, receivedAt, now: clock.now(), remembered: this.#checkpoint?.recentKeys ?? [] });
        const toDelete = [...(this.#checkpoint?.reportJobsToDelete ?? []), job.id];
        await this.#commit(this.#next({ highMark: window.end, recentKeys: commit.recentKeys, reportJob: null, reportJobsToDelete: toDelete }, window.start), commit.records, signal);
        this.#count(commit.counts);
        metrics.inc('report_jobs_completed', this.#labels);
        if (commit.outOfRange.length > 0) logger.warn({ tenant, endpoint: this.spec.endpoint, reportId: job.id, window: windowText(window), rows: commit.outOfRange.length }, 'workbook has rows outside the requested window; they are not published (a neighbouring window covers them)');
        logger.info({ tenant, endpoint: this.spec.endpoint, reportId: job.id, window: windowText(window), ...commit.counts }, 'report window committed');
        await this.#deletePending(signal);
        const caughtUp = nextWindow(this.#checkpoint, clock.now(), this.#settings) === undefined;
        return { kind: 'committed', window, reportId: job.id, published: commit.counts.published, duplicates: commit.counts.duplicates, rejected: commit.counts.rejected, caughtUp };
      } catch (error) {
        if (signal?.aborted === true) throw error;
        if (error instanceof VendorError && error.code === 'VENDOR_NOT_FOUND') return 'lost';
        const unreadable = error instanceof WorkbookError && error.code === 'VENDOR_MALFORMED_RESPONSE';
        if (!unreadable && !(error instanceof VendorError && error.retriable)) throw error;
        logger.warn({ tenant, endpoint: this.spec.endpoint, reportId: job.id, attempt, code: (error as VendorError | WorkbookError).code, err: (error as Error).message }, 'report download failed; downloading again');
      }
    }
    return 'unreadable';
  }

  #count(counts: { fetched: number; published: number; duplicates: number; rejected: number; outOfRange: number }): void {
    const { metrics } = this.#ctx;
    metrics.inc('rows_fetched', this.#labels, counts.fetched);
    metrics.inc('rows_published', this.#labels, counts.published);
    metrics.inc('duplicates_dropped', this.#labels, counts.duplicates);
    metrics.inc('rejected_rows', this.#labels, counts.rejected);
    metrics.inc('out_of_range_rows', this.#labels, counts.outOfRange);
  }

  /**
   * Abandons `job`: a checkpoint without it and with the job among those to delete, and for an Error job a dead
   * letter of its ReportInfo, in one transaction; then deletes it. Returns its window, to submit again.
   */
  async #abandon(job: ReportJobState, reason: GiveUpReason, info: ReportInfo | null, signal: AbortSignal | undefined): Promise<TimeRange> {
    const { clock, logger, metrics, tenant, topics } = this.#ctx;
    const window = { start: job.windowStart, end: job.windowEnd };
    metrics.inc(GIVE_UP_COUNTER[reason], this.#labels);
    const fields = { tenant, endpoint: this.spec.endpoint, reportId: job.id, window: windowText(window), attempt: job.attempt, status: info?.status ?? null, statusMessage: info?.statusMessage ?? null };
    logger.warn(fields, reason === 'error' ? 'report job ended in Error; submitting the window again' : reason === 'stuck' ? 'report job is stuck (not Completed within maxWaitForJobMs); deleting it and submitting the window again' : reason === 'lost' ? 'report job is gone from the report list; submitting the window again' : 'report workbook stayed unreadable; submitting the window again');
    const records: OutgoingRecord[] = [];
    if (reason === 'error' && info !== null) {
      metrics.inc('dead_letters', this.#labels);
      records.push(vendorDeadLetter(topics.deadLetter, { source: this.spec.source, body: JSON.stringify(info), reason: `report job ${job.id} for ${windowText(window)} ended in Error: ${info.statusMessage ?? 'no status message'}`, errorCode: 'report-job-error', retriable: true, failedAt: clock.now() }));
    }
    const toDelete = reason === 'lost' ? [...(this.#checkpoint?.reportJobsToDelete ?? [])] : [...(this.#checkpoint?.reportJobsToDelete ?? []), job.id];
    await this.#commit(this.#next({ reportJob: null, reportJobsToDelete: toDelete }, window.start), records, signal);
    await this.#deletePending(signal);
    return window;
  }

  /** Deletes the reports the checkpoint lists as to delete; a 404 counts as deleted, other failures are retried later. */
  async #deletePending(signal: AbortSignal | undefined): Promise<void> {
    const pending = this.#checkpoint?.reportJobsToDelete ?? [];
    if (pending.length === 0 || this.#checkpoint === undefined) return;
    const kept: string[] = [];
    for (const id of pending) if (!(await this.#delete(id, signal))) kept.push(id);
    this.#checkpoint = { ...this.#checkpoint, reportJobsToDelete: kept };
  }

  async #delete(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    const { client, logger, metrics, tenant } = this.#ctx;
    try {
      await client.deleteReport(id, signal);
      metrics.inc('report_jobs_deleted', this.#labels);
      return true;
    } catch (error) {
      if (error instanceof VendorError && error.code === 'VENDOR_NOT_FOUND') return true;
      if (signal?.aborted === true) throw error;
      metrics.inc('report_job_deletes_failed', this.#labels);
      logger.warn({ tenant, endpoint: this.spec.endpoint, reportId: id, code: (error as VendorError).code, err: (error as Error).message }, 'deleting a finished report failed; retrying on the next run');
      return false;
    }
  }

  /** Deletes finished reports of this kind that are neither in flight nor known (a crash after submit, a retried POST). */
  async #cleanupOrphans(signal: AbortSignal | undefined): Promise<void> {
    const { clock, client, logger, tenant } = this.#ctx;
    const now = clock.now();
    if (!this.#settings.cleanupOrphans || now - this.#lastCleanup < this.#settings.cleanupIntervalMs) return;
    this.#lastCleanup = now;
    const inFlight = this.#checkpoint?.reportJob?.id;
    const reports = await client.listReports(this.#settings.request.accountId, signal);
    const old = (r: ReportInfo) => r.dateCreated !== null && Date.parse(r.dateCreated) < now - this.#settings.maxWaitForJobMs;
    const orphans = reports.filter((r) => r.name === this.spec.reportName && r.id !== inFlight && (r.status === 'Completed' || r.status === 'Error' || old(r)));
    for (const report of orphans) await this.#delete(report.id, signal);
    if (orphans.length > 0) logger.info({ tenant, endpoint: this.spec.endpoint, reports: orphans.map((r) => r.id) }, 'deleted finished reports of ours that no window needs');
  }

  /** A checkpoint far ahead of the clock restarts before now (clock-sanity.ts); its job, for a future window, is dropped. */
  #rewindIfAhead(now: number): void {
    const rewound = rewindFutureCheckpoint(this.#checkpoint, now, this.#settings.clockCheck, { safetyLagMs: this.#settings.safetyLagMs, granularityMs: this.#settings.windowMs });
    if (rewound === undefined || this.#checkpoint === undefined) return;
    const { logger, metrics, tenant } = this.#ctx;
    metrics.inc('checkpoint_rewinds', this.#labels);
    logger.error({ tenant, endpoint: this.spec.endpoint, highMark: new Date(this.#checkpoint.highMark).toISOString(), restartAt: new Date(rewound.highMark).toISOString() }, 'report poller checkpoint is ahead of the clock (was the clock wrong?); windows restart before now');
    const job = this.#checkpoint.reportJob;
    this.#checkpoint = { ...rewound, reportJob: null, reportJobsToDelete: [...(rewound.reportJobsToDelete ?? []), ...(job ? [job.id] : [])] };
  }
}

export function windowText(window: TimeRange): string {
  return `[${new Date(window.start).toISOString()}, ${new Date(window.end).toISOString()})`;
}

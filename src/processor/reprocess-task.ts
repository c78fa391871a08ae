import type { Admin, Batch, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { REPROCESS_REVISION_BASE } from '../config/config.ts';
import type { SourceAdapter } from '../core/source/source-adapter.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import type { OutgoingRecord } from './output-records.ts';
import { deadLetterRecord, quarterHourKey, quarterHourValue } from './output-records.ts';
import { isFencingError } from './partition-producer.ts';
import type { PartitionProducer } from './partition-producer.ts';
import { KafkajsPartitionProducer } from './partition-producer-kafkajs.ts';
import type { BatchControl } from './partition-task-deps.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import type { RawRecordDecoder } from './raw-record-decoder.ts';
import { chunkCorrections } from './reprocess-diff.ts';
import type { ReplayLimits } from './reprocess-diff.ts';
import type { BackfillRange } from './reprocess-coverage.ts';
import { coveringBackfill, readBackfillRanges, retainedSince } from './reprocess-coverage.ts';
import type { PlanOptions, QueuedRequest, ReprocessChunk } from './reprocess-plan.ts';
import { planChunks, TriggerIndex } from './reprocess-plan.ts';
import type { ReprocessorProgress } from './reprocess-progress.ts';
import { progressRecord } from './reprocess-progress.ts';
import type { ReprocessRequest } from './reprocess-requests.ts';
import { scanRawPartition } from './reprocess-scan.ts';
import { fetchPartitionOffsets } from './topic-offsets.ts';

/** What a re-processor task needs from its instance. */
export interface ReprocessTaskDeps {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly serde: AvroSerde;
  readonly decoder: RawRecordDecoder;
  /** The adapter of the raw topic's source (the batch replay and the scan's event spans use it). */
  readonly adapter: SourceAdapter;
  readonly topics: ProcessorTopics;
  /** Consumer group of the request topic; the transactional ids derive from it too. */
  readonly groupId: string;
  readonly plan: PlanOptions & { readonly maxRequestsPerRun: number };
  /** The live engine's session and time limits (config `time`), applied to the batch replay too. */
  readonly limits: ReplayLimits;
  /** The tenants whose direct contacts are fed (direct-contact-tenants.ts): their chunks join them (ReplayLimits.directContacts). */
  readonly directContactTenants?: ReadonlySet<string>;
  /** The `source` of the raw records and of the backfill ranges that cover them. */
  readonly source: string;
  /** The partition's latest committed progress, read with its new `producer` (its first transaction fences older ones; see restoreProgress). */
  readonly restore: (partition: number, producer: PartitionProducer) => Promise<ReprocessorProgress | undefined>;
  readonly seek: (partition: number, offset: number) => void;
  readonly metrics: ProcessorMetrics;
  readonly logger: Logger;
}

interface Run {
  readonly number: number;
  readonly start: number;
  readonly end: number;
  readonly requests: readonly QueuedRequest[];
  readonly rawEnds: ReadonlyMap<number, number>;
  readonly firstChunk: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Re-processes the requests of one partition of the request topic: it takes up to maxRequestsPerRun requests as one
 * run, plans its chunks ({@link planChunks}), and for each chunk scans the raw partition, recomputes the windows with
 * the batch replay ({@link chunkCorrections}) and commits the changed rows (revision 2^30 + run, final) together with
 * its progress in one transaction. A run that was cut short resumes at its next chunk with the same requests, raw
 * end offsets and revision. Any failure aborts the transaction and the task is rebuilt (new producer; progress restored
 * through it, which fences a previous owner and sees every progress it committed; request consumer rewound) before it
 * goes on.
 *
 * Lifecycle: constructed per assigned request partition (restore starts at once) → processBatch, serialised → close
 * once on revocation or shutdown (waits for the operation in flight; idempotent).
 */
export class ReprocessTask {
  readonly partition: number;
  readonly #deps: ReprocessTaskDeps;
  readonly #logger: Logger;
  #producer: PartitionProducer | null = null;
  #progress: ReprocessorProgress | undefined;
  #position = 0;
  #buffer: QueuedRequest[] = [];
  /** The backfill ranges, read once per run when a chunk's raw history turns out to be truncated. */
  #ranges: BackfillRange[] | null = null;
  #queue: Promise<void> = Promise.resolve();
  #broken = true;
  #fenced = false;
  #closed = false;
  readonly ready: Promise<void>;

  constructor(partition: number, deps: ReprocessTaskDeps) {
    this.partition = partition;
    this.#deps = deps;
    this.#logger = deps.logger.child({ requestPartition: partition });
    this.ready = this.#serial(() => this.#rebuild());
  }

  get progress(): ReprocessorProgress | undefined {
    return this.#progress;
  }

  processBatch(batch: Batch, control: BatchControl): Promise<void> {
    if (this.#fenced) return control.heartbeat().then(() => this.#serial(() => this.#processBatch(batch, control)));
    return this.#serial(() => this.#processBatch(batch, control));
  }

  /** Stops at the next chunk boundary (the run resumes there later, here or elsewhere), then closes the producer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#producer?.close();
    this.#producer = null;
  }

  #serial(operation: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch((error: unknown) => this.#logger.error({ err: error }, 'reprocess task operation failed'));
    return run;
  }

  async #processBatch(batch: Batch, control: BatchControl): Promise<void> {
    if (this.#closed) return;
    if (this.#broken) await this.#rebuild();
    if (this.#broken || this.#closed || control.isStale()) return;
    const fetched = Number((batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset() ?? 0);
    if (fetched > this.#position) {
      this.#logger.warn({ fetched, position: this.#position }, 'request batch starts after the task position (stale fetch); rewinding');
      this.#deps.seek(this.partition, this.#position);
      return;
    }
    try {
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        if (offset < this.#position || message.value === null) continue;
        const request = await this.#deps.serde.decode<ReprocessRequest>(message.value);
        this.#buffer.push({
          ...request, offset, firstOffset: Number(request.firstOffset), lastOffset: Number(request.lastOffset), tooLateBefore: Number(request.tooLateBefore),
          eventFrom: Number(request.eventFrom), eventTo: Number(request.eventTo), requestedAt: Number(request.requestedAt),
        });
      }
      this.#position = Math.max(this.#position, Number(batch.lastOffset()) + 1);
      control.resolveOffset(batch.lastOffset());
      await this.#drain(control);
    } catch (error) {
      await this.#fail(error);
    }
  }

  /** Runs while the buffer holds a complete run; a resumed run waits until all of its requests are read again. */
  async #drain(control: BatchControl): Promise<void> {
    for (;;) {
      if (this.#closed || control.isStale()) return;
      const progress = this.#progress;
      let run: Run;
      if (progress !== undefined && progress.chunksDone < progress.chunks) {
        if (this.#position < progress.end) return;
        const requests = this.#buffer.filter((r) => r.offset >= progress.start && r.offset < progress.end);
        run = { number: progress.run, start: progress.start, end: progress.end, requests, rawEnds: progress.rawEnds, firstChunk: progress.chunksDone };
      } else {
        const from = progress?.end ?? 0;
        const requests = this.#buffer.filter((r) => r.offset >= from).slice(0, this.#deps.plan.maxRequestsPerRun);
        if (requests.length === 0) return;
        const rawEnds = new Map((await fetchPartitionOffsets(this.#deps.admin, this.#deps.topics.raw)).map((p) => [p.partition, p.high]));
        run = { number: (progress?.run ?? 0) + 1, start: requests[0]!.offset, end: requests[requests.length - 1]!.offset + 1, requests, rawEnds, firstChunk: 0 };
      }
      if (!(await this.#run(run, control))) return;
      this.#buffer = this.#buffer.filter((r) => r.offset >= run.end);
    }
  }

  /** Commits the run's chunks one transaction each; false when it stopped early (rebalance or shutdown). */
  async #run(run: Run, control: BatchControl): Promise<boolean> {
    const { plan, topics, metrics } = this.#deps;
    const chunks = planChunks(run.requests, plan);
    const triggers = new TriggerIndex(run.requests);
    const revision = REPROCESS_REVISION_BASE + run.number;
    this.#ranges = null;
    if (run.firstChunk === 0) this.#logger.info({ run: run.number, requests: run.requests.length, chunks: chunks.length }, 're-processing run started');
    for (let index = run.firstChunk; index < Math.max(chunks.length, 1); index++) {
      if (this.#closed || control.isStale()) return false;
      try {
        await control.heartbeat();
      } catch (error) {
        this.#logger.info({ err: error, run: run.number, chunk: index }, 'group is rebalancing; the run goes on after it (from its progress if the partition moved)');
        return false;
      }
      const chunk = chunks[index];
      const records = chunk === undefined ? [] : await this.#chunkRecords(chunk, run, triggers, revision);
      const done = Math.min(index + 1, chunks.length);
      const progress: ReprocessorProgress = { requestPartition: this.partition, run: run.number, start: run.start, end: run.end, rawEnds: run.rawEnds, chunks: chunks.length, chunksDone: done, updatedAt: Date.now() };
      records.push(progressRecord(topics.reprocessorProgress, topics.reprocessRequests, progress));
      const last = done === chunks.length;
      await this.#producer!.commit(records, last ? { groupId: this.#deps.groupId, topic: topics.reprocessRequests, partition: this.partition, offset: run.end } : null);
      this.#progress = progress;
      metrics.inc('transactions_committed', { partition: `reprocess-${this.partition}` });
    }
    metrics.inc('reprocess_runs', { partition: String(this.partition) });
    this.#logger.info({ run: run.number, chunks: chunks.length }, 're-processing run committed');
    return true;
  }

  async #chunkRecords(chunk: ReprocessChunk, run: Run, triggers: TriggerIndex, revision: number): Promise<OutgoingRecord[]> {
    const { kafka, admin, decoder, adapter, topics, metrics, plan } = this.#deps;
    const scan = await scanRawPartition(kafka, admin, decoder, adapter, {
      topic: chunk.sourceTopic,
      partition: chunk.sourcePartition,
      end: run.rawEnds.get(chunk.sourcePartition) ?? 0,
      tenant: chunk.tenant,
      users: new Set(chunk.users),
      eventFrom: chunk.start - plan.leadInMs,
      eventTo: chunk.end,
    });
    const range = `[${new Date(chunk.start).toISOString()}, ${new Date(chunk.end).toISOString()})`;
    if (scan.historyTruncated && !(await this.#coveredByBackfill(chunk))) {
      metrics.inc('reprocess_chunks', { outcome: 'refused' });
      metrics.inc('records_dead_lettered', { errorCode: 'REPROCESS_HISTORY_EXPIRED' });
      const reason = `cannot re-process ${range} of tenant ${chunk.tenant}, users ${chunk.users.join(',')}: raw partition ${chunk.sourcePartition} no longer holds every record published since ${new Date(chunk.start - plan.leadInMs).toISOString()} (retention); run a backfill over the range`;
      this.#logger.error({ tenant: chunk.tenant, sourcePartition: chunk.sourcePartition, range, users: chunk.users.length }, 'raw history no longer retained; chunk refused and dead-lettered');
      const source = { topic: topics.reprocessRequests, partition: this.partition, offset: String(chunk.request.offset), key: null, value: null };
      return [deadLetterRecord(topics.deadLetter, source, { errorCode: 'REPROCESS_HISTORY_EXPIRED', reason }, Date.now())];
    }
    const corrections = chunkCorrections(
      chunk.tenant,
      chunk,
      scan.records.map((r) => ({ record: r.record, trigger: triggers.isTrigger(chunk, r.userId, r.offset, r.eventFrom) })),
      adapter,
      { ...this.#deps.limits, directContacts: this.#deps.directContactTenants?.has(chunk.tenant) === true },
    );
    metrics.inc('reprocess_chunks', { outcome: 'recomputed' });
    for (const row of corrections) metrics.inc('reprocess_rows', { status: row.status });
    this.#logger.debug({ range, sourcePartition: chunk.sourcePartition, records: scan.records.length, rows: corrections.length }, 'chunk recomputed');
    return corrections.map((row) => {
      const window = { ...row, revision };
      return { topic: topics.quarterHours, key: quarterHourKey(window), value: quarterHourValue(window) };
    });
  }

  /** A truncated raw history is still complete for the chunk when a backfill re-publishes its range and is retained. */
  async #coveredByBackfill(chunk: ReprocessChunk): Promise<boolean> {
    const { kafka, admin, serde, topics, source } = this.#deps;
    this.#ranges ??= await readBackfillRanges(kafka, admin, serde, topics.backfillRanges);
    const backfill = coveringBackfill(this.#ranges, chunk, source);
    return backfill !== undefined && (await retainedSince(admin, chunk.sourceTopic, chunk.sourcePartition, backfill.startedAt));
  }

  async #fail(error: unknown): Promise<void> {
    this.#deps.metrics.inc('transactions_aborted', { partition: `reprocess-${this.partition}` });
    this.#broken = true;
    this.#fenced = isFencingError(error);
    this.#logger.warn({ err: error, fenced: this.#fenced }, 're-processing failed; rebuilding the task from its progress');
    if (!this.#fenced) await this.#rebuild();
  }

  /** New producer, progress restored with it (which fences the previous owner), request consumer rewound; retried until closed. */
  async #rebuild(): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await this.#producer?.close();
        this.#producer = null;
        const { kafka, serde, groupId, topics } = this.#deps;
        this.#producer = await KafkajsPartitionProducer.open(kafka, serde, `${groupId}-${topics.reprocessRequests}-${this.partition}`);
        const progress = await this.#deps.restore(this.partition, this.#producer);
        const low = (await fetchPartitionOffsets(this.#deps.admin, topics.reprocessRequests)).find((p) => p.partition === this.partition)?.low ?? 0;
        const resume = progress === undefined ? low : progress.chunksDone < progress.chunks ? progress.start : progress.end;
        this.#progress = progress;
        this.#buffer = [];
        this.#position = Math.max(resume, low);
        this.#deps.seek(this.partition, this.#position);
        this.#broken = false;
        this.#fenced = false;
        // A partition with no progress yet is a non-event at start-up: debug, so the console shows what was restored.
        this.#logger[progress === undefined ? 'debug' : 'info']({ position: this.#position, run: progress?.run ?? 0, chunksDone: progress?.chunksDone, chunks: progress?.chunks }, 're-processor progress restored');
        return;
      } catch (error) {
        this.#logger.warn({ err: error, attempt }, 'reprocess task rebuild failed; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  }
}

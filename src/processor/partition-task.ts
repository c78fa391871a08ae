import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Batch } from 'kafkajs';
import type { Logger } from 'pino';
import type { EngineEmission } from '../core/engine/engine-types.ts';
import { TimelineEngine } from '../core/engine/timeline-engine.ts';
import { ValueArena } from '../kafka/value-arena.ts';
import { journalRecord } from './changelog-records.ts';
import { tenantEngineConfig } from './direct-contact-tenants.ts';
import { JournalReplay } from './input-journal.ts';
import type { OutgoingRecord } from './output-records.ts';
import { deadLetterRecord, emissionRecords } from './output-records.ts';
import { encodeAhead, isFencingError } from './partition-producer.ts';
import type { PartitionProducer } from './partition-producer.ts';
import { restorePartitionState } from './partition-state.ts';
import { PartitionStateWriter } from './partition-state-writer.ts';
import type { BatchControl, PartitionTaskDeps } from './partition-task-deps.ts';
import { PendingTransaction } from './pending-transaction.ts';
import { LateRecordCollector, REPROCESSABLE_REJECTIONS } from './reprocess-requests.ts';
import { StateCommitSchedule } from './state-commit-schedule.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records a batch applies between two turns of the event loop. A catch-up's batch holds tens of thousands of records
 * (hundreds of ms of work): without a turn, the other partitions' transactions in flight wait that long for each of
 * their round trips.
 */
const RECORDS_PER_YIELD = 1_000;

/** Spreads the partitions' state commits over the interval: partition p starts at phase (p × 0.618…) mod 1. */
const GOLDEN_RATIO_FRACTION = (Math.sqrt(5) - 1) / 2;

/**
 * The stream task of one input partition: one engine per tenant, restored from the changelog, and one
 * transactional producer. A transaction holds dead letters + engine emissions + consumed offset of one or more
 * batches, with the input journal since the state in the changelog: it commits when a watermark applied, else when
 * {@link PendingTransaction} says it is due. Every `stateIntervalMs` a transaction of its own writes the changelog
 * diff of the state and deletes the journal (with 0, the diff goes in every transaction instead of the journal). Any
 * failure aborts, and the task is rebuilt (new producer, state and journal from the changelog, consumer rewound to
 * the state's position, the journal's input applied again without outputs) before it processes again.
 *
 * Lifecycle: constructed once per assigned partition (restore starts at once) → processBatch / tick, serialised →
 * close once on revocation or shutdown (waits for the operation in flight; idempotent).
 */
export class PartitionTask {
  readonly partition: number;
  readonly #deps: PartitionTaskDeps;
  readonly #logger: Logger;
  #producer: PartitionProducer | null = null;
  #engines = new Map<string, TimelineEngine>();
  #writer: PartitionStateWriter | null = null;
  #nextOffset: number | null = null;
  /** The next input offset the engines have consumed: at or after `#nextOffset`, the committed one (before it only while replaying). */
  #stateOffset: number | null = null;
  /** The state in the changelog, and the journal since; replaced at every restore. */
  #schedule: StateCommitSchedule;
  /** The journal restored with the state, while its input is applied again; null otherwise. */
  #replay: JournalReplay | null = null;
  /** The changelog could not be read by this release: the next commit writes the state with the outputs, replacing it. */
  #replaceChangelog = false;
  readonly #pending: PendingTransaction;
  /** Where the emissions waiting for the next transaction are encoded (encodeAhead); a new one after each commit or failure. */
  #arena = new ValueArena();
  #position = 0;
  #queue: Promise<void> = Promise.resolve();
  #tickQueued = false;
  #broken = true;
  #fenced = false;
  #closed = false;
  #restoreMs: number | null = null;
  readonly ready: Promise<void>;

  constructor(partition: number, deps: PartitionTaskDeps) {
    this.partition = partition;
    this.#deps = deps;
    this.#pending = new PendingTransaction(deps.commitIntervalMs);
    this.#schedule = new StateCommitSchedule(deps.stateIntervalMs, 0, null, 0);
    this.#logger = deps.logger.child({ partition });
    this.ready = this.#serial(() => this.#rebuild());
  }

  /** Milliseconds the last restore took; null until restored. */
  get restoreMs(): number | null {
    return this.#restoreMs;
  }

  /** Input position (next offset) and committed offset, for status pages and diagnostics. */
  get progress(): { position: number; nextOffset: number | null; busy: boolean } {
    return { position: this.#position, nextOffset: this.#nextOffset, busy: this.#tickQueued };
  }

  get restored(): boolean {
    return !this.#broken && !this.#closed;
  }

  /**
   * The consumer skipped a range that holds no data records (transaction markers, aborted records) starting at
   * `firstOffset`; counts only when contiguous with the position, so a stale fetch after a rewind moves nothing.
   */
  noteSkipped(firstOffset: number, nextOffset: number): void {
    if (firstOffset <= this.#position && nextOffset > this.#position) this.#position = nextOffset;
  }

  /**
   * Processes one fetched batch in one transaction and, once committed, resolves its last offset so the consumer
   * fetches on. `heartbeat` throws when the group is rebalancing.
   */
  processBatch(batch: Batch, control: BatchControl): Promise<void> {
    if (this.#fenced) return control.heartbeat().then(() => this.#serial(() => this.#processBatch(batch, control)));
    return this.#serial(() => this.#processBatch(batch, control));
  }

  /**
   * Applies a newly applicable watermark on an idle partition and commits what waits for a transaction when a
   * watermark applied or the commit interval passed, else the state when it is due (so a state commit never holds up
   * the rows of a watermark that other partitions apply in the same turn); skipped while another tick waits.
   */
  tick(): Promise<void> {
    if (this.#tickQueued || this.#closed || this.#fenced) return Promise.resolve();
    this.#tickQueued = true;
    return this.#serial(async () => {
      this.#tickQueued = false;
      if (!(await this.#healthy())) return;
      this.#replayThrough(this.#position);
      const advanced = this.#advance();
      if (advanced !== null) this.#pending.add(advanced);
      if (advanced !== null || this.#pending.due(this.#deps.now())) await this.#commit();
      else if (this.#replay === null && this.#nextOffset !== null && this.#schedule.due(this.#nextOffset, this.#deps.now())) await this.#commitState();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    // the next owner then restores without replaying; a task fenced meanwhile fails this transaction, and nothing changes
    if (!this.#broken && this.#replay === null && this.#nextOffset !== null && this.#schedule.behind(this.#nextOffset)) await this.#commitState();
    await this.#producer?.close();
    this.#producer = null;
    this.#engines.clear();
  }

  #serial(operation: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch((error: unknown) => this.#logger.error({ err: error }, 'partition task operation failed'));
    return run;
  }

  async #healthy(): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#broken) await this.#rebuild();
    return !this.#broken && !this.#closed;
  }

  async #processBatch(batch: Batch, control: BatchControl): Promise<void> {
    if (!(await this.#healthy()) || control.isStale()) return;
    const fetched = Number((batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset() ?? 0);
    const stateOffset = this.#stateOffset;
    if (stateOffset !== null && fetched > stateOffset) {
      const low = await this.#deps.lowOffset(this.partition);
      if (stateOffset >= low) {
        this.#logger.warn({ fetched, stateOffset, nextOffset: this.#nextOffset }, 'batch starts after the state position (stale fetch); rewinding');
        this.#deps.seek(this.partition, stateOffset);
        return;
      }
      this.#logger.error({ fetched, stateOffset, nextOffset: this.#nextOffset, low }, 'input records were deleted by retention before they were processed');
    }
    const { metrics, topics } = this.#deps;
    const records: OutgoingRecord[] = [];
    const { reprocess, adapter } = this.#deps;
    const late = reprocess === null ? null : new LateRecordCollector(batch.topic, this.partition, reprocess, adapter);
    const partitionLabel = { partition: String(this.partition) };
    // handed to the metrics at the first record, at each turn of the event loop and at the end
    let consumed = 0;
    const countConsumed = (): void => {
      if (consumed > 0) metrics.inc('records_consumed', partitionLabel, consumed);
      consumed = 0;
    };
    try {
      const failedAt = Date.now();
      const sourceOf = (message: Batch['messages'][number]) => ({ topic: batch.topic, partition: this.partition, offset: message.offset, key: message.key, value: message.value });
      let sinceYield = 0;
      let started = false;
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        if (stateOffset !== null && offset < stateOffset) continue;
        if (++sinceYield > RECORDS_PER_YIELD) {
          sinceYield = 0;
          countConsumed();
          await yieldToIo();
        }
        consumed++;
        if (!started) {
          started = true;
          countConsumed();
        }
        if (this.#replay !== null) {
          this.#replayThrough(offset);
          if (this.#replay !== null) {
            await this.#replayRecord(message.value);
            continue;
          }
        }
        const decoded = this.#deps.decoder.decodeIfKnown(message.value) ?? (await this.#deps.decoder.decode(message.value));
        if ('errorCode' in decoded) {
          records.push(deadLetterRecord(topics.deadLetter, sourceOf(message), decoded, failedAt));
          metrics.inc('records_dead_lettered', { errorCode: decoded.errorCode });
          continue;
        }
        const engine = this.#engine(decoded.tenant);
        const rejection = engine.ingestRecord(decoded.record, adapter);
        if (late !== null && rejection !== null && REPROCESSABLE_REJECTIONS.has(rejection) && engine.currentWatermark !== null) {
          const { allowedLatenessMs, correctionHorizonMs } = this.#deps.engine;
          late.add(decoded.tenant, decoded.record, Number(message.offset), engine.currentWatermark - allowedLatenessMs - correctionHorizonMs);
          metrics.inc('records_reprocess_requested', partitionLabel);
        } else if (rejection !== null) {
          records.push(deadLetterRecord(topics.deadLetter, sourceOf(message), { errorCode: rejection, reason: `rejected by the timeline engine: ${rejection}` }, failedAt));
          metrics.inc('records_dead_lettered', { errorCode: rejection });
        }
      }
      countConsumed();
    } catch (error) {
      countConsumed();
      await this.#fail(error);
      return;
    }
    const next = Number(batch.lastOffset()) + 1;
    if (next > this.#position) this.#position = next;
    metrics.set('consumer_lag', { partition: String(this.partition) }, Math.max(0, Number(batch.highWatermark) - next));
    if (late !== null) records.push(...late.records(Date.now()));
    this.#pending.add(records);
    if (stateOffset === null || next > stateOffset) this.#stateOffset = next;
    this.#replayThrough(next);
    const advanced = this.#advance();
    if (advanced !== null) this.#pending.add(advanced);
    this.#pending.inputProcessed(this.#deps.now());
    // once resolved, the consumer fetches on; uncommitted input is read again from the committed offset after a failure
    if (advanced !== null || this.#pending.due(this.#deps.now())) {
      if (await this.#commit()) control.resolveOffset(batch.lastOffset());
    } else {
      control.resolveOffset(batch.lastOffset());
    }
  }

  /**
   * Applies a replayed record (its offset is before the journal's end): its outputs were committed already, so it
   * only goes to its engine; a record that was dead-lettered is skipped again.
   */
  async #replayRecord(value: Buffer | null): Promise<void> {
    const decoded = this.#deps.decoder.decodeIfKnown(value) ?? (await this.#deps.decoder.decode(value));
    this.#deps.metrics.inc('journal_records_replayed', { partition: String(this.partition) });
    if (!('errorCode' in decoded)) this.#engine(decoded.tenant).ingestRecord(decoded.record, this.#deps.adapter);
  }

  /**
   * While replaying, applies the journal's watermarks up to input `position` (the engines have consumed all input
   * before it), each with the wall clock it first had; ends the replay once the input reached the journal's end.
   */
  #replayThrough(position: number): void {
    const replay = this.#replay;
    if (replay === null) return;
    for (const step of replay.stepsThrough(position)) this.#engine(step.tenant).advanceWatermark(step.watermark, step.wallClock);
    if (!replay.done(position)) return;
    this.#replay = null;
    this.#logger.info({ stateOffset: this.#schedule.stateOffset, nextOffset: replay.until, steps: this.#schedule.steps }, 'input journal replayed');
    this.#reportWatermarks();
  }

  /** Applies every newly applicable watermark; returns the emissions as records, or null when none applied (or while replaying). */
  #advance(): OutgoingRecord[] | null {
    if (this.#replay !== null) return null;
    let advanced = false;
    const records: OutgoingRecord[] = [];
    for (const [tenant, watermark] of this.#deps.watermarks.applicable(this.partition, this.#position)) {
      const engine = this.#engine(tenant);
      const current = engine.currentWatermark;
      if (current !== null && watermark <= current) continue;
      const seenAt = this.#deps.watermarks.firstSeen(tenant, current, watermark);
      const rejectedBefore = engine.rejected['watermark-ahead-of-clock'] ?? 0;
      const unmatchedBefore = engine.rejected['direct-contact-unmatched'] ?? 0;
      const wallClock = this.#deps.now();
      const emissions = engine.advanceWatermark(watermark, wallClock);
      this.#schedule.applied({ position: this.#stateOffset ?? 0, tenant, watermark, wallClock });
      if ((engine.rejected['watermark-ahead-of-clock'] ?? 0) !== rejectedBefore) {
        this.#deps.metrics.inc('watermarks_rejected', { reason: 'watermark-ahead-of-clock' });
        continue;
      }
      advanced = true;
      if (seenAt !== null) this.#pending.watermarkApplied(seenAt);
      const unmatched = (engine.rejected['direct-contact-unmatched'] ?? 0) - unmatchedBefore;
      if (unmatched > 0) this.#deps.metrics.inc('direct_contacts_unmatched', { partition: String(this.partition) }, unmatched);
      this.#count(emissions);
      this.#deps.metrics.inc('watermarks_applied', { partition: String(this.partition) });
      records.push(...encodeAhead(this.#deps.serde, emissionRecords(this.#deps.topics, emissions), this.#arena));
    }
    return advanced ? records : null;
  }

  /**
   * Commits the pending records and the input's offset in one transaction, with the input journal, or with the
   * state's changes when `stateIntervalMs` is 0; then the state in a transaction of its own when it is due. True
   * when committed (or when there was nothing to commit).
   */
  async #commit(): Promise<boolean> {
    const stateOffset = this.#stateOffset;
    const next = stateOffset !== null && (this.#nextOffset === null || stateOffset > this.#nextOffset) ? stateOffset : null;
    const offset = next ?? this.#nextOffset;
    const withState = this.#deps.stateIntervalMs === 0 || this.#replaceChangelog;
    const journal = withState || offset === null ? null : this.#schedule.journalText(offset);
    let changelog: OutgoingRecord[];
    try {
      // the engines hand out their changes once: whatever fails from here on rebuilds the state from the changelog
      const { topics } = this.#deps;
      changelog = withState ? this.#writer!.records(this.#engines, offset, this.#schedule.written !== null) : journal === this.#schedule.written ? [] : [journalRecord(topics.changelog, topics.raw, this.partition, journal, Date.now())];
    } catch (error) {
      await this.#fail(error);
      return false;
    }
    const records = this.#pending.records;
    if (records.length === 0 && changelog.length === 0 && next === null) {
      this.#committed();
      return true;
    }
    const { groupId, topics, metrics } = this.#deps;
    try {
      await this.#producer!.commit([...records, ...changelog], next === null ? null : { groupId, topic: topics.raw, partition: this.partition, offset: next });
    } catch (error) {
      await this.#fail(error);
      return false;
    }
    this.#committed();
    if (next !== null) this.#nextOffset = next;
    if (withState) this.#stateAccepted();
    else this.#schedule.journalCommitted(journal);
    metrics.inc('transactions_committed', { partition: String(this.partition) });
    this.#reportWatermarks();
    // a full journal is not left for the next tick: a catch-up's batches may come first
    return withState || this.#nextOffset === null || !this.#schedule.full(this.#nextOffset) || (await this.#commitState());
  }

  /** Writes the state at the committed offset (and deletes the journal) in a transaction of its own. True when committed. */
  async #commitState(): Promise<boolean> {
    const started = performance.now();
    let records: OutgoingRecord[];
    try {
      records = this.#writer!.records(this.#engines, this.#nextOffset, this.#schedule.written !== null);
      await this.#producer!.commit(records, null);
    } catch (error) {
      await this.#fail(error);
      return false;
    }
    this.#stateAccepted();
    this.#deps.metrics.inc('transactions_committed', { partition: String(this.partition) });
    this.#deps.metrics.observe('state_commit_ms', { partition: String(this.partition) }, performance.now() - started);
    return true;
  }

  /** The last transaction committed the state: the changelog's baseline now, without a journal. */
  #stateAccepted(): void {
    this.#writer!.accept();
    this.#schedule.stateCommitted(this.#nextOffset ?? 0, this.#deps.now());
    this.#replaceChangelog = false;
    this.#deps.metrics.inc('state_commits', { partition: String(this.partition) });
  }

  /** After a commit: nothing waits any more; the watermarks it applied are observed. */
  #committed(): void {
    this.#arena = new ValueArena();
    for (const ms of this.#pending.committed(this.#deps.now())) this.#deps.metrics.observe('watermark_commit_ms', { partition: String(this.partition) }, ms);
  }

  /** Passes the committed watermarks (after a commit, or as restored from the changelog) on to `onCommitted`. */
  #reportWatermarks(): void {
    const watermarks = new Map<string, number>();
    for (const [tenant, engine] of this.#engines) if (engine.currentWatermark !== null) watermarks.set(tenant, engine.currentWatermark);
    for (const [tenant, watermark] of watermarks) this.#deps.metrics.set('applied_watermark_ms', { partition: String(this.partition), tenant }, watermark);
    this.#deps.onCommitted(this.partition, watermarks);
  }

  async #fail(error: unknown): Promise<void> {
    this.#deps.metrics.inc('transactions_aborted', { partition: String(this.partition) });
    this.#broken = true;
    this.#pending.discard();
    this.#arena = new ValueArena();
    this.#fenced = isFencingError(error);
    this.#logger.warn({ err: error, fenced: this.#fenced }, 'transaction aborted; rebuilding the partition from its changelog');
    if (!this.#fenced) await this.#rebuild();
  }

  /** New producer (fences the previous owner), state from the changelog, consumer rewound; retried until closed. */
  async #rebuild(): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await this.#producer?.close();
        this.#producer = null;
        const { groupId, topics } = this.#deps;
        this.#producer = await this.#deps.openProducer(`${groupId}-${topics.raw}-${this.partition}`);
        const started = performance.now();
        const entries = await this.#deps.restore(this.partition);
        const state = restorePartitionState(entries, this.#deps.engine);
        if (state.unreadable !== null) {
          this.#deps.metrics.inc('state_format_rebuilds', { partition: String(this.partition) });
          this.#logger.error({ err: state.unreadable, records: entries.length }, 'changelog not readable by this release; rebuilding the partition state from the raw topic');
        }
        this.#engines = state.engines;
        const { engine, stateEntryMaxBytes, metrics } = this.#deps;
        this.#writer = new PartitionStateWriter({ topics, partition: this.partition, engine, stateEntryMaxBytes, metrics, logger: this.#logger }, state.baseline);
        const low = await this.#deps.lowOffset(this.partition);
        const stateAt = state.nextOffset ?? low;
        this.#schedule = new StateCommitSchedule(this.#deps.stateIntervalMs, stateAt, state.journal, this.#deps.now(), (this.partition * GOLDEN_RATIO_FRACTION) % 1);
        // a changelog this release could not read is replaced in the first commit, as when the state goes in every one
        this.#replaceChangelog = state.unreadable !== null;
        this.#replay = state.journal === null ? null : new JournalReplay(state.journal);
        this.#nextOffset = state.journal?.nextOffset ?? stateAt;
        this.#stateOffset = stateAt;
        this.#position = Math.max(stateAt, low);
        this.#restoreMs = performance.now() - started;
        this.#deps.metrics.set('restore_ms', { partition: String(this.partition) }, this.#restoreMs);
        this.#deps.metrics.set('restored_entries', { partition: String(this.partition) }, entries.length);
        this.#deps.metrics.inc('task_rebuilds', { partition: String(this.partition) });
        this.#deps.seek(this.partition, stateAt);
        this.#reportWatermarks();
        this.#broken = false;
        this.#fenced = false;
        // A partition with no state yet is a non-event at start-up: debug, so the console shows what was restored.
        this.#logger[entries.length === 0 && state.nextOffset === null ? 'debug' : 'info']({ restoreMs: Math.round(this.#restoreMs), entries: entries.length, nextOffset: state.nextOffset, journal: state.journal === null ? null : { nextOffset: state.journal.nextOffset, steps: state.journal.steps.length } }, 'partition state restored');
        this.#replayThrough(stateAt);
        return;
      } catch (error) {
        this.#logger.warn({ err: error, attempt }, 'partition rebuild failed; retrying');
        await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  #engine(tenant: string): TimelineEngine {
    let engine = this.#engines.get(tenant);
    if (engine === undefined) {
      engine = new TimelineEngine(tenantEngineConfig(this.#deps.engine, tenant));
      this.#engines.set(tenant, engine);
    }
    return engine;
  }

  #count(emissions: readonly EngineEmission[]): void {
    const windows = new Map<string, number>();
    let segments = 0;
    let states = 0;
    for (const emission of emissions) {
      if (emission.type === 'window') windows.set(emission.window.status, (windows.get(emission.window.status) ?? 0) + 1);
      else if (emission.type === 'segment') segments++;
      else states++;
    }
    const { metrics } = this.#deps;
    for (const [status, count] of windows) metrics.inc('window_emissions', { status }, count);
    if (segments > 0) metrics.inc('segment_emissions', {}, segments);
    if (states > 0) metrics.inc('agent_state_emissions', {}, states);
  }
}

import type { Logger } from 'pino';
import { TimelineEngine } from '../core/engine/timeline-engine.ts';
import type { JoinedChangelog } from './changelog-records.ts';
import { journalRecord } from './changelog-records.ts';
import { ChangelogTracker } from './changelog-tracker.ts';
import type { ProcessorEngineConfig } from './direct-contact-tenants.ts';
import { tenantEngineConfig } from './direct-contact-tenants.ts';
import type { OutgoingRecord } from './output-records.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorTopics } from './processor-topics.ts';
import { StateBlockWriter } from './state-blocks.ts';
import type { WritableEntry } from './state-entries.ts';
import { partitionEntry } from './state-entries.ts';
import { largestEntryBytes, oversizedEntries, quarantineDeadLetter, quarantineSnapshot } from './state-quarantine.ts';

/** What a partition's state writer needs from its task. */
export interface PartitionStateWriterDeps {
  readonly topics: ProcessorTopics;
  readonly partition: number;
  readonly engine: Readonly<ProcessorEngineConfig>;
  /** A user or session entry above this many bytes is quarantined (state-quarantine.ts). */
  readonly stateEntryMaxBytes: number;
  readonly metrics: ProcessorMetrics;
  readonly logger: Logger;
}

/**
 * Writes a partition's engines' state to its changelog: their changed entries in blocks (state-blocks.ts), as the
 * diff against what the changelog holds (changelog-tracker.ts), with the partition entry (the input position) and,
 * when the changelog holds a journal, its tombstone. A user or session entry above `stateEntryMaxBytes` is
 * quarantined first: the tenant's engine is replaced by one restored from the trimmed snapshot, with a dead letter
 * per quarantined entry.
 *
 * Lifecycle: one per restore of a partition task, from the restored baseline; {@link records} for each transaction
 * that writes the state (the engines hand out their changes once), {@link accept} once that transaction committed.
 * After a failed one the task restores, with a new writer.
 */
export class PartitionStateWriter {
  readonly #deps: PartitionStateWriterDeps;
  readonly #tracker: ChangelogTracker;
  readonly #blocks = new StateBlockWriter();

  constructor(deps: PartitionStateWriterDeps, baseline: JoinedChangelog) {
    this.#deps = deps;
    this.#tracker = new ChangelogTracker({ topic: deps.topics.changelog, inputTopic: deps.topics.raw, partition: deps.partition, restored: baseline });
  }

  /**
   * The records that write the state of `engines` as at input `offset`: dead letters for quarantined entries, the
   * changelog diff, and the journal's tombstone when `journalWritten`. Replaces a tenant's engine in `engines` when it
   * quarantined an entry. Throws when the entries cannot be built.
   */
  records(engines: Map<string, TimelineEngine>, offset: number | null, journalWritten: boolean): OutgoingRecord[] {
    const { metrics, topics, partition } = this.#deps;
    const entries: WritableEntry[] = offset === null ? [] : [partitionEntry(offset)];
    const records: OutgoingRecord[] = [];
    for (const [tenant, engine] of [...engines]) entries.push(...this.#tenantEntries(engines, tenant, engine, records));
    metrics.set('largest_state_entry_bytes', { partition: String(partition) }, largestEntryBytes(entries));
    const changelog = this.#tracker.diff(entries, Date.now());
    if (journalWritten) {
      const tombstone = journalRecord(topics.changelog, topics.raw, partition, null, 0);
      if (!changelog.some((record) => record.key === tombstone.key)) changelog.push(tombstone);
    }
    return [...records, ...changelog];
  }

  /** The transaction with the last {@link records} committed: they are what the changelog holds now. */
  accept(): void {
    this.#tracker.accept();
  }

  #tenantEntries(engines: Map<string, TimelineEngine>, tenant: string, engine: TimelineEngine, records: OutgoingRecord[]): WritableEntry[] {
    const { metrics, topics, partition, stateEntryMaxBytes, logger } = this.#deps;
    const entries = this.#blocks.entries(tenant, engine.persistedChanges());
    const oversized = oversizedEntries(entries, stateEntryMaxBytes);
    if (oversized.length === 0) return entries;
    const trimmed = TimelineEngine.restore(quarantineSnapshot(engine.snapshot(), oversized), tenantEngineConfig(this.#deps.engine, tenant));
    engines.set(tenant, trimmed);
    for (const item of oversized) {
      records.push(quarantineDeadLetter(topics, partition, tenant, item, entries, stateEntryMaxBytes, Date.now()));
      metrics.inc('records_dead_lettered', { errorCode: 'STATE_TOO_LARGE' });
      metrics.inc('state_quarantined', { partition: String(partition), kind: item.kind });
      logger.error({ tenant, kind: item.kind, id: item.id, bytes: item.bytes, limit: stateEntryMaxBytes }, 'oversized state quarantined');
    }
    return this.#blocks.entries(tenant, trimmed.persistedChanges());
  }
}

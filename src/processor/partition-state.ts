import type { ProcessorEngineConfig } from './direct-contact-tenants.ts';
import { tenantEngineConfig } from './direct-contact-tenants.ts';
import { SnapshotFormatError } from '../core/engine/snapshot-format.ts';
import { TimelineEngine } from '../core/engine/timeline-engine.ts';
import type { JoinedChangelog, StoredRecord } from './changelog-records.ts';
import { ChangelogFormatError, joinRecords } from './changelog-records.ts';
import type { InputJournal } from './input-journal.ts';
import { assembleState } from './state-entries.ts';

/** The state of one input partition as restored from its changelog. */
export interface RestoredPartition {
  /** One engine per tenant. */
  readonly engines: Map<string, TimelineEngine>;
  /** The input position the state corresponds to; null when there is none (start at the raw topic's low offset). */
  readonly nextOffset: number | null;
  /** The input and watermarks committed after the state, to apply again before processing on (input-journal.ts); null: none. */
  readonly journal: InputJournal | null;
  /** What the changelog holds, as the baseline of the next diff. */
  readonly baseline: JoinedChangelog;
  /**
   * Set when the changelog could not be read by this release (a newer format version, an unknown entry kind, a
   * missing part, a malformed entry): the state is then empty, the task replays the raw topic from its low offset, and the first
   * commit replaces every record of the old changelog.
   */
  readonly unreadable: Error | null;
}

/** True for the errors that mean "this release cannot read that changelog" (as opposed to an I/O failure). */
export function isStateFormatError(error: unknown): boolean {
  return error instanceof SnapshotFormatError || error instanceof ChangelogFormatError;
}

/**
 * Turns the latest changelog records of one partition into engines: joins parts, migrates every entry from the
 * version it was written in (snapshot-format.ts) and restores the engines. A changelog this release cannot read is
 * never misread and never retried forever: it yields an empty state with `unreadable` set (see
 * {@link RestoredPartition.unreadable}); so is one with a malformed entry (see {@link malformed}).
 */
export function restorePartitionState(records: readonly StoredRecord[], engine: ProcessorEngineConfig): RestoredPartition {
  try {
    const joined = joinRecords(records);
    const state = assembleState(joined.entries.map((j) => ({ ...j.entry, version: j.version })));
    const engines = new Map<string, TimelineEngine>();
    for (const [tenant, snapshot] of state.engines) engines.set(tenant, TimelineEngine.restore(snapshot, tenantEngineConfig(engine, tenant)));
    return { engines, nextOffset: state.nextOffset, journal: state.journal, baseline: joined, unreadable: null };
  } catch (error) {
    const unreadable = isStateFormatError(error) ? (error as Error) : malformed(error);
    return { engines: new Map(), nextOffset: null, journal: null, baseline: { entries: [], orphans: records.map((r) => r.key) }, unreadable };
  }
}

/**
 * Any other failure while reading records already in memory is their content's: an entry that claims a version this
 * release reads but does not parse or does not have the shape of one (a bug of the writer, a record written by hand).
 * It is unreadable like a newer format, so the task rebuilds from the raw topic instead of failing the same way on
 * every retry.
 */
function malformed(error: unknown): ChangelogFormatError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ChangelogFormatError(`the changelog holds a malformed entry (${reason})`, { cause: error });
}

import type { DirectContact } from '../direct/direct-contact.ts';
import type { AgentEvent } from '../events/agent-event.ts';
import type { WindowReport } from '../events/window-report.ts';
import type { EventTimeLimits } from '../time/time-limits.ts';
import type { SourceId } from './source-id.ts';

/**
 * Result of adapting one raw record: its canonical events (state changes) and, for a source that reports aggregates,
 * its window reports, or the direct contacts it states (core/direct: joined to the user's call runs); one kind per
 * record. Or a stable kebab-case reason why it is unusable.
 */
export type AdaptResult =
  | { readonly events: readonly AgentEvent[]; readonly reports?: readonly WindowReport[]; readonly directContacts?: readonly DirectContact[] }
  | { readonly rejection: string };

/**
 * Maps one raw record of a vendor (unknown JSON, as its raw topic carries it after Avro decoding) onto canonical
 * events. Vendor folders (src/vendors/<vendor>/) implement it; the core, the processor and the replay take it as a
 * parameter and never import a vendor.
 *
 * Contract: pure and total. `adapt` never throws; checks run in a fixed order, so the rejection of a record is
 * stable. `limits` bound an event time's distance from its record's own recording time (time-limits.ts).
 */
export interface SourceAdapter {
  readonly source: SourceId;
  adapt(record: unknown, limits: EventTimeLimits): AdaptResult;
}

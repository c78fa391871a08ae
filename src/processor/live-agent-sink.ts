import type { AgentSnapshot } from '../core/live/agent-snapshot.ts';
import type { LiveContact } from '../core/live/live-contact.ts';
import type { LiveAgentStore, LiveWrite } from '../state/live-agent-store.ts';
import { RawRowSink } from './raw-row-sink.ts';
import type { RawRowSinkWiring } from './raw-row-sink.ts';

type Decode<T> = (value: Readonly<Record<string, unknown>>) => T | { readonly problem: string };

/**
 * A source's live feeds (ProcessorSource.live): the raw topic of its current-state snapshots and that of its contact
 * records, with the vendor's decoders onto the vendor-neutral live view (src/core/live).
 */
export interface LiveFeeds {
  /** Logical name of the snapshot topic (raw.sinch.agent-status). */
  readonly snapshotTopic: string;
  /** Logical name of the contact topic (raw.sinch.contacts). */
  readonly contactTopic: string;
  readonly decodeSnapshot: Decode<AgentSnapshot>;
  readonly decodeContact: Decode<LiveContact>;
}

export interface LiveAgentSinkOptions extends RawRowSinkWiring {
  readonly store: Pick<LiveAgentStore, 'write' | 'epoch'>;
  readonly feeds: LiveFeeds;
  /** The physical names of the feeds' topics. */
  readonly snapshotTopic: string;
  readonly contactTopic: string;
}

/**
 * Keeps the live view of the agents in Redis ({@link LiveAgentStore}) from a source's snapshot and contact topics,
 * through a {@link RawRowSink}: each record is decoded by the vendor's decoder and written with an idempotent
 * compare-and-set keyed by its natural key (userId, contactId), so replays and reorderings converge; a record the
 * decoder refuses is dead-lettered, counted and logged.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class LiveAgentSink extends RawRowSink<LiveWrite> {
  constructor(options: LiveAgentSinkOptions) {
    const { feeds, snapshotTopic, contactTopic, ...rest } = options;
    const toRow = (topic: string, value: Readonly<Record<string, unknown>>): LiveWrite | { problem: string } => {
      if (topic === snapshotTopic) {
        const snapshot = feeds.decodeSnapshot(value);
        return 'problem' in snapshot ? snapshot : { kind: 'snapshot', snapshot };
      }
      const contact = feeds.decodeContact(value);
      return 'problem' in contact ? contact : { kind: 'contact', contact };
    };
    super({ ...rest, topics: [snapshotTopic, contactTopic], toRow, what: 'live agent record', component: 'live-agent-sink' });
  }
}

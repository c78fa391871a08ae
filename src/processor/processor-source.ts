import type { SourceAdapter } from '../core/source/source-adapter.ts';
import type { SourceId } from '../core/source/source-id.ts';
import type { DirectContactFeed } from './direct-contact-router.ts';
import type { LiveFeeds } from './live-agent-sink.ts';

/**
 * One vendor source the timeline processor takes in: its raw topic, the adapter that maps the topic's records onto
 * canonical events, and the poll watermarks that move its event time. `process` runs one supervised processor per
 * source (docs/processor.md "Sources"); all of them write the same output topics, changelog topic and Redis store.
 * The concrete sources are wired in src/cli (processor-sources.ts): the processor never imports a vendor.
 */
export interface ProcessorSource {
  /**
   * The name PROCESSOR_SOURCES lists it under: a source id, or for a vendor with two raw topics one per topic
   * (`thulium-reports`, `thulium-statuses`). It names the source's supervisor, readiness checks and metrics.
   */
  readonly name: string;
  /** The vendor system of its records (every engine user of the source carries it). */
  readonly id: SourceId;
  readonly adapter: SourceAdapter;
  /** Logical name of the raw topic (topologies/agent-timelines.topology.json; TOPIC_PREFIX is prepended). */
  readonly rawTopic: string;
  /** The raw topic's value schema (schemas/<name>.avsc), the reader schema of the decoder. */
  readonly rawSchema: string;
  /** The `source` of the poll watermarks on control.poll-watermarks that move this source's event time. */
  readonly watermarkSource: string;
  /** The consumer group of this source's processor; its transactional ids derive from it and the raw topic. */
  readonly groupId: string;
  /**
   * Whether records too late for the live engine go to the re-processor; when false they are dead-lettered
   * (`too-late`), which a source whose poller publishes rows and their watermark together never produces.
   */
  readonly reprocess: boolean;
  /**
   * Logical name of the source's raw billing topic, when it has one (Evo Voice: raw.evovoice.billing): the source's
   * instances also run the billing sink (billing-sink.ts) that stores its rows in Redis as they are, for GET /billing.
   */
  readonly billingTopic?: string;
  /**
   * Whether the source's watermarks raise its tenants' completeness in Redis (the point up to which quarter-hours are
   * final; docs/redis.md). Default true; false for a source that publishes no quarter-hours of its own (Thulium's
   * statuses), whose watermarks would otherwise claim the tenant's statistics final before its reports are in.
   */
  readonly completeness?: boolean;
  /**
   * The source's live feeds, when it has them (Sinch RAI: the agentStatus snapshots and the contact records): the
   * source's instances also run the live agent sink (live-agent-sink.ts) that keeps what /agentStatus serves beyond the
   * timeline (reporting group, agent info, active contacts) in Redis.
   */
  readonly live?: LiveFeeds;
  /**
   * The source's direct-contact route, when it has one (Sinch RAI: raw.sinch.contacts): the source's instances also run
   * the direct-contact router (direct-contact-router.ts), which re-keys the direct contacts onto the raw topic by user
   * for the engine's join (docs/metrics.md, "Direct contacts").
   */
  readonly directContacts?: DirectContactFeed;
}

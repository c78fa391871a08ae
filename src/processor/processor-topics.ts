import { physicalTopicName } from '../topology/load-topology.ts';

/** The physical topics the timeline processor of one source reads and writes. */
export interface ProcessorTopics {
  /** The source's raw topic (the processor's input). */
  readonly raw: string;
  readonly watermarks: string;
  readonly quarterHours: string;
  readonly segments: string;
  readonly agentState: string;
  readonly changelog: string;
  readonly deadLetter: string;
  /** Too-late records, per user and batch, for the re-processor. */
  readonly reprocessRequests: string;
  readonly reprocessorProgress: string;
  /** Backfills announce the ranges they re-publish here. */
  readonly backfillRanges: string;
}

/** The topics of the processor of a source whose raw topic is `rawTopic` (logical name); all but `raw` are shared. */
export function processorTopics(prefix: string, rawTopic: string): ProcessorTopics {
  return {
    raw: physicalTopicName(prefix, rawTopic),
    watermarks: physicalTopicName(prefix, 'control.poll-watermarks'),
    quarterHours: physicalTopicName(prefix, 'out.agent-statistic-quarter-hour'),
    segments: physicalTopicName(prefix, 'out.timeline-segments'),
    agentState: physicalTopicName(prefix, 'out.agent-state'),
    changelog: physicalTopicName(prefix, 'state.timeline-processor-changelog'),
    deadLetter: physicalTopicName(prefix, 'ops.dead-letter'),
    reprocessRequests: physicalTopicName(prefix, 'control.reprocess-requests'),
    reprocessorProgress: physicalTopicName(prefix, 'state.reprocessor-progress'),
    backfillRanges: physicalTopicName(prefix, 'control.backfill-ranges'),
  };
}

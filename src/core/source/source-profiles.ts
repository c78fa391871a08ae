import type { MetricField } from '../statistic/agent-statistic-fields.ts';
import { METRIC_FIELDS } from '../statistic/agent-statistic-fields.ts';
import type { SourceId } from './source-id.ts';

/**
 * What one source can tell about an agent: which agentStatistic fields it can supply, and whether it reports the
 * agent's presence (user status) at all. A field outside `knownFields` is published as null, never 0
 * (docs/metrics.md, "Fields by vendor", says why for each one).
 */
export interface SourceProfile {
  readonly id: SourceId;
  /**
   * False for a source that reports only what agents do with contacts (HostedSuite): the engine then counts
   * handling time without a user status, and every presence-dependent field is unknown.
   */
  readonly presenceKnown: boolean;
  readonly knownFields: ReadonlySet<MetricField>;
  /** True while the declaration rests on public documentation only, before an adapter for the source exists. */
  readonly provisional: boolean;
}

/** The fields that need the agent's presence: a presence-unknown source can never know them. */
export const PRESENCE_FIELDS: readonly MetricField[] = ['servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'freeDuration'];

/**
 * Fields Sinch RAI has but our pipeline cannot derive (docs/metrics.md): resting never appears in agentStatusHistory,
 * and the Direct split needs the contact records joined to the timeline (issue 15; then these become known).
 */
const SINCH_RAI_UNKNOWN: ReadonlySet<MetricField> = new Set<MetricField>([
  'restingDuration',
  'callInDirectDuration',
  'callOutDirectDuration',
  'countOfHandledCallInDirect',
  'countOfHandledCallOutDirect',
]);

const SINCH_RAI: SourceProfile = {
  id: 'sinch-rai',
  presenceKnown: true,
  knownFields: new Set(METRIC_FIELDS.filter((field) => !SINCH_RAI_UNKNOWN.has(field))),
  provisional: false,
};

/** docs/vendors/evo-voice-contract.md: the agent-state report has no pause state and no inbound work. */
const EVO_VOICE: SourceProfile = {
  id: 'evo-voice',
  presenceKnown: true,
  knownFields: new Set<MetricField>(['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut']),
  provisional: false,
};

/** Provisional, from the public agents_work_report fields (research vendors.md §2.4); no adapter yet. */
const THULIUM: SourceProfile = {
  id: 'thulium',
  presenceKnown: true,
  knownFields: new Set<MetricField>([
    'servingDuration',
    'readyDuration',
    'pauseDuration',
    'freeDuration',
    'callInDuration',
    'callOutDuration',
    'countOfHandledCallIn',
    'countOfHandledCallOut',
    'countOfHandledChatIn',
    'countOfHandledEmailIn',
  ]),
  provisional: true,
};

/** docs/vendors/hostedsuite-contract.md: call records only (talk in/out, after-call work), no presence. */
const HOSTEDSUITE: SourceProfile = {
  id: 'hostedsuite',
  presenceKnown: false,
  knownFields: new Set<MetricField>([
    'contactHandlingDuration',
    'afterworkDuration',
    'callInDuration',
    'callOutDuration',
    'afterworkCallInDuration',
    'afterworkCallOutDuration',
    'countOfHandledCallIn',
    'countOfHandledCallOut',
  ]),
  provisional: false,
};

const PROFILES: Readonly<Record<SourceId, SourceProfile>> = {
  'sinch-rai': SINCH_RAI,
  'evo-voice': EVO_VOICE,
  thulium: THULIUM,
  hostedsuite: HOSTEDSUITE,
};

/** The profile of a source. */
export function sourceProfile(source: SourceId): SourceProfile {
  return PROFILES[source];
}

/** The source every record written before sources existed came from. */
export const DEFAULT_SOURCE: SourceId = 'sinch-rai';

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
  /**
   * Where the source's quarter-hour statistics come from: `timeline`, counted from its state changes; `reports`,
   * the vendor's own aggregates (WindowReport), and its state changes feed only the timeline and current states.
   */
  readonly statistics: 'timeline' | 'reports';
  /**
   * `exact`: the vendor lists every state change; `sampled`: the timeline is built from states read at an interval,
   * so changes between two reads are missed and times are those the vendor gives for the last change
   * (segments and states are published with `sampled: true`).
   */
  readonly timeline: 'exact' | 'sampled';
}

/** The fields that need the agent's presence: a presence-unknown source can never know them. */
export const PRESENCE_FIELDS: readonly MetricField[] = ['servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'freeDuration'];

/** The four Direct fields: known only where the direct contacts are joined to the call runs (core/direct). */
export const DIRECT_FIELDS: readonly MetricField[] = ['callInDirectDuration', 'callOutDirectDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect'];

/**
 * Fields Sinch RAI has but our pipeline cannot derive (docs/metrics.md): resting never appears in agentStatusHistory.
 * The Direct split needs the contact records: it is known only where the direct contacts are fed and joined to the
 * call runs ({@link sourceProfile} with `directContacts`; docs/metrics.md, "Direct contacts"), else null.
 */
const SINCH_RAI_UNKNOWN: ReadonlySet<MetricField> = new Set<MetricField>(['restingDuration', ...DIRECT_FIELDS]);

const SINCH_RAI: SourceProfile = {
  id: 'sinch-rai',
  presenceKnown: true,
  knownFields: new Set(METRIC_FIELDS.filter((field) => !SINCH_RAI_UNKNOWN.has(field))),
  provisional: false,
  statistics: 'timeline',
  timeline: 'exact',
};

/** Sinch RAI with its direct contacts joined (the live processor of a tenant that polls contactHistory, a replay told so). */
const SINCH_RAI_WITH_DIRECT: SourceProfile = {
  ...SINCH_RAI,
  knownFields: new Set(METRIC_FIELDS.filter((field) => field !== 'restingDuration')),
};

/** docs/vendors/evo-voice-contract.md: the agent-state report has no pause state and no inbound work. */
const EVO_VOICE: SourceProfile = {
  id: 'evo-voice',
  presenceKnown: true,
  knownFields: new Set<MetricField>(['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut']),
  provisional: false,
  statistics: 'timeline',
  timeline: 'exact',
};

/**
 * docs/vendors/thulium-contract.md: quarter-hour statistics are the vendor's agents_work_report figures (per-minute
 * rows summed), the timeline is sampled from agents_statuses. Thulium states no logged-in total and no figure for
 * ringing, preview or internal-call time, so serving and ready are unknown; it has no not-ready state, no wrap-up
 * state and no handling time per chat or ticket (docs/metrics.md, "Fields by vendor").
 */
const THULIUM: SourceProfile = {
  id: 'thulium',
  presenceKnown: true,
  knownFields: new Set<MetricField>([
    'pauseDuration',
    'freeDuration',
    'callInDuration',
    'callOutDuration',
    'countOfHandledCallIn',
    'countOfHandledCallOut',
    'countOfHandledChatIn',
    'countOfHandledEmailIn',
  ]),
  provisional: false,
  statistics: 'reports',
  timeline: 'sampled',
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
  statistics: 'timeline',
  timeline: 'exact',
};

const PROFILES: Readonly<Record<SourceId, SourceProfile>> = {
  'sinch-rai': SINCH_RAI,
  'evo-voice': EVO_VOICE,
  thulium: THULIUM,
  hostedsuite: HOSTEDSUITE,
};

/**
 * The profile of a source. `directContacts`: the source's direct contacts are fed and joined to its call runs, so the
 * Direct fields are known (only Sinch RAI has such a feed; for every other source, and without it, they are null).
 */
export function sourceProfile(source: SourceId, directContacts = false): SourceProfile {
  return directContacts && source === 'sinch-rai' ? SINCH_RAI_WITH_DIRECT : PROFILES[source];
}

/** The source every record written before sources existed came from. */
export const DEFAULT_SOURCE: SourceId = 'sinch-rai';

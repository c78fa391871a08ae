/**
 * The Sinch RAI `agentStatistic` field names, in the order the seed document lists them,
 * plus the afterwork-by-kind fields that RAI reports in `agentHistory`.
 *
 * This list is the single source of truth for the quarter-hour output contract: the Avro
 * schema, the replay CLI and the HTTP API all derive their field sets from it.
 */
export const DURATION_FIELDS = [
  'servingDuration',
  'readyDuration',
  'notReadyDuration',
  'pauseDuration',
  'freeDuration',
  'waitingDuration',
  'contactHandlingDuration',
  'afterworkDuration',
  'restingDuration',
  'previewDuration',
  'callInDuration',
  'callInDirectDuration',
  'callOutDuration',
  'callOutDirectDuration',
  'emailInDuration',
  'emailOutDuration',
  'chatDuration',
  'afterworkCallInDuration',
  'afterworkCallOutDuration',
  'afterworkEmailInDuration',
  'afterworkChatInDuration',
] as const;

export const COUNT_FIELDS = [
  'countOfHandledCallIn',
  'countOfHandledCallInDirect',
  'countOfHandledCallOut',
  'countOfHandledCallOutDirect',
  'countOfHandledEmailIn',
  'countOfHandledEmailOut',
  'countOfHandledChatIn',
  'countOfHandledChatOut',
] as const;

export type DurationField = (typeof DURATION_FIELDS)[number];
export type CountField = (typeof COUNT_FIELDS)[number];
export type MetricField = DurationField | CountField;

export const METRIC_FIELDS: readonly MetricField[] = [...DURATION_FIELDS, ...COUNT_FIELDS];

/** Milliseconds for duration fields, integers for counts. */
export type AgentMetrics = Record<MetricField, number>;

export function emptyMetrics(): AgentMetrics {
  const metrics = {} as AgentMetrics;
  for (const field of METRIC_FIELDS) metrics[field] = 0;
  return metrics;
}

/** Adds `source` into `target` field by field. */
export function addMetrics(target: AgentMetrics, source: Readonly<AgentMetrics>): void {
  for (const field of METRIC_FIELDS) target[field] += source[field];
}

export function metricsEqual(a: Readonly<AgentMetrics>, b: Readonly<AgentMetrics>): boolean {
  for (const field of METRIC_FIELDS) if (a[field] !== b[field]) return false;
  return true;
}

/**
 * Metric fields in the order the seed document's agentStatistic section lists them (counts
 * interleaved with durations), followed by the afterwork-by-kind fields. Output serializers use it.
 */
export const SEED_ORDER_METRIC_FIELDS: readonly MetricField[] = [
  'servingDuration',
  'readyDuration',
  'notReadyDuration',
  'pauseDuration',
  'freeDuration',
  'waitingDuration',
  'contactHandlingDuration',
  'afterworkDuration',
  'restingDuration',
  'previewDuration',
  'countOfHandledCallIn',
  'callInDuration',
  'countOfHandledCallInDirect',
  'callInDirectDuration',
  'countOfHandledCallOut',
  'callOutDuration',
  'countOfHandledCallOutDirect',
  'callOutDirectDuration',
  'countOfHandledEmailIn',
  'emailInDuration',
  'countOfHandledEmailOut',
  'emailOutDuration',
  'countOfHandledChatIn',
  'countOfHandledChatOut',
  'chatDuration',
  'afterworkCallInDuration',
  'afterworkCallOutDuration',
  'afterworkEmailInDuration',
  'afterworkChatInDuration',
];

const AFTERWORK_AFTER: Partial<Record<MetricField, MetricField>> = {
  callInDuration: 'afterworkCallInDuration',
  callOutDuration: 'afterworkCallOutDuration',
  emailOutDuration: 'afterworkEmailInDuration',
  chatDuration: 'afterworkChatInDuration',
};

/** agentHistory's metric order (the Sinch document's): agentStatistic's, each afterwork-by-kind field after its kind's duration. */
export const HISTORY_METRIC_FIELDS: readonly MetricField[] = SEED_ORDER_METRIC_FIELDS.filter((field) => !Object.values(AFTERWORK_AFTER).includes(field)).flatMap((field) => {
  const after = AFTERWORK_AFTER[field];
  return after === undefined ? [field] : [field, after];
});

/** Counters of the processor and its Redis sink; labels are partition, topic, status, errorCode or reason. */
export type ProcessorCounter =
  | 'records_consumed'
  | 'records_dead_lettered'
  | 'transactions_committed'
  | 'state_commits'
  | 'journal_records_replayed'
  | 'transactions_aborted'
  | 'task_rebuilds'
  | 'window_emissions'
  | 'segment_emissions'
  | 'agent_state_emissions'
  | 'watermarks_applied'
  | 'watermarks_rejected'
  | 'redis_rows_written'
  | 'redis_rows_stale'
  | 'redis_rebuilds'
  | 'registry_errors'
  | 'redis_data_lost'
  | 'records_reprocess_requested'
  | 'reprocess_runs'
  | 'reprocess_chunks'
  | 'reprocess_rows'
  | 'state_quarantined'
  | 'state_format_rebuilds'
  | 'direct_contacts_unmatched';

/** Gauges: the latest value wins (consumer lag, applied watermark, last restore time). */
export type ProcessorGauge = 'consumer_lag' | 'applied_watermark_ms' | 'restore_ms' | 'restored_entries' | 'assigned_partitions' | 'redis_sink_rebuilding' | 'largest_state_entry_bytes';

export type MetricLabels = Readonly<Record<string, string>>;

/**
 * Durations observed one at a time, in ms. `watermark_commit_ms`: from the moment the processor saw a poll watermark
 * (its intake read it) to the commit of the transaction holding what applying it emitted. `state_commit_ms`: a
 * partition's state transaction, from building its records to its commit (the rows of a watermark that comes
 * meanwhile wait for it).
 */
export type ProcessorTiming = 'watermark_commit_ms' | 'state_commit_ms';

export interface Observation {
  readonly name: ProcessorTiming;
  readonly labels: MetricLabels;
  readonly ms: number;
}

export interface MetricSample {
  readonly name: string;
  readonly kind: 'counter' | 'gauge';
  readonly labels: MetricLabels;
  readonly value: number;
}

/**
 * In-memory metrics of one processor instance. The HTTP layer exposes {@link ProcessorMetrics.samples} through
 * prom-client (a counter or gauge per name, one child per label set); tests read {@link ProcessorMetrics.total}.
 */
export interface ProcessorMetrics {
  inc(name: ProcessorCounter, labels?: MetricLabels, by?: number): void;
  set(name: ProcessorGauge, labels: MetricLabels, value: number): void;
  /** Passes a duration to the observation listeners (the Prometheus histograms, a benchmark); none are kept here. */
  observe(name: ProcessorTiming, labels: MetricLabels, ms: number): void;
  /** Calls `listener` with every later observation, synchronously; returns the function that removes it. */
  onObservation(listener: (observation: Observation) => void): () => void;
  samples(): MetricSample[];
  /** Sum of a counter (or gauge) over all label sets, or those matching `labels`. */
  total(name: ProcessorCounter | ProcessorGauge, labels?: MetricLabels): number;
}

function seriesId(name: string, labels: MetricLabels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key] ?? ''}"`);
  return `${name}{${parts.join(',')}}`;
}

export function createProcessorMetrics(): ProcessorMetrics {
  const series = new Map<string, { name: string; kind: 'counter' | 'gauge'; labels: MetricLabels; value: number }>();
  const slot = (name: string, kind: 'counter' | 'gauge', labels: MetricLabels) => {
    const id = seriesId(name, labels);
    let entry = series.get(id);
    if (entry === undefined) {
      entry = { name, kind, labels: { ...labels }, value: 0 };
      series.set(id, entry);
    }
    return entry;
  };
  const matches = (entry: { labels: MetricLabels }, labels: MetricLabels): boolean =>
    Object.entries(labels).every(([key, value]) => entry.labels[key] === value);
  const listeners = new Set<(observation: Observation) => void>();
  return {
    observe: (name, labels, ms) => {
      for (const listener of listeners) listener({ name, labels, ms });
    },
    onObservation: (listener) => {
      const own = (observation: Observation): void => listener(observation);
      listeners.add(own);
      return () => listeners.delete(own);
    },
    inc: (name, labels = {}, by = 1) => {
      slot(name, 'counter', labels).value += by;
    },
    set: (name, labels, value) => {
      slot(name, 'gauge', labels).value = value;
    },
    samples: () => [...series.values()].map((entry) => ({ ...entry })),
    total: (name, labels = {}) =>
      [...series.values()].filter((entry) => entry.name === name && matches(entry, labels)).reduce((sum, entry) => sum + entry.value, 0),
  };
}

import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { MetricLabels, ProcessorCounter, ProcessorGauge, ProcessorMetrics, ProcessorTiming } from './processor-metrics.ts';

export const PROCESSOR_METRIC_PREFIX = 'agent_timelines_processor_';

interface Family {
  readonly source: ProcessorCounter | ProcessorGauge;
  readonly name: string;
  readonly help: string;
  readonly labels: readonly string[];
  /** Multiplies the in-memory value (ms → s). */
  readonly scale?: number;
}

const counter = (source: ProcessorCounter, help: string, labels: readonly string[] = []): Family => ({ source, name: `${source}_total`, help, labels });

const COUNTERS: readonly Family[] = [
  counter('records_consumed', 'Raw input records consumed; rate() of it is events/s', ['partition']),
  counter('records_dead_lettered', 'Records written to the dead-letter topic, by reason', ['error_code']),
  counter('transactions_committed', 'Kafka transactions committed', ['partition']),
  counter('state_commits', 'Transactions that wrote the engines\' state to the changelog (every PROCESSOR_STATE_INTERVAL_MS)', ['partition']),
  counter('journal_records_replayed', 'Input records applied again after a restore, from the state\'s position to the committed offset', ['partition']),
  counter('transactions_aborted', 'Kafka transactions aborted (the partition is then rebuilt from its changelog)', ['partition']),
  counter('task_rebuilds', 'Partition restores from the changelog (assignment or after an abort)', ['partition']),
  counter('window_emissions', 'Quarter-hour window emissions, by status', ['status']),
  counter('segment_emissions', 'Timeline segment emissions'),
  counter('agent_state_emissions', 'Agent state emissions'),
  counter('watermarks_applied', 'Poll watermarks applied', ['partition']),
  counter('direct_contacts_unmatched', 'Direct contacts dropped without a handling run joined to them (docs/metrics.md, "Direct contacts")', ['partition']),
  counter('watermarks_rejected', 'Poll watermarks ignored, by reason (watermark-ahead-of-clock: beyond this host\'s clock + CLOCK_MAX_LEAD_MS)', ['reason']),
  counter('redis_rows_written', 'Rows the Redis sink wrote', ['topic']),
  counter('redis_rows_stale', 'Rows the Redis sink skipped as older than the stored revision', ['topic']),
  counter('redis_rebuilds', 'Redis sink re-reads of an output partition from its start (new data epoch)', ['topic']),
  counter('redis_data_lost', 'Times the Redis sink found data lost (the epoch, its canary or a tenant\'s copy of it gone, rows missing, keys evicted) and started a rebuild', ['reason']),
  counter('registry_errors', 'Failed schema registry lookups of raw writer schemas, by reason (unreachable, malformed, http_<status>)', ['reason']),
  counter('records_reprocess_requested', 'Raw records too late for the live engine, handed to the re-processor', ['partition']),
  counter('reprocess_runs', 'Re-processor runs completed', ['partition']),
  counter('reprocess_chunks', 'Re-processor chunks: recomputed, or refused because their raw history is no longer retained', ['outcome']),
  counter('reprocess_rows', 'Quarter-hour rows the re-processor emitted, by status', ['status']),
  counter('state_quarantined', 'User or session state entries quarantined for exceeding PROCESSOR_STATE_ENTRY_MAX_BYTES', ['partition', 'kind']),
  counter('state_format_rebuilds', 'Partition states rebuilt from the raw topic because this release cannot read their changelog', ['partition']),
];

const GAUGES: readonly Family[] = [
  { source: 'consumer_lag', name: 'consumer_lag', help: 'Raw topic high watermark minus the partition task input position', labels: ['partition'] },
  { source: 'applied_watermark_ms', name: 'applied_watermark_seconds', help: 'Event-time watermark applied by the partition (epoch seconds)', labels: ['partition', 'tenant'], scale: 1e-3 },
  { source: 'restore_ms', name: 'restore_seconds', help: 'Duration of the partition\'s last state restore from the changelog', labels: ['partition'], scale: 1e-3 },
  { source: 'restored_entries', name: 'restored_entries', help: 'Changelog entries read by the partition\'s last restore', labels: ['partition'] },
  { source: 'largest_state_entry_bytes', name: 'largest_state_entry_bytes', help: 'UTF-8 size of the partition\'s largest state entry at its last commit (quarantine above PROCESSOR_STATE_ENTRY_MAX_BYTES)', labels: ['partition'] },
  { source: 'assigned_partitions', name: 'assigned_partitions', help: 'Raw topic partitions assigned to this instance', labels: [] },
  { source: 'redis_sink_rebuilding', name: 'redis_sink_rebuilding', help: '1 while this instance\'s Redis sink has not confirmed its output partitions in Redis for the current data epoch', labels: [] },
];

const HISTOGRAMS: readonly { source: ProcessorTiming; name: string; help: string; buckets: readonly number[] }[] = [
  {
    source: 'watermark_commit_ms',
    name: 'watermark_commit_seconds',
    help: 'From a poll watermark read by the processor to the commit of the rows applying it emitted, per watermark and partition',
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  },
  {
    source: 'state_commit_ms',
    name: 'state_commit_seconds',
    help: 'A partition\'s state transaction (PROCESSOR_STATE_INTERVAL_MS), from building its records to its commit',
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  },
];

/** How long a scrape waits for the broker's end offsets before it shows the lag seen at the last batch instead. */
const LAG_FETCH_BUDGET_MS = 1_000;

/** The value, or null when it fails or takes longer than {@link LAG_FETCH_BUDGET_MS} (a broker outage must not hang /metrics). */
function withinScrapeBudget<T>(promise: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), LAG_FETCH_BUDGET_MS);
  });
  return Promise.race([promise.catch(() => null), late]).finally(() => clearTimeout(timer));
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function labelsOf(family: Family, labels: MetricLabels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (family.labels.includes(snake(key))) out[snake(key)] = value;
  return out;
}

export interface ProcessorMetricsSource {
  readonly metrics: ProcessorMetrics;
  /** The vendor source of the processor (`sinch-rai`, `evo-voice`): every sample then carries it as label `source`. */
  readonly sourceId?: string;
  /** Current lag per assigned partition; when absent or failing, the lag seen at the last fetched batch is used. */
  readonly consumerLag?: () => Promise<ReadonlyMap<number, number>>;
  /** The partitions assigned now; per-partition gauges of other (revoked) partitions are left out. */
  readonly assigned?: () => readonly number[];
}

/**
 * Registers the processor's metrics on `registry` as prom-client counters and gauges named
 * `agent_timelines_processor_*`, read from {@link ProcessorMetrics} at scrape time (nothing is copied between
 * scrapes), and histograms fed by its observations from this call on. Counters keep every partition an instance ever
 * had; per-partition gauges show only assigned ones. The processors of several sources register together (one
 * call), each sample labelled with its `source`. One call per registry: families already on the registry are left as
 * they are.
 */
export function registerProcessorMetrics(registry: Registry, input: ProcessorMetricsSource | readonly ProcessorMetricsSource[]): void {
  const sources: readonly ProcessorMetricsSource[] = Array.isArray(input) ? input : [input as ProcessorMetricsSource];
  const bySource = sources.some((source) => source.sourceId !== undefined);
  const sourceLabel = (source: ProcessorMetricsSource): Record<string, string> => (bySource ? { source: source.sourceId ?? '' } : {});
  const fill = (family: Family, put: (labels: Record<string, string>, value: number) => void, only?: ProcessorMetricsSource): void => {
    for (const source of only === undefined ? sources : [only]) {
      const current = family.labels.includes('partition') && !COUNTERS.includes(family) && source.assigned !== undefined ? new Set(source.assigned().map(String)) : null;
      for (const sample of source.metrics.samples()) {
        if (sample.name !== family.source || (current !== null && !current.has(sample.labels['partition'] ?? ''))) continue;
        put({ ...labelsOf(family, sample.labels), ...sourceLabel(source) }, sample.value * (family.scale ?? 1));
      }
    }
  };
  for (const family of HISTOGRAMS) {
    const name = `${PROCESSOR_METRIC_PREFIX}${family.name}`;
    if (registry.getSingleMetric(name) !== undefined) continue;
    const histogram = new Histogram({ name, help: family.help, labelNames: ['partition', ...(bySource ? ['source'] : [])], buckets: [...family.buckets], registers: [registry] });
    for (const source of sources) {
      source.metrics.onObservation(({ name: observed, labels, ms }) => {
        if (observed === family.source) histogram.observe({ partition: labels['partition'] ?? '', ...sourceLabel(source) }, ms / 1000);
      });
    }
  }
  for (const family of [...COUNTERS, ...GAUGES]) {
    const name = `${PROCESSOR_METRIC_PREFIX}${family.name}`;
    if (registry.getSingleMetric(name) !== undefined) continue;
    const config = { name, help: family.help, labelNames: [...family.labels, ...(bySource ? ['source'] : [])], registers: [registry] };
    if (COUNTERS.includes(family)) {
      new Counter({ ...config, collect() { this.reset(); fill(family, (labels, value) => this.inc(labels, value)); } });
    } else if (family.source === 'consumer_lag') {
      new Gauge({
        ...config,
        async collect() {
          this.reset();
          for (const source of sources) {
            const lag = source.consumerLag === undefined ? null : await withinScrapeBudget(source.consumerLag());
            if (lag === null) fill(family, (labels, value) => this.set(labels, value), source);
            else for (const [partition, value] of lag) this.set({ partition: String(partition), ...sourceLabel(source) }, value);
          }
        },
      });
    } else {
      new Gauge({ ...config, collect() { this.reset(); fill(family, (labels, value) => this.set(labels, value)); } });
    }
  }
}

/** Names of the poller counters; labels are tenant and endpoint. */
export const POLLER_COUNTERS = [
  'requests',
  'retries',
  'http_429',
  'http_5xx',
  'network_errors',
  'malformed_pages',
  'dead_letters',
  'rows_fetched',
  'rows_published',
  'duplicates_dropped',
  'late_rows',
  'rejected_rows',
  'rows_time_out_of_range',
  'checkpoint_rewinds',
  'range_splits',
  'short_pages',
  'out_of_range_rows',
  'polls',
  'poll_failures',
  'transactions_aborted',
  'poll_fenced',
  'checkpoint_keys_dropped',
  'report_jobs_submitted',
  'report_jobs_completed',
  'report_jobs_errored',
  'report_jobs_stuck',
  'report_jobs_lost',
  'report_jobs_deleted',
  'report_job_deletes_failed',
  'report_downloads_retried',
  'report_webhook_wakes',
] as const;

export type PollerCounter = (typeof POLLER_COUNTERS)[number];

/**
 * In-memory counters of the pollers (a prom-client adapter can read {@link PollerMetrics.snapshot} later).
 * Keys of the snapshot are `name{tenant="…",endpoint="…"}`.
 */
export interface PollerMetrics {
  inc(name: PollerCounter, labels: { tenant: string; endpoint: string }, by?: number): void;
  /** Records a gauge value if it is above the current one (e.g. the largest lateness seen). */
  max(name: 'max_lateness_ms', labels: { tenant: string; endpoint: string }, value: number): void;
  snapshot(): Readonly<Record<string, number>>;
  /** Sum of one counter over all labels, or over those matching `labels`. */
  total(name: PollerCounter | 'max_lateness_ms', labels?: Partial<{ tenant: string; endpoint: string }>): number;
}

export function createPollerMetrics(): PollerMetrics {
  const values = new Map<string, { name: string; tenant: string; endpoint: string; value: number }>();
  const slot = (name: string, labels: { tenant: string; endpoint: string }) => {
    const id = `${name}{tenant="${labels.tenant}",endpoint="${labels.endpoint}"}`;
    let entry = values.get(id);
    if (entry === undefined) {
      entry = { name, ...labels, value: 0 };
      values.set(id, entry);
    }
    return entry;
  };
  return {
    inc: (name, labels, by = 1) => {
      slot(name, labels).value += by;
    },
    max: (name, labels, value) => {
      const entry = slot(name, labels);
      entry.value = Math.max(entry.value, value);
    },
    snapshot: () => Object.fromEntries([...values].map(([id, entry]) => [id, entry.value])),
    total: (name, labels = {}) =>
      [...values.values()]
        .filter((e) => e.name === name && (labels.tenant === undefined || e.tenant === labels.tenant) && (labels.endpoint === undefined || e.endpoint === labels.endpoint))
        .reduce((sum, e) => (name === 'max_lateness_ms' ? Math.max(sum, e.value) : sum + e.value), 0),
  };
}

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPollerMetrics } from '../../src/ingest/metrics.ts';
import { PollerHealth } from '../../src/ingest/poller-health.ts';
import { registerPollerMetrics } from '../../src/ingest/poller-prometheus.ts';

describe('registerPollerMetrics', () => {
  it('serves the report-job counters next to the shared ones, per tenant and endpoint', async () => {
    const metrics = createPollerMetrics();
    const labels = { tenant: 'northwind', endpoint: 'evo-voice/agent-state' };
    metrics.inc('report_jobs_submitted', labels, 3);
    metrics.inc('report_jobs_errored', labels);
    metrics.inc('report_jobs_stuck', labels);
    metrics.inc('report_downloads_retried', labels, 2);
    metrics.inc('rows_published', labels, 40);
    const registry = new Registry();
    registerPollerMetrics(registry, metrics, new PollerHealth());
    const text = await registry.metrics();
    expect(text).toContain('agent_timelines_poller_report_jobs_submitted_total{tenant="northwind",endpoint="evo-voice/agent-state"} 3');
    expect(text).toContain('agent_timelines_poller_report_jobs_errored_total{tenant="northwind",endpoint="evo-voice/agent-state"} 1');
    expect(text).toContain('agent_timelines_poller_report_jobs_stuck_total{tenant="northwind",endpoint="evo-voice/agent-state"} 1');
    expect(text).toContain('agent_timelines_poller_report_downloads_retried_total{tenant="northwind",endpoint="evo-voice/agent-state"} 2');
    expect(text).toContain('agent_timelines_poller_rows_published_total{tenant="northwind",endpoint="evo-voice/agent-state"} 40');
  });
});

import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { PollerMetrics } from './metrics.ts';
import { POLLER_COUNTERS } from './metrics.ts';
import type { PollerHealth } from './poller-health.ts';
import { isUp } from './poller-health.ts';

export const POLLER_METRIC_PREFIX = 'agent_timelines_poller_';

/**
 * Registers the pollers' counters (`agent_timelines_poller_<name>_total{tenant,endpoint}`), the largest lateness seen
 * and, per loop, `agent_timelines_poller_up` (1 while its last run succeeded) and `…_consecutive_failures`, all read
 * at scrape time.
 */
export function registerPollerMetrics(registry: Registry, metrics: PollerMetrics, health: PollerHealth): void {
  const labelNames = ['tenant', 'endpoint'];
  const series = (name: string): { tenant: string; endpoint: string; value: number }[] => {
    const out: { tenant: string; endpoint: string; value: number }[] = [];
    for (const [id, value] of Object.entries(metrics.snapshot())) {
      const match = /^([a-z0-9_]+)\{tenant="([^"]*)",endpoint="([^"]*)"\}$/.exec(id);
      if (match?.[1] === name) out.push({ tenant: match[2] ?? '', endpoint: match[3] ?? '', value });
    }
    return out;
  };
  for (const name of POLLER_COUNTERS) {
    new Counter({
      name: `${POLLER_METRIC_PREFIX}${name}_total`,
      help: `Poller counter ${name}`,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { tenant, endpoint, value } of series(name)) this.inc({ tenant, endpoint }, value);
      },
    });
  }
  new Gauge({
    name: `${POLLER_METRIC_PREFIX}max_lateness_seconds`,
    help: 'Largest lateness of a row seen by the poller (visible later than its change time plus the safety lag)',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const { tenant, endpoint, value } of series('max_lateness_ms')) this.set({ tenant, endpoint }, value / 1000);
    },
  });
  new Gauge({
    name: `${POLLER_METRIC_PREFIX}up`,
    help: 'Whether the poller loop\'s last run succeeded (1) or it is failing or has not run yet (0)',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const step of health.steps()) this.set({ tenant: step.tenant, endpoint: step.endpoint }, isUp(step) ? 1 : 0);
    },
  });
  new Gauge({
    name: `${POLLER_METRIC_PREFIX}consecutive_failures`,
    help: 'Failed runs in a row of the poller loop (0 after a success)',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const step of health.steps()) this.set({ tenant: step.tenant, endpoint: step.endpoint }, step.failures);
    },
  });
}

import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export const HTTP_HISTOGRAM = 'http_request_duration_seconds';

function requestHistogram(registry: Registry): Histogram<'method' | 'route' | 'status_code'> {
  const existing = registry.getSingleMetric(HTTP_HISTOGRAM);
  if (existing instanceof Histogram) return existing as Histogram<'method' | 'route' | 'status_code'>;
  return new Histogram({
    name: HTTP_HISTOGRAM,
    help: 'HTTP request duration in seconds by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

/**
 * Registers the HTTP request histogram (and, when asked, the default process metrics) on `registry`, reusing
 * what an earlier server registered there, and observes every response. Routes are labelled by their pattern
 * (`/agents/:userId/timeline`), unmatched requests as `unmatched`, so label cardinality stays bounded.
 */
export function instrumentRequests(app: FastifyInstance, registry: Registry, withDefaultMetrics: boolean): void {
  if (withDefaultMetrics && registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) collectDefaultMetrics({ register: registry });
  const histogram = requestHistogram(registry);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    histogram.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../server-deps.ts';

/** `GET /metrics` (scope `metrics`): the injected prom-client registry in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/metrics', { config: { access: 'metrics' } }, async (_request, reply) => {
    const body = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(body);
  });
}

import type { FastifyInstance } from 'fastify';
import { alertView } from '../../core/alerts/alert-view.ts';
import { parseRaiQuery, tenantParam } from '../query-values.ts';
import type { ServerDeps } from '../server-deps.ts';
import { storeRead } from '../store-read.ts';

const PARAMETERS = new Set(['tenant']);
const NO_FIELDS = new Set<string>();

/**
 * `GET /alerts?tenant=`: the tenant's firing alerts (docs/alerts.md), oldest episode first, as the alert sink keeps
 * them from `out.alerts`. A tenant data route. Not registered without `deps.alerts` (the route is then 404).
 */
export function registerFiringAlertsRoute(app: FastifyInstance, deps: ServerDeps): void {
  const store = deps.alerts;
  if (store === undefined) return;
  app.get('/alerts', async (request) => {
    const { params } = parseRaiQuery(request.url, PARAMETERS, NO_FIELDS);
    const tenant = tenantParam(params, deps.tenant);
    return { tenant, alerts: (await storeRead(store.readFiring(tenant))).map(alertView) };
  });
}

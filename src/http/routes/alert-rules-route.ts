import type { FastifyInstance } from 'fastify';
import type { AlertRule } from '../../core/alerts/alert-rule.ts';
import { alertView } from '../../core/alerts/alert-view.ts';
import { parseRaiQuery, tenantParam } from '../query-values.ts';
import type { ServerDeps } from '../server-deps.ts';
import { storeRead } from '../store-read.ts';

const PARAMETERS = new Set(['tenant']);
const NO_FIELDS = new Set<string>();

/**
 * `GET /alerts/rules?tenant=`: the tenant's alert rules as configured (ALERT_RULES_FILE, docs/alerts.md), in file
 * order; an empty list for a tenant without rules. A tenant data route (access-control.ts checks token and tenant).
 */
export function registerAlertRulesRoute(app: FastifyInstance, deps: ServerDeps): void {
  const rules: ReadonlyMap<string, readonly AlertRule[]> = deps.alertRules ?? new Map();
  app.get('/alerts/rules', async (request) => {
    const { params } = parseRaiQuery(request.url, PARAMETERS, NO_FIELDS);
    const tenant = tenantParam(params, deps.tenant);
    return { tenant, rules: rules.get(tenant) ?? [] };
  });
}

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

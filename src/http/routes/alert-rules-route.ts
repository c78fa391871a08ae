import type { FastifyInstance } from 'fastify';
import type { AlertRule } from '../../core/alerts/alert-rule.ts';
import { parseRaiQuery, tenantParam } from '../query-values.ts';
import type { ServerDeps } from '../server-deps.ts';

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

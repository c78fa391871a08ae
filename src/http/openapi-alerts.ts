import type { Json } from './openapi-parts.ts';
import { COMMON, GUARDED, json, text } from './openapi-parts.ts';

const RULE: Json = {
  oneOf: [
    {
      type: 'object',
      description: 'The agent has been in one of `states` (with one of `reasons`, matched against profile or profileReason) for longer than `longerThanMs`.',
      required: ['id', 'kind', 'dimension', 'states', 'longerThanMs'],
      properties: {
        id: { type: 'string' }, kind: { const: 'state-duration' }, description: { type: 'string' },
        dimension: { enum: ['presence', 'handling'] },
        states: { type: 'array', items: { type: 'string' }, description: 'State names; a name ending in * is a prefix (Talking_*).' },
        reasons: { type: 'array', items: { type: 'string' } },
        longerThanMs: { type: 'integer' },
      },
    },
    {
      type: 'object',
      description: 'Fewer than `minReady` agents of the tenant are logged in and Ready.',
      required: ['id', 'kind', 'minReady'],
      properties: { id: { type: 'string' }, kind: { const: 'ready-below' }, description: { type: 'string' }, minReady: { type: 'integer' } },
    },
  ],
};

/** `GET /alerts/rules` (alert-rules-route.ts). */
export function alertRulesOperation(): Json {
  return {
    get: {
      operationId: 'getAlertRules',
      summary: 'The tenant\'s alert rules as configured in ALERT_RULES_FILE (docs/alerts.md)',
      parameters: [COMMON.tenant],
      responses: {
        200: json('The rules in file order; empty for a tenant without rules.', { type: 'object', required: ['tenant', 'rules'], properties: { tenant: { type: 'string' }, rules: { type: 'array', items: RULE } } }, {}),
        400: text('An unknown or invalid parameter.'),
        ...GUARDED,
      },
    },
  };
}

const ALERT: Json = {
  type: 'object',
  description: 'An alert episode (docs/alerts.md). Times are UTC ISO 8601.',
  required: ['id', 'status', 'tenant', 'ruleId', 'ruleKind', 'agentId', 'userName', 'since', 'firedAt', 'resolvedAt', 'userStatus', 'handlingStatus', 'reason', 'readyCount'],
  properties: {
    id: { type: 'string', description: 'Stable episode id: tenant/ruleId/agentId/since (epoch ms), or tenant/ruleId/since for a tenant-wide rule.' },
    status: { enum: ['firing', 'resolved'] },
    tenant: { type: 'string' }, ruleId: { type: 'string' }, ruleKind: { enum: ['state-duration', 'ready-below'] },
    agentId: { type: ['string', 'null'], description: 'Null for a tenant-wide rule.' },
    userName: { type: ['string', 'null'] },
    since: { type: 'string', format: 'date-time', description: 'Start of the episode.' },
    firedAt: { type: 'string', format: 'date-time' },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
    userStatus: { type: ['string', 'null'] }, handlingStatus: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] },
    readyCount: { type: ['integer', 'null'], description: 'Ready agents at firing (ready-below rules); null for agent rules.' },
  },
};

/** `GET /alerts` (firing-alerts-route.ts). */
export function firingAlertsOperation(): Json {
  return {
    get: {
      operationId: 'getFiringAlerts',
      summary: 'The tenant\'s firing alerts, oldest episode first (docs/alerts.md)',
      parameters: [COMMON.tenant],
      responses: {
        200: json('The firing alerts.', { type: 'object', required: ['tenant', 'alerts'], properties: { tenant: { type: 'string' }, alerts: { type: 'array', items: ALERT } } }, {}),
        400: text('An unknown or invalid parameter.'),
        ...GUARDED,
        404: text('This server has no alert store.'),
        503: text('The store is unreachable.'),
      },
    },
  };
}

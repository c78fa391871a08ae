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

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/config/config-schema.ts';
import type { AlertRule } from '../../src/core/alerts/alert-rule.ts';
import type { AlertTransition } from '../../src/core/alerts/alert-transition.ts';
import { EMPTY_READER, TENANT, testServer } from './support/http-fixture.ts';

const sha = (token: string): string => createHash('sha256').update(token).digest('hex');
const TOKENS: ApiToken[] = [
  { name: 'acme-app', sha256: sha('secret-acme'), tenants: ['acme'], scopes: [] },
  { name: 'operator', sha256: sha('secret-operator'), tenants: ['*'], scopes: [] },
];
const ACME: AlertRule[] = [
  { id: 'lunch', kind: 'state-duration', dimension: 'presence', states: ['NotReady'], reasons: ['Lunch'], longerThanMs: 1_800_000 },
  { id: 'floor', kind: 'ready-below', minReady: 3, description: 'staffing' },
];
const RULES = new Map<string, readonly AlertRule[]>([['acme', ACME], ['globex', [{ id: 'wrap', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: 120_000 }]]]);

describe('GET /alerts/rules', () => {
  it('lists the tenant\'s rules in file order, and none for a tenant without rules', async () => {
    const app = testServer(EMPTY_READER, { alertRules: RULES });
    expect((await app.inject('/alerts/rules?tenant=acme')).json()).toEqual({ tenant: 'acme', rules: ACME });
    expect((await app.inject('/alerts/rules')).json()).toEqual({ tenant: TENANT, rules: [] });
    expect((await app.inject('/alerts/rules?tenant=acme&x=1')).statusCode).toBe(400);
  });

  it('honours tokens and tenant isolation like every data route', async () => {
    const app = testServer(EMPTY_READER, { alertRules: RULES, security: { tokens: TOKENS } });
    expect((await app.inject('/alerts/rules?tenant=acme')).statusCode).toBe(401);
    const own = await app.inject({ url: '/alerts/rules', headers: { authorization: 'Bearer secret-acme' } });
    expect([own.statusCode, own.json()]).toEqual([200, { tenant: 'acme', rules: ACME }]);
    expect((await app.inject({ url: '/alerts/rules?tenant=globex', headers: { authorization: 'Bearer secret-acme' } })).statusCode).toBe(403);
    const operator = await app.inject({ url: '/alerts/rules?tenant=globex', headers: { authorization: 'Bearer secret-operator' } });
    expect((operator.json() as { rules: AlertRule[] }).rules.map((rule) => rule.id)).toEqual(['wrap']);
  });
});

describe('GET /alerts', () => {
  const firing = (tenant: string, agentId: string): AlertTransition => ({
    id: `${tenant}/wrap/${agentId}/1700000000000`, status: 'firing', tenant, ruleId: 'wrap', ruleKind: 'state-duration', agentId, userName: `Agent ${agentId}`,
    since: 1_700_000_000_000, firedAt: 1_700_000_130_000, resolvedAt: null, userStatus: 'Ready', handlingStatus: 'Wrap', reason: null, readyCount: null,
  });
  const store = { readFiring: async (tenant: string) => (tenant === 'globex' ? [firing('globex', 'g1')] : tenant === 'acme' ? [firing('acme', 'a1'), firing('acme', 'a2')] : []) };

  it('lists the tenant\'s firing alerts with UTC times, behind the same tokens and tenant isolation', async () => {
    const app = testServer(EMPTY_READER, { alerts: store, security: { tokens: TOKENS } });
    expect((await app.inject('/alerts?tenant=acme')).statusCode).toBe(401);
    const own = await app.inject({ url: '/alerts', headers: { authorization: 'Bearer secret-acme' } });
    expect(own.statusCode).toBe(200);
    expect((own.json() as { alerts: { id: string }[] }).alerts.map((a) => a.id)).toEqual(['acme/wrap/a1/1700000000000', 'acme/wrap/a2/1700000000000']);
    expect((own.json() as { alerts: Record<string, unknown>[] }).alerts[0]).toMatchObject({ since: '2023-11-14T22:13:20.000Z', firedAt: '2023-11-14T22:15:30.000Z', resolvedAt: null });
    expect((await app.inject({ url: '/alerts?tenant=globex', headers: { authorization: 'Bearer secret-acme' } })).statusCode).toBe(403);
    const operator = await app.inject({ url: '/alerts?tenant=globex', headers: { authorization: 'Bearer secret-operator' } });
    expect(operator.json()).toMatchObject({ tenant: 'globex', alerts: [{ id: 'globex/wrap/g1/1700000000000' }] });
  });

  it('is not there on a server without the alert store', async () => {
    expect((await testServer(EMPTY_READER).inject('/alerts')).statusCode).toBe(404);
  });
});

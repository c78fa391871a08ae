import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/config/config-schema.ts';
import { buildServer } from '../../src/http/server.ts';
import type { ServerSecurity, TimelineReader } from '../../src/http/server-deps.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { agentState, createStoreFixture, LATENESS_MS, qh, segment, TENANT, testServer, USER_A, USER_B, USER_C } from './support/http-fixture.ts';

const T0 = Date.UTC(2024, 5, 1, 9);
const sha = (token: string): string => createHash('sha256').update(token).digest('hex');
const token = (name: string, tenants: string[], scopes: ApiToken['scopes'] = []): ApiToken => ({ name, sha256: sha(`secret-${name}`), tenants, scopes });
const TOKENS: ApiToken[] = [
  token('acme-app', ['acme']),
  token('globex-app', ['globex']),
  token('both-app', ['acme', 'globex']),
  token('operator', ['*'], ['metrics', 'ready']),
  token('scraper', [], ['metrics']),
];
const bearer = (name: string): Record<string, string> => ({ authorization: `Bearer secret-${name}` });

/** Each tenant's agent, seeded in every store the data routes read. */
const AGENT: Record<string, string> = { acme: USER_A, globex: USER_B, [TENANT]: USER_C };
const DATA_ROUTES = (user: string): string[] => [
  '/agentStatus',
  `/agentStatistic?startTime=${new Date(T0).toISOString()}&endTime=${new Date(T0 + 3_600_000).toISOString()}`,
  `/agents/${user}/timeline?startTime=${new Date(T0).toISOString()}&endTime=${new Date(T0 + 3_600_000).toISOString()}`,
];

let store: StoreFixture;

beforeAll(async () => {
  store = await createStoreFixture();
  for (const [tenant, user] of Object.entries(AGENT)) {
    await store.write([
      { kind: 'quarterHour', row: { ...qh(user, T0, 60_000), tenant } },
      { kind: 'agentState', state: { ...agentState(user, { asOf: T0 }), tenant } },
      { kind: 'segment', segment: { ...segment(user, T0, T0 + 60_000), tenant } },
    ]);
  }
});

afterAll(async () => store?.close());

function server(security: ServerSecurity = { tokens: TOKENS }): ReturnType<typeof testServer> {
  return testServer(store.reader, { security });
}

/** Every user id a data answer names (rows, or a timeline's owner). */
function usersIn(body: string): string[] {
  const json = JSON.parse(body) as unknown;
  const rows = Array.isArray(json) ? (json as { userId?: string }[]) : [json as { userId?: string }];
  return rows.map((row) => row.userId ?? '?');
}

describe('authentication and tenant isolation', () => {
  it('answers 401 with WWW-Authenticate without a token or with an unknown one, on every data route', async () => {
    const app = server();
    for (const url of [...DATA_ROUTES(USER_A), '/billing?accountId=a&startDate=2024-06-01&endDate=2024-06-02', '/nowhere']) {
      const none = await app.inject(url);
      expect([url, none.statusCode, none.headers['www-authenticate']]).toEqual([url, 401, 'Bearer realm="agent-timelines"']);
      const unknown = await app.inject({ url, headers: { authorization: 'Bearer not-a-token' } });
      expect([url, unknown.statusCode, unknown.headers['www-authenticate']]).toEqual([url, 401, 'Bearer realm="agent-timelines", error="invalid_token"']);
      const basic = await app.inject({ url, headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
      expect(basic.statusCode).toBe(401);
    }
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/openapi.json')).statusCode).toBe(200);
    await app.close();
  });

  it('answers 200 with only the tenant\'s own rows, and 403 for a tenant the token does not hold', async () => {
    const app = server();
    const cases: Array<[string, string, number]> = [
      ['acme-app', 'acme', 200], ['acme-app', 'globex', 403], ['acme-app', TENANT, 403],
      ['globex-app', 'globex', 200], ['globex-app', 'acme', 403],
      ['both-app', 'acme', 200], ['both-app', 'globex', 200], ['both-app', TENANT, 403],
      ['operator', 'acme', 200], ['operator', 'globex', 200], ['operator', TENANT, 200],
      ['scraper', 'acme', 403],
    ];
    for (const [client, tenant, status] of cases) {
      for (const route of DATA_ROUTES(AGENT[tenant] ?? '?')) {
        const url = `${route}${route.includes('?') ? '&' : '?'}tenant=${tenant}`;
        const response = await app.inject({ url, headers: bearer(client) });
        expect([client, url, response.statusCode]).toEqual([client, url, status]);
        if (status === 200) expect([client, url, usersIn(response.body)]).toEqual([client, url, [AGENT[tenant]]]);
      }
      // another tenant's agent by id: never found through this tenant
      const other = Object.entries(AGENT).find(([t]) => t !== tenant);
      const timeline = await app.inject({ url: `${DATA_ROUTES(other?.[1] ?? '?')[2]}&tenant=${tenant}`, headers: bearer(client) });
      expect(timeline.statusCode).toBe(status === 200 ? 404 : 403);
    }
    await app.close();
  });

  it('reads the only tenant of a single-tenant token without a tenant parameter; a multi-tenant token reads the default tenant or must name one', async () => {
    const app = server();
    for (const [client, expected] of [['acme-app', [USER_A]], ['globex-app', [USER_B]], ['operator', [USER_C]]] as const) {
      for (const route of DATA_ROUTES(expected[0])) {
        const response = await app.inject({ url: route, headers: bearer(client) });
        expect([client, route, response.statusCode, usersIn(response.body)]).toEqual([client, route, 200, expected]);
      }
    }
    const both = await app.inject({ url: '/agentStatus', headers: bearer('both-app') });
    expect([both.statusCode, both.body]).toEqual([403, `Forbidden: this token may not read tenant '${TENANT}' (give tenant=)`]);
    const repeated = await app.inject({ url: '/agentStatus?tenant=acme&tenant=globex', headers: bearer('acme-app') });
    expect([repeated.statusCode, repeated.body]).toEqual([400, 'Repeated parameter: tenant']);
    await app.close();
  });

  it('/metrics and /readyz need their scope; /healthz stays open', async () => {
    const app = server();
    for (const [url, client, status] of [
      ['/metrics', undefined, 401], ['/metrics', 'acme-app', 403], ['/metrics', 'scraper', 200], ['/metrics', 'operator', 200],
      ['/readyz', undefined, 401], ['/readyz', 'scraper', 403], ['/readyz', 'operator', 200], ['/healthz', undefined, 200],
    ] as const) {
      const response = await app.inject({ url, headers: client === undefined ? {} : bearer(client) });
      expect([url, client, response.statusCode]).toEqual([url, client, status]);
    }
    await app.close();
  });

  it('without tokens, answers every route as before (the server binds to loopback, serve-command.test.ts)', async () => {
    const app = server({});
    const response = await app.inject('/agentStatus?tenant=globex');
    expect([response.statusCode, usersIn(response.body)]).toEqual([200, [USER_B]]);
    expect((await app.inject('/metrics')).statusCode).toBe(200);
    await app.close();
  });

  it('never logs a token, even at trace level and on failures', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString()); done(); } });
    const logger = createLogger('trace', sink);
    const reader = store.reader;
    const failing: TimelineReader = {
      readQuarterHours: (query) => reader.readQuarterHours(query),
      readTimeline: (...args) => reader.readTimeline(...args),
      getCompleteness: (tenant) => reader.getCompleteness(tenant),
      reportMissingRows: (epoch) => reader.reportMissingRows(epoch),
      readDays: (...args) => reader.readDays(...args),
      readDataRevision: (tenant) => reader.readDataRevision(tenant),
      oldestWholeDay: () => reader.oldestWholeDay(),
      readAgentStates: async () => Promise.reject(new Error('boom')),
      getAgentDirectory: async () => {
        throw new TypeError('bug');
      },
    };
    const app = buildServer({ reader: failing, clock: () => T0, probes: [{ name: 'redis', check: async () => Promise.reject(new Error('down')) }], registry: new Registry(), logger, tenant: TENANT, allowedLatenessMs: LATENESS_MS, collectDefaultMetrics: false, security: { tokens: TOKENS } });
    for (const client of ['acme-app', 'operator']) {
      for (const url of ['/agentStatus', `/agents/${USER_A}/timeline?startTime=2024-06-01T09:00:00Z&endTime=2024-06-01T10:00:00Z`, '/readyz', '/nowhere']) await app.inject({ url, headers: bearer(client) });
    }
    await app.inject({ url: '/agentStatus', headers: { authorization: 'Bearer secret-wrong' } });
    logger.info({ req: { headers: { authorization: 'Bearer secret-direct' } } }, 'a request logged whole');
    await app.close();
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('')).not.toMatch(/secret-/);
  });
});

describe('Host check, CORS and headers', () => {
  it('answers 421 for a Host not configured, except /healthz', async () => {
    const app = server({ tokens: TOKENS, allowedHosts: ['api.example.com', '127.0.0.1'] });
    const ok = await app.inject({ url: '/agentStatus', headers: { ...bearer('acme-app'), host: 'API.example.com:8443' } });
    expect(ok.statusCode).toBe(200);
    const evil = await app.inject({ url: '/agentStatus', headers: { ...bearer('acme-app'), host: 'attacker.example' } });
    expect(evil.statusCode).toBe(421);
    expect((await app.inject({ url: '/metrics', headers: { ...bearer('operator'), host: 'attacker.example' } })).statusCode).toBe(421);
    expect((await app.inject({ url: '/healthz', headers: { host: 'attacker.example' } })).statusCode).toBe(200);
    await app.close();
  });

  it('sends CORS headers to configured origins only, answers preflights, and marks data answers no-store and nosniff', async () => {
    const app = server({ tokens: TOKENS, corsOrigins: ['https://view.example.com'] });
    const allowed = await app.inject({ url: '/agentStatus', headers: { ...bearer('acme-app'), origin: 'https://view.example.com' } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://view.example.com');
    expect(String(allowed.headers['access-control-expose-headers'])).toContain('X-Total-Count');
    expect(allowed.headers['cache-control']).toBe('no-store');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    const refusedAuth = await app.inject({ url: '/agentStatus', headers: { origin: 'https://view.example.com' } });
    expect([refusedAuth.statusCode, refusedAuth.headers['access-control-allow-origin']]).toEqual([401, 'https://view.example.com']);
    const other = await app.inject({ url: '/agentStatus', headers: { ...bearer('acme-app'), origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({ method: 'OPTIONS', url: '/agentStatus', headers: { origin: 'https://view.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.statusCode).toBe(204);
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    const noCors = server({ tokens: TOKENS });
    const plain = await noCors.inject({ url: '/agentStatus', headers: { ...bearer('acme-app'), origin: 'https://view.example.com' } });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    await noCors.close();
    await app.close();
  });
});

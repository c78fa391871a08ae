import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvoAccount, RunningEvoSimulator } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { basic, call, FROM, postJson, simulator, TO } from '../support.ts';

const ACCOUNTS: EvoAccount[] = [
  { id: 'aaaaaaaaaaaaaaaaaaaaaaa1', name: 'Alpha Care' },
  { id: 'bbbbbbbbbbbbbbbbbbbbbbb2', name: 'Beta Sales' },
];
const USERS = [
  { userName: 'manager', password: 'm-pass', displayName: 'Mia Manager', roles: ['Manager'], accountIds: [ACCOUNTS[0]?.id ?? ''] },
  { userName: 'admin', password: 'a-pass', displayName: 'Ada Admin', roles: ['SystemAdministrator'], accountIds: [] },
  { userName: 'agent', password: 'g-pass', displayName: 'Gus Agent', roles: ['User'], accountIds: [ACCOUNTS[0]?.id ?? ''] },
];
const WINDOW = { startDate: new Date(FROM).toISOString(), endDate: new Date(FROM + 3_600_000).toISOString() };

function cookieHeader(setCookies: string[]): string {
  return setCookies.map((c) => c.split(';')[0]).join('; ');
}

describe('Evo Voice simulator: authentication and authorization', () => {
  let sim: RunningEvoSimulator;
  beforeAll(async () => {
    sim = await simulator({ accounts: ACCOUNTS, users: USERS, agents: 2, to: TO });
  });
  afterAll(() => sim.close());

  it('401 Unauthorized with a responseStatus and the Basic challenge: no credentials, a wrong password, an unknown user', async () => {
    for (const authorization of [undefined, basic('manager', 'wrong'), basic('nobody', 'm-pass'), 'Basic !!!']) {
      const answer = await call(sim, 'GET', '/auth/status', { headers: authorization === undefined ? { authorization: '' } : { authorization } });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="/auth/basic"');
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      const status = answer.json?.['responseStatus'] as Record<string, unknown>;
      expect(status['errorCode']).toBe('Unauthorized');
      expect(typeof status['message']).toBe('string');
      expect(status['errors']).toEqual([]);
    }
  });

  it('Basic auth on any request: /auth/status lists the reachable accounts and roles', async () => {
    const answer = await call(sim, 'GET', '/auth/status', { headers: { authorization: basic('manager', 'm-pass') } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ isAuthenticated: true, userName: 'manager', displayName: 'Mia Manager', accountIds: [ACCOUNTS[0]?.id], accountNames: ['Alpha Care'], roles: ['Manager'] });
    const admin = await call(sim, 'GET', '/auth/status', { headers: { authorization: basic('admin', 'a-pass') } });
    expect(admin.json).toMatchObject({ accountIds: ACCOUNTS.map((a) => a.id), accountNames: ['Alpha Care', 'Beta Sales'], roles: ['SystemAdministrator'] });
  });

  it('POST /auth/credentials sets ss-id/ss-pid (ss-opt=perm with rememberMe); the cookies authenticate; logout ends the session', async () => {
    const login = await fetch(`${sim.url}/auth/credentials`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ provider: 'credentials', userName: 'manager', password: 'm-pass', rememberMe: true }) });
    expect(login.status).toBe(200);
    const body = (await login.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ userName: 'manager', displayName: 'Mia Manager', responseStatus: {} });
    const setCookies = login.headers.getSetCookie();
    expect(setCookies.map((c) => c.split('=')[0])).toEqual(['ss-id', 'ss-pid', 'ss-opt']);
    expect(setCookies[2]).toMatch(/^ss-opt=perm;/);
    expect(setCookies[0]).toContain(`ss-id=${String(body['sessionId'])}`);
    const cookie = cookieHeader(setCookies);
    const status = await call(sim, 'GET', '/auth/status', { headers: { authorization: '', cookie } });
    expect(status.status).toBe(200);
    expect(status.json?.['userName']).toBe('manager');
    // the permanent id alone still authenticates (rememberMe)
    const permanentOnly = cookie.split('; ').filter((c) => !c.startsWith('ss-id=')).join('; ');
    expect((await call(sim, 'GET', '/auth/status', { headers: { authorization: '', cookie: permanentOnly } })).status).toBe(200);
    const logout = await call(sim, 'POST', '/auth/logout', { headers: { authorization: '', cookie } });
    expect(logout.status).toBe(200);
    expect((await call(sim, 'GET', '/auth/status', { headers: { authorization: '', cookie } })).status).toBe(401);
    expect((await call(sim, 'GET', '/auth/status', { headers: { authorization: '', cookie: permanentOnly } })).status).toBe(401);
  });

  it('without rememberMe the ss-pid alone does not authenticate (ss-opt=temp)', async () => {
    const login = await postJson(sim, '/auth/credentials', { userName: 'manager', password: 'm-pass' }, { authorization: '' });
    expect(login.status).toBe(200);
    const setCookies = login.headers.getSetCookie();
    expect(setCookies[2]).toMatch(/^ss-opt=temp;/);
    const permanentOnly = cookieHeader(setCookies).split('; ').filter((c) => !c.startsWith('ss-id=')).join('; ');
    expect((await call(sim, 'GET', '/auth/status', { headers: { authorization: '', cookie: permanentOnly } })).status).toBe(401);
    expect((await call(sim, 'GET', '/auth/status', { headers: { authorization: '', cookie: cookieHeader(setCookies) } })).status).toBe(200);
  });

  it('a wrong password at /auth/credentials is 401; a missing userName is 400 with fieldName', async () => {
    const wrong = await postJson(sim, '/auth/credentials', { provider: 'credentials', userName: 'manager', password: 'nope' }, { authorization: '' });
    expect(wrong.status).toBe(401);
    expect((wrong.json?.['responseStatus'] as Record<string, unknown>)['errorCode']).toBe('Unauthorized');
    const missing = await postJson(sim, '/auth/credentials', { password: 'nope' }, { authorization: '' });
    expect(missing.status).toBe(400);
    expect(missing.json?.['responseStatus']).toMatchObject({ errorCode: 'NotEmpty', errors: [{ errorCode: 'NotEmpty', fieldName: 'UserName' }] });
  });

  it('403 Forbidden: a role that may not run reports, and an account the user cannot reach', async () => {
    const role = await postJson(sim, '/reports/agent-state', WINDOW, { authorization: basic('agent', 'g-pass') });
    expect(role.status).toBe(403);
    expect(role.json?.['responseStatus']).toMatchObject({ errorCode: 'Forbidden', errors: [] });
    const listByRole = await call(sim, 'GET', `/reports?accountId=${ACCOUNTS[0]?.id ?? ''}`, { headers: { authorization: basic('agent', 'g-pass') } });
    expect(listByRole.status).toBe(403);
    const account = await postJson(sim, '/reports/agent-state', { ...WINDOW, accountId: ACCOUNTS[1]?.id }, { authorization: basic('manager', 'm-pass') });
    expect(account.status).toBe(403);
    expect((account.json?.['responseStatus'] as Record<string, unknown>)['errorCode']).toBe('Forbidden');
    const list = await call(sim, 'GET', `/reports?accountId=${ACCOUNTS[1]?.id ?? ''}`, { headers: { authorization: basic('manager', 'm-pass') } });
    expect(list.status).toBe(403);
  });

  it('accountId: optional for a user with one account, required (400 AccountId) for one with several; an admin reaches every account', async () => {
    expect((await postJson(sim, '/reports/agent-state', WINDOW, { authorization: basic('manager', 'm-pass') })).status).toBe(200);
    const several = await postJson(sim, '/reports/agent-state', WINDOW, { authorization: basic('admin', 'a-pass') });
    expect(several.status).toBe(400);
    expect(several.json?.['responseStatus']).toMatchObject({ errors: [{ fieldName: 'AccountId' }] });
    expect((await postJson(sim, '/reports/agent-state', { ...WINDOW, accountId: ACCOUNTS[1]?.id }, { authorization: basic('admin', 'a-pass') })).status).toBe(200);
  });
});

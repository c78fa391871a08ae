import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningThuliumSimulator } from '../../../../src/vendors/thulium/simulator/index.ts';
import { basic, get, reportQuery, simulator } from './support.ts';

const USERS = [
  { login: 'reports', password: 'r-pass', methods: ['GET agents_work_report'] },
  { login: 'status', password: 's-pass', methods: ['GET agents_statuses', 'GET agents/:login/status'] },
  { login: 'admin', password: 'a-pass', methods: ['*'] },
];
const ADMIN = { authorization: basic('admin', 'a-pass') };
const DAY = { date_from: '2026-10-24', date_to: '2026-10-24', aggregate_by: 'day' };

interface ErrorBody {
  request_id: string;
  errors: Array<{ message: string; code: number }>;
}

describe('Thulium simulator: authentication, permissions, errors', () => {
  let sim: RunningThuliumSimulator;
  let login = '';
  beforeAll(async () => {
    sim = await simulator({ users: USERS });
    login = sim.world.timelines[0]?.agent.login ?? '';
  });
  afterAll(() => sim.close());

  it('401 with the error body and a Basic challenge: no credentials (2001), a wrong password or unknown user (2002)', async () => {
    for (const [authorization, code] of [['', 2001], [basic('admin', 'nope'), 2002], [basic('ghost', 'a-pass'), 2002], ['Bearer x', 2001]] as const) {
      const answer = await get(sim, '/api/agents', { authorization });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
      const body = answer.json as ErrorBody;
      expect(Object.keys(body)).toEqual(['request_id', 'errors']);
      expect(body.request_id).toMatch(/^[0-9a-f]{13}$/);
      expect(body.errors).toEqual([{ message: expect.any(String) as string, code }]);
    }
  });

  it('403 (2003) outside the user allow-list, 200 inside it; `*` allows every method', async () => {
    const reports = { authorization: basic('reports', 'r-pass') };
    const status = { authorization: basic('status', 's-pass') };
    expect((await get(sim, reportQuery({ ...DAY, agent_logins: [login] }), reports)).status).toBe(200);
    const denied = await get(sim, '/api/agents_statuses', reports);
    expect(denied.status).toBe(403);
    expect((denied.json as ErrorBody).errors).toEqual([{ message: "The API user may not call 'GET agents_statuses'", code: 2003 }]);
    expect((await get(sim, `/api/agents/${login}/status`, status)).status).toBe(200);
    expect((await get(sim, `/api/agents/${login}`, status)).status).toBe(403);
    for (const path of ['/api/agents', `/api/agents/${login}`, '/api/agents_groups', '/api/agents_statuses', `/api/agents/${login}/status`]) {
      expect((await get(sim, path, ADMIN)).status).toBe(200);
    }
  });

  it('400 lists every problem at once, in Polish for Accept-Language: pl', async () => {
    const en = await get(sim, reportQuery({ date_to: 'tomorrow', aggregate_by: 'fortnight', limit: 101, offset: -1, outbound_threshold: 'x', agent_group_ids: ['a'] }), ADMIN);
    expect(en.status).toBe(400);
    expect((en.json as ErrorBody).errors.map((e) => e.code)).toEqual([1009, 1001, 1002, 1005, 1006, 1007, 1008]);
    expect((en.json as ErrorBody).errors[1]?.message).toBe("Parameter 'date_from' is required");
    const pl = await get(sim, reportQuery({ agent_logins: [login] }), { ...ADMIN, 'accept-language': 'pl-PL,pl;q=0.9' });
    expect(pl.status).toBe(400);
    expect((pl.json as ErrorBody).errors).toEqual([
      { message: "Parametr 'date_from' jest wymagany", code: 1001 },
      { message: "Parametr 'date_to' jest wymagany", code: 1001 },
    ]);
    const none = await get(sim, reportQuery(DAY), ADMIN);
    expect((none.json as ErrorBody).errors).toEqual([{ message: 'One of agent_logins or agent_group_ids is required', code: 1004 }]);
    const order = await get(sim, reportQuery({ agent_logins: [login], date_from: '2026-10-24 10:00', date_to: '2026-10-24 10:00:00' }), ADMIN);
    expect((order.json as ErrorBody).errors.map((e) => e.code)).toEqual([1003]);
  });

  it('limit must be 1..100 (101 is a 400, not clamped); offset ≥ 0; bad calendar dates are 400', async () => {
    for (const limit of ['101', '0', '1.5', 'ten']) {
      const answer = await get(sim, reportQuery({ ...DAY, agent_logins: [login], limit }), ADMIN);
      expect(answer.status).toBe(400);
      expect((answer.json as ErrorBody).errors).toEqual([{ message: 'limit must be an integer from 1 to 100', code: 1006 }]);
    }
    expect((await get(sim, reportQuery({ ...DAY, agent_logins: [login], limit: 100 }), ADMIN)).status).toBe(200);
    for (const date_from of ['2026-02-30', '2026-10-24T10:00', '2026-10-24 25:00', '24.10.2026']) {
      const answer = await get(sim, reportQuery({ ...DAY, date_from, agent_logins: [login] }), ADMIN);
      expect((answer.json as ErrorBody).errors.map((e) => e.code)).toEqual([1002]);
    }
  });

  it('404 for an unknown route (3002) or agent login (3001); 405 (3003) for another verb; unknown logins in a report select nobody', async () => {
    const route = await get(sim, '/api/nothing', ADMIN);
    expect(route.status).toBe(404);
    expect((route.json as ErrorBody).errors[0]?.code).toBe(3002);
    const agent = await get(sim, '/api/agents/nobody/status', ADMIN);
    expect(agent.status).toBe(404);
    expect((agent.json as ErrorBody).errors).toEqual([{ message: "Agent 'nobody' does not exist", code: 3001 }]);
    const post = await fetch(`${sim.url}/api/agents_statuses`, { method: 'POST', headers: ADMIN });
    expect(post.status).toBe(405);
    expect(((await post.json()) as ErrorBody).errors[0]?.code).toBe(3003);
    const unknown = await get(sim, reportQuery({ ...DAY, agent_logins: ['nobody'] }), ADMIN);
    expect(unknown).toMatchObject({ status: 200, json: [] });
  });

  it('PHP array forms: agent_logins[]=…, agent_logins[0]=…, and groups select the same rows', async () => {
    const agent = sim.world.timelines[0]?.agent;
    const brackets = await get(sim, reportQuery({ ...DAY, agent_logins: [agent?.login ?? ''] }), ADMIN);
    const indexed = await get(sim, `/api/agents_work_report?agent_logins%5B0%5D=${agent?.login ?? ''}&date_from=2026-10-24&date_to=2026-10-24&aggregate_by=day`, ADMIN);
    expect(indexed.json).toEqual(brackets.json);
    expect((brackets.json as unknown[]).length).toBe(1);
    const group = await get(sim, reportQuery({ ...DAY, agent_group_ids: [String(agent?.groupId)] }), ADMIN);
    const members = sim.world.timelines.filter((t) => t.agent.groupId === agent?.groupId).map((t) => t.agent.login);
    expect((group.json as Array<{ agent: { login: string } }>).map((r) => r.agent.login)).toEqual(members);
  });

  it('agents, groups and statuses have the contract shapes; statuses are ordered by login, pause_id null unless PAUSED', async () => {
    const agents = (await get(sim, '/api/agents', ADMIN)).json as Array<Record<string, unknown>>;
    expect(agents).toHaveLength(5);
    for (const a of agents) expect(Object.keys(a)).toEqual(['agent_id', 'login', 'name', 'surname', 'email', 'active', 'number', 'outbound_mode', 'group_id']);
    expect((await get(sim, `/api/agents/${login}`, ADMIN)).json).toEqual(agents.find((a) => a['login'] === login));
    expect((await get(sim, '/api/agents_groups', ADMIN)).json).toEqual([{ id: 1, name: 'Obsługa klienta' }, { id: 2, name: 'Sprzedaż' }, { id: 3, name: 'Reklamacje' }]);
    const statuses = (await get(sim, '/api/agents_statuses', ADMIN)).json as Array<Record<string, unknown>>;
    expect(statuses.map((s) => s['login'])).toEqual([...agents.map((a) => a['login'])].sort());
    for (const s of statuses) {
      expect(Object.keys(s)).toEqual(['login', 'status', 'pause_id', 'last_change']);
      expect(s['pause_id'] === null).toBe(s['status'] !== 'PAUSED');
      expect(s['last_change']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect((await get(sim, `/api/agents/${String(s['login'])}/status`, ADMIN)).json).toEqual(s);
    }
  });
});

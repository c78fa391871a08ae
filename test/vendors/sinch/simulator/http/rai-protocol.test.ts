import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { FROM, get, iso, simulator } from '../support.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator({ basePath: '/custom/rai/' });
});
afterAll(() => sim.close());

const PATH = `/agentStatusHistory?startTime=${iso(FROM)}&limit=1`;

describe('RAI protocol', () => {
  it('serves under basePath on an ephemeral 127.0.0.1 port', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/custom\/rai$/);
  });

  it('Accept: application/json gets JSON; application/xml or no Accept is 406 text/plain', async () => {
    const json = await get(sim, PATH);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const xml = await get(sim, PATH, { accept: 'application/xml' });
    expect(xml.status).toBe(406);
    expect(xml.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await get(sim, PATH, { accept: 'text/html, */*;q=0.1' })).status).toBe(200);
  });

  it('HTTP Basic auth: missing or wrong credentials are 401 with WWW-Authenticate', async () => {
    for (const authorization of ['', `Basic ${Buffer.from('rai-user:wrong').toString('base64')}`]) {
      const answer = await get(sim, PATH, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="RAI"');
    }
  });

  it('unknown paths are 404 and other methods 405', async () => {
    expect((await get(sim, '/agents')).status).toBe(404);
    const post = await fetch(`${sim.url}/agentStatus`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('counts requests by endpoint and status in stats()', async () => {
    await get(sim, PATH);
    const stats = sim.stats();
    expect(stats['requests']).toBeGreaterThan(5);
    expect(stats['endpoint:/agentStatusHistory']).toBeGreaterThan(1);
    expect(stats['status:401']).toBe(2);
  });

  it('close is idempotent and stops listening', async () => {
    const other = await simulator();
    await other.close();
    await other.close();
    await expect(fetch(`${other.url}/agentStatus`)).rejects.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { boardLinks, demoConsole, demoLinks, evoDemoLinks, serviceLinks } from '../../src/cli/demo-console.ts';

describe('demoConsole', () => {
  it('writes one aligned line per component and plain lines as they are', () => {
    const written: string[] = [];
    const show = demoConsole((text) => written.push(text));
    show.component('API', 'http://127.0.0.1:8080');
    show.component('processor', 'ready');
    show.line('open:');
    expect(written.join('')).toBe('  API        http://127.0.0.1:8080\n  processor  ready\nopen:\n');
  });

  it('writes link groups under their titles, the URLs of every group aligned', () => {
    const written: string[] = [];
    demoConsole((text) => written.push(text)).links([
      { title: 'one', links: [{ shows: 'a', url: 'http://h/a' }] },
      { title: 'two', links: [{ shows: 'longer', url: 'http://h/b' }] },
    ]);
    expect(written.join('')).toBe('  one\n    a       http://h/a\n  two\n    longer  http://h/b\n');
  });
});

describe('demoLinks', () => {
  const agent = { userId: 'E52CFE0A0361B7D9C99ED99323316F1A', userName: 'Fox, John' };

  it('points at the API for the simulated day, with a timeline of the given agent', () => {
    const links = demoLinks('http://127.0.0.1:8080', '2026-11-29', agent);
    expect(links.map((link) => new URL(link.url).pathname)).toEqual(['/agentStatus', '/agentStatistic', '/agentStatistic', `/agents/${agent.userId}/timeline`]);
    for (const link of links.filter((l) => l.url.includes('?'))) {
      const query = new URL(link.url).searchParams;
      expect([query.get('startTime'), query.get('endTime')]).toEqual(['2026-11-29T00:00:00.000Z', '2026-11-29T23:59:59.000Z']);
    }
    expect(links.find((link) => link.url.includes('/timeline'))?.shows).toContain('Fox, John');
  });

  it('leaves the timeline out when there is no agent', () => {
    expect(demoLinks('http://h:1', '2026-11-29', undefined).some((link) => link.url.includes('/timeline'))).toBe(false);
  });
});

describe('evoDemoLinks', () => {
  const subject = {
    tenant: 'demo-evo',
    zone: 'Europe/Helsinki',
    day: { start: Date.parse('2026-11-28T22:00:00.000Z'), end: Date.parse('2026-11-29T22:00:00.000Z') },
    agent: { id: 'cd23de9100a882cfb2223ddb', name: 'Aino Lehtonen' },
    accountId: 'e9a8d03622e257e1ab0f6973',
    billing: { startDate: '2026-11-28', endDate: '2026-11-30' },
  };

  it('asks for the Evo Voice tenant: its agent states, the agents\' local day, a timeline over it and the billing days', () => {
    const links = evoDemoLinks('http://127.0.0.1:8080', subject);
    expect(links.map((link) => new URL(link.url).pathname)).toEqual(['/agentStatus', '/agentStatistic', `/agents/${subject.agent.id}/timeline`, '/billing']);
    const [status, statistic, timeline, billing] = links.map((link) => Object.fromEntries(new URL(link.url).searchParams));
    expect(status).toEqual({ tenant: 'demo-evo' });
    expect(statistic).toEqual({ tenant: 'demo-evo', startTime: '2026-11-28T22:00:00.000Z', endTime: '2026-11-29T22:00:00.000Z', timeCategory: 'day', timeZone: 'Europe/Helsinki' });
    expect(timeline).toEqual({ tenant: 'demo-evo', startTime: '2026-11-28T22:00:00.000Z', endTime: '2026-11-29T22:00:00.000Z' });
    expect(billing).toEqual({ tenant: 'demo-evo', accountId: subject.accountId, startDate: '2026-11-28', endDate: '2026-11-30' });
    expect(links[2]?.shows).toContain('Aino Lehtonen');
  });

  it('keeps a "+" of a zone a "+" in the query and leaves the timeline out without an agent', () => {
    const links = evoDemoLinks('http://h:1', { ...subject, zone: 'Etc/GMT+2', agent: undefined });
    expect(links.some((link) => link.url.includes('/timeline'))).toBe(false);
    expect(new URL(links[1]?.url ?? '').searchParams.get('timeZone')).toBe('Etc/GMT+2');
  });
});

describe('boardLinks', () => {
  it('points at the board of every tenant, the default one without tenant=, and a timeline view of the agent', () => {
    expect(boardLinks('http://h:1', ['demo', 'demo-evo'], '2026-11-29', { userId: 'AB', userName: 'Fox, John' })).toEqual([
      { url: 'http://h:1/', shows: 'live board, tenant demo' },
      { url: 'http://h:1/?tenant=demo-evo', shows: 'live board, tenant demo-evo' },
      { url: 'http://h:1/timeline.html?user=AB&date=2026-11-29&tz=UTC', shows: "Fox, John's day, timeline view" },
    ]);
    expect(boardLinks('http://h:1', ['demo'], '2026-11-29', undefined)).toHaveLength(1);
  });
});

describe('serviceLinks', () => {
  it('points at readiness, metrics and the OpenAPI document', () => {
    expect(serviceLinks('http://h:1').map((link) => link.url)).toEqual(['http://h:1/readyz', 'http://h:1/metrics', 'http://h:1/openapi.json']);
  });
});

import { describe, expect, it } from 'vitest';
import { demoConsole, demoLinks } from '../../src/cli/demo-console.ts';

describe('demoConsole', () => {
  it('writes one aligned line per component and plain lines as they are', () => {
    const written: string[] = [];
    const show = demoConsole((text) => written.push(text));
    show.component('API', 'http://127.0.0.1:8080');
    show.component('processor', 'ready');
    show.line('open:');
    expect(written.join('')).toBe('  API        http://127.0.0.1:8080\n  processor  ready\nopen:\n');
  });
});

describe('demoLinks', () => {
  const agent = { userId: 'E52CFE0A0361B7D9C99ED99323316F1A', userName: 'Fox, John' };

  it('points at the API for the simulated day, with a timeline of the given agent', () => {
    const links = demoLinks('http://127.0.0.1:8080', '2026-11-29', agent);
    expect(links.map((link) => new URL(link.url).pathname)).toEqual(['/agentStatus', '/agentStatistic', '/agentStatistic', `/agents/${agent.userId}/timeline`, '/readyz', '/metrics', '/openapi.json']);
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

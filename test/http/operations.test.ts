import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { EMPTY_READER, testServer, UNUSED_FEED } from './support/http-fixture.ts';

const ok = (name: string) => ({ name, check: async () => undefined });

describe('operations endpoints', () => {
  it('/healthz answers ok', async () => {
    const app = testServer(EMPTY_READER);
    const response = await app.inject('/healthz');
    expect([response.statusCode, response.body]).toEqual([200, 'ok']);
    await app.close();
  });

  it('/readyz is 200 when every probe passes and 503 naming each failing dependency', async () => {
    const ready = testServer(EMPTY_READER, { probes: [ok('kafka'), ok('redis'), ok('schema-registry'), ok('processor')] });
    const good = await ready.inject('/readyz');
    expect(good.statusCode).toBe(200);
    expect(good.body).toMatch(/^ready\nkafka: ok\nredis: ok\nschema-registry: ok\nprocessor: ok\n$/);
    await ready.close();
    const failing = testServer(EMPTY_READER, {
      probes: [
        ok('kafka'),
        { name: 'redis', check: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) },
        ok('schema-registry'),
        { name: 'processor', check: () => new Promise(() => undefined) },
      ],
      probeTimeoutMs: 200,
    });
    const started = Date.now();
    const bad = await failing.inject('/readyz');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bad.statusCode).toBe(503);
    expect(bad.body.split('\n')[0]).toBe('not ready: redis, processor');
    expect(bad.body).toContain('redis: FAILED (connect ECONNREFUSED 127.0.0.1:6379)');
    expect(bad.body).toContain('processor: FAILED (no answer within 200 ms)');
    expect(bad.body).toContain('kafka: ok');
    await failing.close();
  });

  it('/metrics exposes the HTTP request histogram by route pattern, plus default metrics when enabled', async () => {
    const registry = new Registry();
    const app = buildServer({ reader: EMPTY_READER, clock: () => 0, probes: [], registry, logger: createLogger('silent'), tenant: 'default', allowedLatenessMs: 120_000 });
    await app.inject('/agentStatistic?startTime=2024-01-01T00:00:00Z&endTime=2024-01-01T01:00:00Z');
    await app.inject('/agents/AC083B34470B4164A6A5968DD031B5E5/timeline?startTime=2024-01-01T00:00:00Z&endTime=2024-01-01T01:00:00Z');
    await app.inject('/agentStatistic');
    await app.inject('/nowhere');
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/agentStatistic",status_code="200"\} 1/);
    expect(response.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/agentStatistic",status_code="400"\} 1/);
    expect(response.body).toMatch(/route="\/agents\/:userId\/timeline",status_code="404"\} 1/);
    expect(response.body).toMatch(/route="unmatched",status_code="404"\} 1/);
    expect(response.body).toContain('process_cpu_user_seconds_total');
    await app.close();
    const again = buildServer({ reader: EMPTY_READER, clock: () => 0, probes: [], registry, logger: createLogger('silent'), tenant: 'default', allowedLatenessMs: 120_000 });
    expect((await again.inject('/metrics')).statusCode).toBe(200);
    await again.close();
  });

  it('serves an OpenAPI document that parses and lists every route', async () => {
    const app = testServer(EMPTY_READER, { changeFeed: UNUSED_FEED, alerts: { readFiring: async () => [] } });
    await app.ready();
    const response = await app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = JSON.parse(response.body) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    // printRoutes draws a tree: a child's path continues its parent's (`└── /` then `    ├── agentStatus (GET, HEAD)`)
    const parents: string[] = [];
    const routes: string[] = [];
    for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
      const match = /^([ │]*)[└├]── (\S+) \(([^)]*)\)/.exec(line);
      if (match === null) continue;
      const depth = (match[1] ?? '').length / 4;
      const path = `${depth === 0 ? '' : parents[depth - 1] ?? ''}${match[2] ?? ''}`;
      parents[depth] = path;
      if ((match[3] ?? '').includes('GET')) routes.push(path.replace(/:(\w+)/g, '{$1}'));
    }
    // the board's pages and their scripts (docs/http-api.md, "Live board") are for browsers, not API operations
    const api = routes.filter((path) => path !== '/' && path !== '/timeline.html' && !path.startsWith('/assets/'));
    expect(routes).toEqual(expect.arrayContaining(['/', '/timeline.html', '/assets/board.js', '/board/events']));
    expect(api.length).toBeGreaterThanOrEqual(7);
    expect(Object.keys(document.paths).sort()).toEqual([...api].sort());
    for (const path of api) expect(document.paths[path]).toHaveProperty('get');
    const statistic = document.paths['/agentStatistic']?.['get'] as { parameters: { name: string }[] };
    expect(statistic.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['startTime', 'endTime', 'timeCategory', 'timeZone', 'userId', 'sort', 'offset', 'limit', 'showUser']));
    await app.close();
  });

  it('answers 404 text/plain for unknown paths and 503 when the store fails', async () => {
    const broken: TimelineReader = { ...EMPTY_READER, getCompleteness: async () => Promise.reject(new Error('Connection is closed.')) };
    const app = testServer(broken);
    const missing = await app.inject('/agentStatistics');
    expect([missing.statusCode, missing.body]).toEqual([404, 'Not Found: GET /agentStatistics']);
    const down = await app.inject('/agentStatistic?startTime=2024-01-01T00:00:00Z&endTime=2024-01-02T00:00:00Z');
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
    expect(down.body).toBe('Service Unavailable: the timeline store (Redis) could not be read');
    await app.close();
  });
});

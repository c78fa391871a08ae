import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireServices } from '../support/services.ts';

const CLI = resolve(import.meta.dirname, '../../src/bin/cli.ts');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('agent-timelines serve (real Node, real Redis)', () => {
  it('listens, answers, and exits 0 on SIGTERM', async () => {
    const config = await requireServices();
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], {
      env: { ...process.env, REDIS_URL: config.redis.url, KAFKA_BROKERS: config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: config.schemaRegistry.url, LOG_LEVEL: 'info', REDIS_KEY_PREFIX: `at:test-serve-${port}:` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`serve did not start:\n${log}`)), 15_000);
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('HTTP API listening')) {
          clearTimeout(timer);
          done();
        }
      });
    });
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    const statistic = await fetch(`${base}/agentStatistic?startTime=2024-01-01T00:00:00Z&endTime=2024-01-01T01:00:00Z`);
    expect([statistic.status, await statistic.json()]).toEqual([200, []]);
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.text()).toMatch(/redis: ok/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});

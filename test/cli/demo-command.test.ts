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

/** A text log line: `HH:MM:SS level component message…` (src/runtime/log-text-format.ts). */
const TEXT_LOG_LINE = /^\d\d:\d\d:\d\d (trace|debug|info |warn |error|fatal) \S+ +\S/;

describe('agent-timelines demo console (real Node, real stack)', () => {
  it('prints a line per component and the URLs on stdout, text logs without warnings on stderr, and stops on SIGINT', async () => {
    const config = await requireServices();
    const [port, simPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--trace-warnings', CLI, 'demo', '--agents', '3', '--port', String(port), '--sim-port', String(simPort)], {
      env: { ...process.env, KAFKA_BROKERS: config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: config.schemaRegistry.url, REDIS_URL: config.redis.url, LOG_LEVEL: 'info', LOG_FORMAT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the demo did not come up in 90 s:\n${stdout}\n${stderr}`)), 90_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Ctrl-C stops everything')) {
          clearTimeout(timer);
          done();
        }
      });
      void exited.then((code) => fail(new Error(`the demo exited with ${code}:\n${stdout}\n${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);

    const components = stdout.split('\n').flatMap((line) => /^ {2}(simulator|stack|pollers|API|processor) /.exec(line)?.[1] ?? []);
    expect(components.sort()).toEqual(['API', 'pollers', 'processor', 'simulator', 'stack']);
    expect(stdout).toMatch(/^ {2}processor {2}ready: /m);
    expect(stdout).toContain(`http://127.0.0.1:${port}/agentStatus`);
    const logLines = stderr.split('\n').filter((line) => line.length > 0 && !line.startsWith('    at '));
    expect(logLines.filter((line) => !TEXT_LOG_LINE.test(line))).toEqual([]);
    expect(logLines.filter((line) => /Warning|^\d\d:\d\d:\d\d (warn |error|fatal)/.test(line))).toEqual([]);
  }, 120_000);
});

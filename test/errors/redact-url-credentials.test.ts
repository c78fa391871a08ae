import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AgentTimelinesError } from '../../src/errors/agent-timelines-error.ts';
import { redactUrlCredentials } from '../../src/errors/redact-url-credentials.ts';
import { buildServer } from '../../src/http/server.ts';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import { createLogger } from '../../src/runtime/logger.ts';

const LEAK = 'https://svc-user:S3cretPw@registry.internal.example:8081/apis/ccompat/v7';
const reader = {} as TimelineReader;

describe('URL credentials are redacted', () => {
  it('in text', () => {
    expect(redactUrlCredentials(`registry at ${LEAK} is unreachable: ${LEAK}/subjects`)).toBe('registry at https://[redacted]@registry.internal.example:8081/apis/ccompat/v7 is unreachable: https://[redacted]@registry.internal.example:8081/apis/ccompat/v7/subjects');
    expect(redactUrlCredentials('redis://:p@ss@10.0.0.1:6379/0 and rediss://default:pw@cache')).toBe('redis://[redacted]@10.0.0.1:6379/0 and rediss://[redacted]@cache');
    expect(redactUrlCredentials('http://host/a@b?x=y@z')).toBe('http://host/a@b?x=y@z');
  });

  it('in every error message, every log line (json and text) and the /readyz body', async () => {
    expect(new AgentTimelinesError('SERVICE_UNAVAILABLE', `schema registry at ${LEAK} is unreachable`).message).not.toContain('S3cretPw');
    for (const format of ['json', 'text'] as const) {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(chunk.toString()); done(); } });
      const logger = createLogger('info', sink, format);
      logger.warn({ err: new Error(`fetch ${LEAK} failed`, { cause: new Error(`cannot construct ${LEAK}`) }), url: LEAK }, `poll of ${LEAK} failed`);
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines.join('')).toContain('[redacted]@registry.internal.example');
      expect(lines.join('')).not.toContain('S3cretPw');
    }
    const app = buildServer({ reader, clock: () => 0, probes: [{ name: 'schema-registry', check: async () => Promise.reject(new Error(`Request cannot be constructed from a URL that includes credentials: ${LEAK}/subjects`)) }], registry: new Registry(), logger: createLogger('silent'), tenant: 'default', allowedLatenessMs: 0, collectDefaultMetrics: false });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.body).toContain('schema-registry: FAILED (Request cannot be constructed from a URL that includes credentials: https://[redacted]@registry.internal.example');
    expect(ready.body).not.toContain('S3cretPw');
    await app.close();
  });
});

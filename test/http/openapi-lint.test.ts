import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/http/openapi-document.ts';

const REDOCLY = resolve(import.meta.dirname, '../../node_modules/.bin/redocly');

interface LintReport {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: readonly { readonly ruleId: string; readonly severity: string; readonly message: string; readonly location: readonly { readonly pointer: string }[] }[];
}

describe('the OpenAPI document', () => {
  it('passes Redocly\'s recommended rules without errors (offline)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(openApiDocument(), null, 1));
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
      const run = await promisify(execFile)(REDOCLY, ['lint', file, '--extends=recommended', '--format=json'], { env, timeout: 60_000 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(run.stdout) as LintReport;
      const errors = report.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`);
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
      // the only warnings left: the public /healthz and /openapi.json have no 4XX answer to declare
      expect(report.problems.filter((problem) => problem.severity !== 'error').map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer ?? ''}`).sort()).toEqual([
        'operation-4xx-response #/paths/~1healthz/get/responses',
        'operation-4xx-response #/paths/~1openapi.json/get/responses',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('declares the bearer scheme, an operationId on every operation and the guard\'s answers on every non-public one', () => {
    const document = openApiDocument() as { paths: Record<string, { get: { operationId?: string; security?: unknown[]; responses: Record<string, unknown> } }>; components: { securitySchemes: Record<string, unknown> } };
    expect(document.components.securitySchemes['bearerToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ids = Object.values(document.paths).map((path) => path.get.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, { get }] of Object.entries(document.paths)) {
      expect(get.operationId, path).toBeDefined();
      const isPublic = Array.isArray(get.security) && get.security.length === 0;
      expect([path, isPublic], path).toEqual([path, path === '/healthz' || path === '/openapi.json']);
      if (!isPublic) expect(Object.keys(get.responses), path).toEqual(expect.arrayContaining(['401', '403', '421']));
    }
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiExposure, isLoopbackHost } from '../../src/cli/serve-command.ts';
import { parseConfig } from '../../src/config/config.ts';

let dir: string;
const file = async (name: string, content: unknown): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const HASH = 'a'.repeat(64);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'api-tokens-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('API exposure and tokens configuration', () => {
  it('binds without tokens only to loopback, unless API_ALLOW_UNAUTHENTICATED=true', async () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', 'api.example.com'].map(isLoopbackHost)).toEqual([false, false, false, false]);
    expect(apiExposure(parseConfig({}))).toBe('loopback-only');
    expect(() => apiExposure(parseConfig({ HTTP_HOST: '0.0.0.0' }))).toThrow(/HTTP_HOST: 0\.0\.0\.0 is not a loopback address and API_TOKENS_FILE is not set/);
    expect(apiExposure(parseConfig({ HTTP_HOST: '0.0.0.0', API_ALLOW_UNAUTHENTICATED: 'true' }))).toBe('unauthenticated');
    const tokens = await file('ok.json', [{ name: 'a', sha256: HASH.toUpperCase(), tenants: ['acme'] }]);
    const config = parseConfig({ HTTP_HOST: '0.0.0.0', API_TOKENS_FILE: tokens });
    expect(apiExposure(config)).toBe('authenticated');
    expect(config.http.tokens).toEqual([{ name: 'a', sha256: HASH, tenants: ['acme'], scopes: [] }]);
  });

  it('validates API_TOKENS_FILE and names each problem by its path', async () => {
    const bad = await file('bad.json', [
      { name: 'a', sha256: 'my-secret-token', tenants: ['acme'] },
      { name: 'a', sha256: HASH, tenants: ['bad tenant'], scopes: ['admin'] },
    ]);
    let message = '';
    try {
      parseConfig({ API_TOKENS_FILE: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('API_TOKENS_FILE[0]["sha256"]: must be the hex SHA-256 of the token');
    expect(message).toContain('API_TOKENS_FILE[1]["tenants"][0]');
    expect(message).toContain('API_TOKENS_FILE[1]["scopes"][0]: each scope must be one of metrics, ready');
    expect(message).not.toContain('my-secret-token');
    const twice = await file('twice.json', [{ name: 'a', sha256: HASH, tenants: ['*'] }, { name: 'a', sha256: HASH.toUpperCase(), tenants: [] }]);
    expect(() => parseConfig({ API_TOKENS_FILE: twice })).toThrow(/API_TOKENS_FILE\[1\]\["name"\]: duplicate token name a\n.*API_TOKENS_FILE\[1\]\["sha256"\]: the same hash is listed twice/s);
    expect(() => parseConfig({ API_TOKENS_FILE: join(dir, 'missing.json') })).toThrow(/API_TOKENS_FILE: cannot read/);
    expect(() => parseConfig({ API_TOKENS_FILE: bad.replace('bad', 'x') })).toThrow(/API_TOKENS_FILE/);
  });

  it('refuses credentials inside http(s) URLs and never echoes URL values in config errors', () => {
    let message = '';
    try {
      parseConfig({ SCHEMA_REGISTRY_URL: 'https://svc-user:S3cretPw@registry.internal.example:8081/apis', REDIS_URL: 'redis//:pw@host:6379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SCHEMA_REGISTRY_URL: must not contain credentials');
    expect(message).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
    expect(message).not.toMatch(/S3cretPw|pw@/);
  });
});

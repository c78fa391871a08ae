import { readFile, readdir } from 'node:fs/promises';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))));
  return nested.flat();
}

function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** The layer a src/ file belongs to: its first directory under src/, or `vendors/<vendor>` inside a vendor folder. */
function layerOf(file: string): string {
  const [first = '', second = ''] = relative(SRC, file).split('/');
  return first === 'vendors' && second !== '' && !second.endsWith('.ts') ? `vendors/${second}` : first;
}

/** A vendor folder's own layer name, or undefined for any other layer. */
function vendorOf(layer: string): string | undefined {
  return layer.startsWith('vendors/') ? layer.slice('vendors/'.length) : undefined;
}

const FORBIDDEN_IN_CORE = /^(node:|kafkajs|@kafkajs\/|ioredis|pino|fastify|prom-client|testcontainers)/;
/** Adapters may use core and shared modules but not each other's wiring; only bin/ and cli/ wire everything. */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  errors: ['errors'],
  config: ['config', 'errors'],
  topology: ['topology', 'errors'],
  runtime: ['runtime', 'config', 'errors', 'core'],
  kafka: ['kafka', 'config', 'errors', 'topology', 'core', 'runtime'],
  state: ['state', 'config', 'errors', 'core', 'runtime'],
  ingest: ['ingest', 'config', 'errors', 'core', 'runtime', 'kafka', 'topology', 'state'],
  /** Every vendor folder: its own files, core and the shared, vendor-neutral ingest machinery; never another vendor. */
  vendor: ['config', 'errors', 'core', 'runtime', 'ingest', 'topology'],
  processor: ['processor', 'config', 'errors', 'core', 'runtime', 'kafka', 'topology', 'state'],
  http: ['http', 'config', 'errors', 'core', 'runtime', 'state'],
  cli: ['*'],
  bin: ['*'],
};

describe('import direction', () => {
  it('src/core imports nothing with I/O and reads no clock', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(join(SRC, 'core'))) {
      const text = await readFile(file, 'utf8');
      for (const spec of importsOf(text)) if (FORBIDDEN_IN_CORE.test(spec)) offenders.push(`${relative(SRC, file)} imports ${spec}`);
      if (/\bDate\.now\(|\bnew Date\(\)|\bprocess\.|\bperformance\.now\(/.test(text)) offenders.push(`${relative(SRC, file)} reads the clock or process`);
    }
    expect(offenders).toEqual([]);
  });

  it('every layer imports only the layers it may depend on', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const from = layerOf(file);
      const vendor = vendorOf(from);
      const allowed = vendor === undefined ? ALLOWED[from] : [...(ALLOWED['vendor'] ?? []), from];
      if (allowed === undefined) {
        offenders.push(`${relative(SRC, file)} is in an undeclared layer "${from}"`);
        continue;
      }
      for (const spec of importsOf(await readFile(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), spec));
        if (!allowed.includes('*') && !allowed.includes(to)) offenders.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('src/vendors holds only vendor folders', async () => {
    const entries = await readdir(join(SRC, 'vendors'), { withFileTypes: true });
    expect(entries.filter((e) => !e.isDirectory()).map((e) => e.name)).toEqual([]);
  });

  it('detects a violation (the check itself can fail)', () => {
    expect(layerOf(join(SRC, 'vendors/sinch/simulator/index.ts'))).toBe('vendors/sinch');
    expect(layerOf(join(SRC, 'ingest/poll-loop.ts'))).toBe('ingest');
    expect(vendorOf('vendors/evo-voice')).toBe('evo-voice');
    expect(importsOf("import { Kafka } from 'kafkajs';\nexport { x } from './y.ts';")).toEqual(['kafkajs', './y.ts']);
    expect(FORBIDDEN_IN_CORE.test('node:fs')).toBe(true);
  });
});

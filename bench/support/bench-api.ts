import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep } from './bench-stack.ts';

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `agent-timelines serve` of the checkout `tree` (default: this one) in a child process with `env` and waits
 * until /healthz answers.
 */
export async function startApi(env: Record<string, string>, tree: string = join(import.meta.dirname, '../..')): Promise<{ base: string; child: ReturnType<typeof spawn> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(tree, 'src/bin/cli.ts'), 'serve', '--host', '127.0.0.1', '--port', String(port)], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return { base, child };
    if (i > 150 || child.exitCode !== null) throw new Error('the API did not start');
    await sleep(100);
  }
}

/** Milliseconds of `n` requests of `url` one after another, each body read in full. */
export async function sequential(url: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await (await fetch(url)).arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times;
}

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../../../src/cli/simulate-command.ts';
import { truthLines, worldOf } from '../../../../src/vendors/evo-voice/simulator/index.ts';
import { basic, FROM, TO } from './support.ts';

function capture(): { io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t) => ((out += t), true) }, stderr: { write: (t) => ((err += t), true) } },
    out: () => out,
    err: () => err,
  };
}

const RANGE = ['--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString()];

describe('agent-timelines simulate --vendor evo-voice', () => {
  it('--export-truth writes the truth lines at now = --to and exits 0', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'simulate-evo-')), 'truth.ndjson');
    const { io, out } = capture();
    const code = await simulateCommand(['--vendor', 'evo-voice', '--seed', '4', '--agents', '3', '--zone', 'Europe/Helsinki', ...RANGE, '--export-truth', file], io);
    expect(code).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const world = worldOf({ seed: 4, agents: 3, from: FROM, to: TO, zone: 'Europe/Helsinki', clock: { mode: 'historical' } });
    expect(lines).toEqual(truthLines(world, TO));
    expect(out()).toContain(`wrote ${lines.length} agent state intervals to ${file}`);
  });

  it('serves the report API until the signal aborts, with the Evo flags applied', async () => {
    const controller = new AbortController();
    const { io, out } = capture();
    const running = simulateCommand(['--vendor', 'evo-voice', '--agents', '2', '--port', '0', '--historical', '--user', 'u', '--password', 'p', '--rate-429', '1', '--retry-after', '9', ...RANGE], { ...io, signal: controller.signal });
    const deadline = Date.now() + 10_000;
    while (!out().includes('http://') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const url = /http:\/\/\S+/.exec(out())?.[0] ?? '';
    const answer = await fetch(`${url}/auth/status`, { headers: { accept: 'application/json', authorization: basic('u', 'p') } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('9');
    controller.abort();
    expect(await running).toBe(0);
    expect(out()).toContain('stopped: {');
    expect(out()).toContain('"fault:429":1');
  });

  it('rejects bad arguments with exit code 2: unknown vendor, a bad zone or rate, Sinch-only and Evo-only flags', async () => {
    const { io, err } = capture();
    expect(await simulateCommand(['--vendor', 'genesys'], io)).toBe(2);
    expect(await simulateCommand(['--vendor', 'evo-voice', '--zone', 'Eastern Standard Time'], io)).toBe(2);
    expect(await simulateCommand(['--vendor', 'evo-voice', '--stuck-rate', '2'], io)).toBe(2);
    expect(await simulateCommand(['--vendor', 'evo-voice', '--export', 'x.ndjson'], io)).toBe(2);
    expect(await simulateCommand(['--truncated-rate', '0.1'], io)).toBe(2);
    expect(err()).toContain("--vendor must be one of sinch, evo-voice, thulium, hostedsuite, got 'genesys'");
    expect(err()).toContain('--zone must be an IANA time zone id');
    expect(err()).toContain('--stuck-rate must be a number in [0, 1]');
    expect(err()).toContain('--export is for --vendor sinch');
    expect(err()).toContain('--truncated-rate is for --vendor evo-voice');
  });
});

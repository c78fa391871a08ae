import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../../../src/cli/simulate-command.ts';
import { basic, FALL_FROM, FALL_TO } from './support.ts';

function capture(): { io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (t) => ((out += t), true) }, stderr: { write: (t) => ((err += t), true) } }, out: () => out, err: () => err };
}

const RANGE = ['--from', new Date(FALL_FROM).toISOString(), '--to', new Date(FALL_TO).toISOString()];

describe('agent-timelines simulate --vendor thulium', () => {
  it('serves the API until the signal aborts, with API users, zone and fault flags applied', async () => {
    const controller = new AbortController();
    const { io, out } = capture();
    const users = JSON.stringify([{ login: 'u', password: 'p', methods: ['GET agents_statuses'] }]);
    const running = simulateCommand(['--vendor', 'thulium', '--agents', '3', '--port', '0', '--historical', '--zone', 'Europe/London', '--users', users, '--rate-429', '0', ...RANGE], { ...io, signal: controller.signal });
    const deadline = Date.now() + 10_000;
    while (!out().includes('http://') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const url = /http:\/\/\S+/.exec(out())?.[0] ?? '';
    expect(out()).toContain('zone Europe/London');
    const ok = await fetch(`${url}/api/agents_statuses`, { headers: { authorization: basic('u', 'p') } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as unknown[]).length).toBe(3);
    expect((await fetch(`${url}/api/agents`, { headers: { authorization: basic('u', 'p') } })).status).toBe(403);
    controller.abort();
    expect(await running).toBe(0);
    expect(out()).toContain('"status:403":1');
  });

  it('rejects bad arguments with exit code 2', async () => {
    const { io, err } = capture();
    expect(await simulateCommand(['--vendor', 'thulium', '--zone', 'Warsaw Time'], io)).toBe(2);
    expect(await simulateCommand(['--vendor', 'thulium', '--stuck-rate', '0.1'], io)).toBe(2);
    expect(await simulateCommand(['--vendor', 'thulium', '--users', '[{"login":"a","password":"b","methods":["GET everything"]}]'], io)).toBe(2);
    expect(await simulateCommand(['--vendor', 'evo-voice', '--slow-rate', '0.1'], io)).toBe(2);
    expect(await simulateCommand(['--live'], io)).toBe(2);
    expect(err()).toContain('--zone must be an IANA time zone id');
    expect(err()).toContain('--stuck-rate is for --vendor evo-voice');
    expect(err()).toContain("--users: unknown method 'GET everything'");
    expect(err()).toContain('--slow-rate is for --vendor thulium');
    expect(err()).toContain('--live is for --vendor thulium');
  });
});

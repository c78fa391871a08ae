import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../../../src/cli/simulate-command.ts';
import { generateGroundTruth } from '../../../../src/vendors/sinch/simulator/index.ts';
import { FROM, TO } from './support.ts';

function capture(): { io: { stdout: { write(t: string): boolean }; stderr: { write(t: string): boolean } }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (t) => ((out += t), true) }, stderr: { write: (t) => ((err += t), true) } },
    out: () => out,
    err: () => err,
  };
}

describe('agent-timelines simulate', () => {
  it('--export writes the ground truth as NDJSON (rows and contacts) and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'truth.ndjson');
    const { io, out } = capture();
    const code = await simulateCommand(['--seed', '4', '--agents', '3', '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--export', file], io);
    expect(code).toBe(0);
    const expected = generateGroundTruth({ seed: 4, agents: 3, from: FROM, to: TO });
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(expected.agentStatusHistory.map((r) => r.row));
    const contacts = (await readFile(join(dir, 'truth.contacts.ndjson'), 'utf8')).trim().split('\n');
    expect(contacts).toHaveLength(expected.contacts.length);
    expect(out()).toContain(`wrote ${lines.length} agentStatusHistory rows`);
  });

  it('--export-truth writes one JSON line per agent state interval, from the model, and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'simulate-'));
    const file = join(dir, 'intervals.ndjson');
    const { io, out } = capture();
    const code = await simulateCommand(['--seed', '4', '--agents', '3', '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--export-truth', file], io);
    expect(code).toBe(0);
    const day = generateGroundTruth({ seed: 4, agents: 3, from: FROM, to: TO });
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(day.stateIntervals.length);
    expect(lines[0]).toEqual({
      agentId: day.stateIntervals[0]?.agentId,
      agentName: day.stateIntervals[0]?.agentName,
      start: new Date(day.stateIntervals[0]?.start ?? 0).toISOString(),
      end: new Date(day.stateIntervals[0]?.end ?? 0).toISOString(),
      presence: 'Ready',
      handling: 'Waiting',
      // a session's first row names no profile; no campaign joined yet
      profileId: null,
      profile: null,
      profileReason: null,
      campaignId: null,
    });
    expect(new Set(lines.map((l) => l['agentId']))).toEqual(new Set(day.agents.map((a) => a.userId)));
    expect(out()).toContain(`wrote ${lines.length} agent state intervals to ${file}`);
  });

  it('serves until the signal aborts, printing the URL', async () => {
    const controller = new AbortController();
    const { io, out } = capture();
    const running = simulateCommand(['--agents', '2', '--port', '0', '--historical', '--user', 'a', '--password', 'b'], { ...io, signal: controller.signal });
    for (let i = 0; i < 100 && !out().includes('http://'); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /http:\/\/\S+/.exec(out())?.[0] ?? '';
    const answer = await fetch(`${url}/agentStatus?startTime=2020-01-01T00:00:00Z`, { headers: { accept: 'application/json', authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(answer.status).toBe(200);
    controller.abort();
    expect(await running).toBe(0);
    expect(out()).toContain('stopped:');
  });

  it('rejects bad arguments with exit code 2', async () => {
    const { io, err } = capture();
    expect(await simulateCommand(['--agents', 'many'], io)).toBe(2);
    expect(await simulateCommand(['--from', '2024-03-05T00:00:00Z', '--to', '2024-03-04T00:00:00Z'], io)).toBe(2);
    expect(await simulateCommand(['--bogus'], io)).toBe(2);
    expect(err()).toContain('usage: agent-timelines simulate');
  });
});

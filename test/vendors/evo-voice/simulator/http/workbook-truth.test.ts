import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../../../../src/cli/simulate-command.ts';
import type { RunningEvoSimulator } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { FROM, runAgentState, simulator, TO } from '../support.ts';

const WINDOW_MS = 6 * 3_600_000;
const ZONE = 'America/Sao_Paulo';

/** The contract's mapping table, restated here (not imported from the simulator). */
const MAPPING: Record<string, [string, string] | null> = {
  Ready: ['Ready', 'Waiting'], NotReady: ['NotReady', 'Waiting'], Other: ['NotReady', 'Waiting'], Unknown: ['NotReady', 'Waiting'],
  WrapUp: ['Ready', 'Wrap'], Outgoing: ['Ready', 'Talking_Outbound'], LoggedOut: null,
};

const iso = (cell: unknown): string | null => (cell === null ? null : new Date(Date.parse(String(cell))).toISOString());

describe('Evo Voice simulator: workbooks against the truth export', () => {
  let sim: RunningEvoSimulator;
  beforeAll(async () => {
    sim = await simulator({ zone: 'Europe/Helsinki' });
  });
  afterAll(() => sim.close());

  it('every logged-in row of adjacent windows (requested as UTC instants) is one truth line, and every truth line one row', async () => {
    const fromRows: unknown[] = [];
    for (let start = FROM; start < TO; start += WINDOW_MS) {
      const rows = await runAgentState(sim, { startDate: new Date(start).toISOString(), endDate: new Date(start + WINDOW_MS).toISOString(), timeZoneId: ZONE });
      for (const [agentId, agentName, , state, , startTime, endTime] of rows.slice(1)) {
        const mapped = MAPPING[String(state)];
        if (mapped === undefined) throw new Error(`unmapped state ${String(state)}`);
        if (mapped !== null) fromRows.push({ agentId, agentName, start: iso(startTime), end: iso(endTime), presence: mapped[0], handling: mapped[1], profileId: null, profile: null, profileReason: null, campaignId: null });
      }
    }
    const file = join(await mkdtemp(join(tmpdir(), 'evo-truth-')), 'truth.ndjson');
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
    const args = ['--vendor', 'evo-voice', '--seed', '7', '--agents', '6', '--zone', 'Europe/Helsinki', '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--export-truth', file];
    expect(await simulateCommand(args, quiet)).toBe(0);
    const truth = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const key = (line: unknown): string => JSON.stringify(line);
    expect(truth.length).toBeGreaterThan(300);
    expect(fromRows.map(key).sort()).toEqual(truth.map(key).sort());
  });
});

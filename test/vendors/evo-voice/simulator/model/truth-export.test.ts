import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentStateRows, exportTruth, generateWorld, truthLines } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import type { AgentStateRow } from '../../../../../src/vendors/evo-voice/simulator/index.ts';

const FROM = Date.parse('2026-10-24T00:00:00.000Z');
const TO = Date.parse('2026-10-26T00:00:00.000Z');
const HOUR = 3_600_000;
const ZONE = 'Europe/Helsinki';
const world = generateWorld({ seed: 5, agents: 8, from: FROM, to: TO, zone: ZONE });
const intervals = world.accounts[0]?.intervals ?? [];

/** The contract's mapping table, restated here on purpose (not imported from the simulator). */
const MAPPING: Record<string, [string, string] | null> = {
  Ready: ['Ready', 'Waiting'], NotReady: ['NotReady', 'Waiting'], Other: ['NotReady', 'Waiting'], Unknown: ['NotReady', 'Waiting'],
  WrapUp: ['Ready', 'Wrap'], Outgoing: ['Ready', 'Talking_Outbound'], LoggedOut: null,
};

/** What a consumer derives from a workbook row: the truth line it stands for, or null for LoggedOut. */
function lineOf(row: AgentStateRow): Record<string, unknown> | null {
  const mapped = MAPPING[String(row.state)];
  if (mapped === undefined) throw new Error(`unmapped state ${String(row.state)}`);
  if (mapped === null) return null;
  return {
    agentId: row.agentId, agentName: row.agentName,
    start: new Date(Date.parse(String(row.startTime))).toISOString(),
    end: row.endTime === null ? null : new Date(Date.parse(String(row.endTime))).toISOString(),
    presence: mapped[0], handling: mapped[1],
    // Evo Voice has neither presence profiles nor campaigns
    profileId: null, profile: null, profileReason: null, campaignId: null,
  };
}

function windowsUnion(now: number, windowMs: number): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (let start = FROM; start < now; start += windowMs) {
    for (const row of agentStateRows(intervals, { start, end: start + windowMs }, now, ZONE)) {
      const line = lineOf(row);
      if (line !== null) lines.push(line);
    }
  }
  return lines.sort((a, b) => (String(a['agentId']) + String(a['start']) < String(b['agentId']) + String(b['start']) ? -1 : 1));
}

describe('Evo Voice truth export', () => {
  it('the union of adjacent windows’ workbook rows maps 1:1 onto the truth lines (historical now = to)', () => {
    const truth = truthLines(world, TO);
    expect(truth.length).toBeGreaterThan(500);
    expect(windowsUnion(TO, HOUR)).toEqual(truth);
    expect(windowsUnion(TO, 6 * HOUR)).toEqual(truth);
  });

  it('mid-range (accelerated now): intervals running at now are open in both, nothing after now appears', () => {
    const now = Date.parse('2026-10-25T09:17:31.123Z');
    const truth = truthLines(world, now);
    expect(windowsUnion(now, HOUR)).toEqual(truth);
    const open = truth.filter((l) => l.end === null);
    expect(open.length).toBeGreaterThan(0);
    expect(truth.every((l) => Date.parse(l.start) < now && (l.end === null || Date.parse(l.end) <= now))).toBe(true);
  });

  it('lines are in the shared format: keys in order, ISO UTC with ms, mapped presence and handling, no LoggedOut', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'evo-truth-')), 'truth.ndjson');
    const count = await exportTruth(file, world, TO);
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(count);
    expect(Object.keys(lines[0] ?? {})).toEqual(['agentId', 'agentName', 'start', 'end', 'presence', 'handling', 'profileId', 'profile', 'profileReason', 'campaignId']);
    for (const line of lines) {
      expect(line['start']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      if (line['end'] !== null) expect(line['end']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(['Ready', 'NotReady']).toContain(line['presence']);
      expect(['Waiting', 'Wrap', 'Talking_Outbound']).toContain(line['handling']);
    }
    const loggedIn = intervals.filter((i) => i.state !== 'LoggedOut' && i.start < TO).length;
    expect(count).toBe(loggedIn);
  });
});

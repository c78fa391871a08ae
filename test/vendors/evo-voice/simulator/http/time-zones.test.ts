import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvoSimulatorOptions, RunningEvoSimulator } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { worldOf } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { runAgentState, simulator } from '../support.ts';

const ZONE = 'Europe/Helsinki';

/** Simulators whose agents follow Helsinki time, around each DST change of 2026. */
const FALL: Partial<EvoSimulatorOptions> = { seed: 11, agents: 10, zone: ZONE, from: Date.parse('2026-10-24T00:00:00Z'), to: Date.parse('2026-10-27T00:00:00Z') };
const SPRING: Partial<EvoSimulatorOptions> = { seed: 11, agents: 10, zone: ZONE, from: Date.parse('2026-03-28T00:00:00Z'), to: Date.parse('2026-03-31T00:00:00Z') };

/** The UTC starts of the model's intervals in [start, end). */
function expectedStarts(options: Partial<EvoSimulatorOptions>, start: string, end: string): number[] {
  const world = worldOf({ clock: { mode: 'historical' }, ...options } as EvoSimulatorOptions);
  return (world.accounts[0]?.intervals ?? []).map((i) => i.start).filter((s) => s >= Date.parse(start) && s < Date.parse(end));
}

const starts = (rows: unknown[][]): number[] => rows.slice(1).map((r) => Date.parse(String(r[5])));
const offsetOf = (text: unknown): string => String(text).slice(-6);

describe('Evo Voice simulator: TimeZoneId and DST', () => {
  let fall: RunningEvoSimulator;
  let spring: RunningEvoSimulator;
  beforeAll(async () => {
    fall = await simulator(FALL);
    spring = await simulator(SPRING);
  });
  afterAll(async () => {
    await fall.close();
    await spring.close();
  });

  it('fall-back day: a local date range is 25 hours; the repeated hour renders twice, told apart by the offset', async () => {
    const rows = await runAgentState(fall, { startDate: '2026-10-25', endDate: '2026-10-26', timeZoneId: ZONE });
    expect(starts(rows)).toEqual(expectedStarts(FALL, '2026-10-24T21:00:00.000Z', '2026-10-25T22:00:00.000Z'));
    const repeated = rows.slice(1).filter((r) => String(r[5]).startsWith('2026-10-25T03:'));
    expect(new Set(repeated.map((r) => offsetOf(r[5])))).toEqual(new Set(['+03:00', '+02:00']));
    for (const row of rows.slice(1)) {
      const utc = Date.parse(String(row[5]));
      expect(offsetOf(row[5])).toBe(utc < Date.parse('2026-10-25T01:00:00Z') ? '+03:00' : '+02:00');
      if (row[6] !== null) expect(Date.parse(String(row[6]))).toBeGreaterThan(utc);
    }
  });

  it('an ambiguous local time (03:30 on the fall-back day) is the EARLIER instant, 03:30+03:00', async () => {
    const rows = await runAgentState(fall, { startDate: '2026-10-25T03:30', endDate: '2026-10-25T04:00', timeZoneId: ZONE });
    // 03:30+03:00 = 00:30Z; 04:00 exists once, at +02:00 = 02:00Z
    expect(starts(rows)).toEqual(expectedStarts(FALL, '2026-10-25T00:30:00.000Z', '2026-10-25T02:00:00.000Z'));
    expect(starts(rows).some((s) => s < Date.parse('2026-10-25T01:30:00Z'))).toBe(true);
  });

  it('spring-forward day: a local date range is 23 hours; no wall time in the gap is rendered', async () => {
    const rows = await runAgentState(spring, { startDate: '2026-03-29', endDate: '2026-03-30', timeZoneId: ZONE });
    expect(starts(rows)).toEqual(expectedStarts(SPRING, '2026-03-28T22:00:00.000Z', '2026-03-29T21:00:00.000Z'));
    expect(rows.slice(1).filter((r) => String(r[5]).startsWith('2026-03-29T03:'))).toEqual([]);
    for (const row of rows.slice(1)) expect(offsetOf(row[5])).toBe(Date.parse(String(row[5])) < Date.parse('2026-03-29T01:00:00Z') ? '+02:00' : '+03:00');
  });

  it('a wall time in the spring-forward gap (03:30) moves forward by the gap, to 04:30+03:00', async () => {
    const rows = await runAgentState(spring, { startDate: '2026-03-29T03:30', endDate: '2026-03-29T06:00', timeZoneId: ZONE });
    expect(starts(rows)).toEqual(expectedStarts(SPRING, '2026-03-29T01:30:00.000Z', '2026-03-29T03:00:00.000Z'));
    expect(starts(rows).length).toBeGreaterThan(0);
  });

  it('instants with Z or an offset fix the window; TimeZoneId then only renders; default TimeZoneId is UTC', async () => {
    const window = { startDate: '2026-10-25T00:00:00.000Z', endDate: '2026-10-25T04:00:00+02:00' };
    const helsinki = await runAgentState(fall, { ...window, timeZoneId: ZONE });
    const utc = await runAgentState(fall, window);
    expect(starts(helsinki)).toEqual(expectedStarts(FALL, '2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z'));
    expect(starts(utc)).toEqual(starts(helsinki));
    expect(utc.slice(1).every((r) => offsetOf(r[5]) === '+00:00')).toBe(true);
    expect(helsinki.slice(1).map((r) => r.slice(0, 5))).toEqual(utc.slice(1).map((r) => r.slice(0, 5)));
  });
});

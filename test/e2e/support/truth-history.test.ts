import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateGroundTruth, truthRecords } from '../../../src/vendors/sinch/simulator/index.ts';
import type { TruthField, TruthLine } from './truth-statistics.ts';
import { TRUTH_FIELDS, truthStatistics } from './truth-statistics.ts';
import { truthHistory } from './truth-history.ts';

const FROM = Date.parse('2024-03-04T00:00:00.000Z');
const lines: TruthLine[] = truthRecords(generateGroundTruth({ seed: 11, agents: 8, from: FROM, to: FROM + 86_400_000 }));

/** The parts summed back per agent and period start (`agentId|intervalStart`), with rows of only zeros dropped. */
function summed(history: ReturnType<typeof truthHistory>): Map<string, Record<TruthField, number>> {
  const out = new Map<string, Record<TruthField, number>>();
  for (const row of history.values()) {
    const key = `${row.agentId}|${row.intervalStart}`;
    const values = out.get(key) ?? (Object.fromEntries(TRUTH_FIELDS.map((f) => [f, 0])) as Record<TruthField, number>);
    for (const field of TRUTH_FIELDS) values[field] += row.values[field];
    out.set(key, values);
  }
  return out;
}

function plain(truth: ReturnType<typeof truthStatistics>): Map<string, Record<TruthField, number>> {
  return new Map([...truth].map(([key, row]) => [key, row.values]));
}

const iso = (ms: number): string => new Date(ms).toISOString();
const line = (start: number, end: number, presence: string, handling: string, dims: Partial<TruthLine> = {}): TruthLine => ({
  agentId: 'a', agentName: 'Ann', start: iso(start), end: iso(end), presence, handling, profileId: null, profile: null, profileReason: null, campaignId: null, ...dims,
});

describe('truth breakdown by profile and campaign (test/e2e/support/truth-history.ts)', () => {
  it("the simulator's day: the parts of every quarter-hour sum to truthStatistics(), and the breakdown is real", () => {
    const history = truthHistory(lines);
    expect(summed(history)).toEqual(plain(truthStatistics(lines)));
    const rows = [...history.values()];
    expect(new Set(rows.map((r) => r.profile)).size).toBeGreaterThan(4);
    expect(rows.some((r) => r.profile === null)).toBe(true);
    expect(new Set(rows.map((r) => r.campaignId)).size).toBe(3);
    expect(rows.filter((r) => r.campaignId !== null).reduce((sum, r) => sum + r.values.countOfHandledCallOut, 0)).toBeGreaterThan(5);
  });

  it('days are the quarter-hours summed in UTC days, and a campaign filter keeps exactly the parts of that campaign', () => {
    const day = new Date(FROM).toISOString();
    const days = truthHistory(lines, { period: 'day' });
    expect([...days.values()].every((r) => r.intervalStart === day)).toBe(true);
    const perAgent = new Map<string, Record<TruthField, number>>();
    for (const [key, row] of truthStatistics(lines)) {
      const agent = `${key.split('|')[0]}|${day}`;
      const values = perAgent.get(agent) ?? (Object.fromEntries(TRUTH_FIELDS.map((f) => [f, 0])) as Record<TruthField, number>);
      for (const field of TRUTH_FIELDS) values[field] += row.values[field];
      perAgent.set(agent, values);
    }
    expect(summed(days)).toEqual(perAgent);
    const campaign = [...days.values()].find((r) => r.campaignId !== null)?.campaignId as string;
    const otherCase = campaign.toUpperCase() === campaign ? campaign.toLowerCase() : campaign.toUpperCase();
    const filtered = truthHistory(lines, { campaignId: otherCase });
    expect(filtered.size).toBeGreaterThan(0);
    expect([...filtered.values()]).toEqual([...truthHistory(lines).values()].filter((r) => r.campaignId === campaign));
  });

  it('a contact run that crosses a campaign or profile change counts once, in the part of its last ms', () => {
    const campaign = { campaignId: 'C1' };
    const history = truthHistory([
      line(0, 1_000, 'Ready', 'Waiting', campaign),
      line(1_000, 5_000, 'Ready', 'Talking_Outbound_Campaign', campaign),
      line(5_000, 8_000, 'Ready', 'Talking_Outbound_Campaign', { profile: 'Office', profileReason: 'NONE' }),
      line(8_000, 9_000, 'Ready', 'Wrap', { profile: 'Office', profileReason: 'NONE' }),
    ]);
    const start = iso(0);
    const get = (profile: string | null, reason: string | null, campaignId: string | null) => history.get(`a|${start}|${JSON.stringify([profile, reason, campaignId])}`)?.values;
    expect(get(null, null, 'C1')).toMatchObject({ servingDuration: 5_000, callOutDuration: 4_000, countOfHandledCallOut: 0 });
    expect(get('Office', 'NONE', null)).toMatchObject({ servingDuration: 4_000, callOutDuration: 3_000, countOfHandledCallOut: 1, afterworkCallOutDuration: 1_000 });
    expect(history.size).toBe(2);
  });

  it('property: splitting lines at any ms and relabelling their parts never changes the per-quarter-hour sums', () => {
    const agentLines = lines.filter((l) => l.agentId === lines[0]?.agentId).slice(0, 120);
    const dims = fc.record({ profile: fc.constantFrom(null, 'Office', 'Lunch'), profileReason: fc.constantFrom(null, 'NONE', 'LUNCH'), campaignId: fc.constantFrom(null, 'C1', 'C2') });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), dims, dims), { minLength: agentLines.length, maxLength: agentLines.length }), (choices) => {
        const relabelled = agentLines.flatMap((l, i): TruthLine[] => {
          const [at, first, second] = choices[i] as [number, Partial<TruthLine>, Partial<TruthLine>];
          const start = Date.parse(l.start);
          const end = Date.parse(l.end as string);
          const cut = start + Math.floor(at * (end - start));
          if (cut <= start) return [{ ...l, ...first }];
          return [{ ...l, ...first, end: iso(cut) }, { ...l, ...second, start: iso(cut) }];
        });
        expect(summed(truthHistory(relabelled))).toEqual(plain(truthStatistics(agentLines)));
      }),
      { numRuns: 40 },
    );
  });
});

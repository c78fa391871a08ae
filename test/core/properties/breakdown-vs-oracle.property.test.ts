/**
 * Property: the agentHistory breakdown of the batch replay (quarterHour, UTC, `breakdown: true`) equals the brute-force
 * oracle's, part by part: every counted millisecond in the part of the profile, profile reason and campaign in force
 * AT it, every handled contact in the part of its run's last millisecond (docs/metrics.md, "agentHistory breakdown").
 * The oracle steps through every millisecond and shares no code with src/core.
 *
 * Can it fail? "detects an oracle that ignores campaigns" below checks that, on the generated histories, merging the
 * campaign dimension away changes the expectation, so the property would catch an engine that dropped it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import type { AgentStatisticRow } from '../../../src/core/replay/replay.ts';
import type { AgentMetrics } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { asSinchRow } from '../../support/known-metrics.ts';
import { historyArb } from '../generators/histories.ts';
import { oracleReplay } from '../oracle/brute-force-oracle.ts';
import { SEED_RECORDS } from '../oracle/seed-records.ts';
import { fcParams } from './support.ts';

type Parts = Record<string, unknown>;

/** The replay's breakdown per `userId|intervalStart`: part key → published metrics. */
function replayParts(rows: readonly AgentStatisticRow[]): Map<string, Parts> {
  return new Map(rows.map((row) => [`${row.userId}|${row.intervalStart}`, Object.fromEntries((row.breakdown ?? []).map((part) => [JSON.stringify([part.profile, part.profileReason, part.campaignId]), { ...part.metrics }]))]));
}

function oracleParts(breakdown: ReadonlyMap<string, ReadonlyMap<string, AgentMetrics>>, mergeCampaigns = false): Map<string, Parts> {
  const out = new Map<string, Parts>();
  for (const [row, parts] of breakdown) {
    const merged: Record<string, AgentMetrics> = {};
    for (const [key, metrics] of parts) {
      const [profile, reason, campaign] = JSON.parse(key) as [string | null, string | null, string | null];
      const target = JSON.stringify([profile, reason, mergeCampaigns ? null : campaign]);
      const sum = merged[target];
      if (sum === undefined) merged[target] = { ...metrics };
      else for (const field of Object.keys(metrics) as (keyof AgentMetrics)[]) sum[field] += metrics[field];
    }
    out.set(row, Object.fromEntries(Object.entries(merged).map(([key, metrics]) => [key, asSinchRow(metrics)])));
  }
  return out;
}

function differs(records: readonly unknown[], until: number | undefined, mergeCampaigns: boolean): boolean {
  const options = until === undefined ? {} : { until };
  const actual = replayParts(replay(records, sinchAgentStatusHistoryAdapter, { ...options, breakdown: true }).rows);
  const expected = oracleParts(oracleReplay(records, options).breakdown, mergeCampaigns);
  try {
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    return false;
  } catch {
    return true;
  }
}

const caseArb = fc.record({ history: historyArb(), untilShift: fc.option(fc.integer({ min: -600_000, max: 120_000 }), { freq: 2 }) });

describe('property: the replay breakdown by profile and campaign equals the brute-force oracle', () => {
  it('on the seed example (profiles Default and Office, campaign DBE3…)', () => {
    const rows = replay(SEED_RECORDS, sinchAgentStatusHistoryAdapter, { breakdown: true }).rows;
    expect(replayParts(rows)).toEqual(oracleParts(oracleReplay(SEED_RECORDS).breakdown));
    const keys = new Set(rows.flatMap((row) => (row.breakdown ?? []).map((part) => `${part.profile}/${part.campaignId}`)));
    // the session's first row (userStatus Ready, no profile) holds for 33 ms: a part without a profile
    expect(keys).toEqual(new Set(['null/null', 'Default/null', 'Office/null', 'Office/DBE3BEFA75B448F89D52DE51236C03DC']));
  });

  it('on random histories', () => {
    fc.assert(
      fc.property(caseArb, ({ history, untilShift }) => {
        expect(differs(history.records, untilShift === null ? undefined : history.maxEventTime + untilShift, false)).toBe(false);
      }),
      fcParams(100),
    );
  }, 120_000);

  it('detects an oracle that ignores campaigns (the property can fail)', () => {
    const result = fc.check(
      fc.property(caseArb, ({ history }) => !differs(history.records, undefined, true)),
      { ...fcParams(50), endOnFailure: true },
    );
    expect(result.failed).toBe(true);
  }, 60_000);
});

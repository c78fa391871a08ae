import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateGroundTruth, truthRecords } from '../../../src/vendors/sinch/simulator/index.ts';
import { historyMismatches } from './history-checks.ts';
import { truthHistory } from './truth-history.ts';

const FROM = Date.parse('2024-03-04T00:00:00.000Z');
const TO = FROM + 86_400_000;
const day = generateGroundTruth({ seed: 11, agents: 4, from: FROM, to: TO });
const truth = truthHistory(truthRecords(day));

/** Rows shaped as our API serves agentHistory (showProfile, showCampaign, quarterHour), from the core replay's breakdown. */
function servedRows(): Record<string, unknown>[] {
  const records = day.agentStatusHistory.map((t, i) => ({ ...t.row, vendorPoll: 0, vendorRow: i }));
  return replay(records, sinchAgentStatusHistoryAdapter, { until: TO, breakdown: true }).rows.flatMap((row) =>
    (row.breakdown ?? []).map((part) => ({
      timeCategory: row.timeCategory, userId: row.userId, userName: row.userName,
      profileId: null, profileName: part.profile, profileReason: part.profileReason, campaignId: part.campaignId, campaignName: null,
      intervalStart: row.intervalStart, intervalEnd: row.intervalEnd, ...part.metrics,
    })),
  );
}

describe('agentHistory rows against the truth breakdown (history-checks.ts)', () => {
  it('the replay breakdown of the ground truth, served as our API serves it, has no mismatch', () => {
    const rows = servedRows();
    expect(rows.length).toBeGreaterThan(100);
    expect(historyMismatches(rows, truth)).toEqual([]);
  });

  it('reports a count in the wrong part, a missing or repeated part, and a profileId, campaignName or resting value that is not null', () => {
    const rows = servedRows();
    const counted = rows.findIndex((r) => r['countOfHandledCallOut'] === 1 && r['campaignId'] !== null);
    const target = rows.findIndex((r, i) => i !== counted && r['userId'] === rows[counted]?.['userId'] && r['intervalStart'] === rows[counted]?.['intervalStart']);
    expect(counted >= 0 && target >= 0).toBe(true);
    const moved = rows.map((r, i) => (i === counted ? { ...r, countOfHandledCallOut: 0 } : i === target ? { ...r, countOfHandledCallOut: Number(r['countOfHandledCallOut']) + 1 } : r));
    expect(historyMismatches(moved, truth)).toHaveLength(2);
    expect(historyMismatches(rows.slice(1), truth)).toEqual([expect.stringContaining('not served')]);
    expect(historyMismatches([...rows, rows[0] ?? {}], truth)).toEqual([expect.stringContaining('served twice')]);
    const relabelled = rows.map((r, i) => (i === 0 ? { ...r, campaignId: 'C0FFEE' } : r));
    expect(historyMismatches(relabelled, truth)).toHaveLength(2);
    for (const field of ['profileId', 'campaignName', 'restingDuration', 'countOfHandledCallInDirect']) {
      expect(historyMismatches(rows.map((r, i) => (i === 0 ? { ...r, [field]: 0 } : r)), truth), field).toEqual([expect.stringContaining(`${field}: 0, not null`)]);
    }
  });
});

/**
 * Comparisons of RAI `/agentHistory` rows (showProfile=true&showCampaign=true) with the truth breakdown of
 * truth-history.ts, for the end-to-end tests.
 */
import type { TruthHistoryRow } from './truth-history.ts';
import { truthHistoryKey } from './truth-history.ts';
import { TRUTH_FIELDS } from './truth-statistics.ts';

/** Fields agentStatusHistory cannot supply, so our API serves null for them (docs/metrics.md). */
export const NULL_HISTORY_FIELDS = ['restingDuration', 'callInDirectDuration', 'callOutDirectDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect', 'profileId', 'campaignName'] as const;

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** The part key of a served row: its user, its period start (`startField`) and its profile and campaign. */
export function servedHistoryKey(row: Readonly<Record<string, unknown>>, startField = 'intervalStart'): string {
  return truthHistoryKey({ agentId: String(row['userId']), intervalStart: String(row[startField]), profile: text(row['profileName']), profileReason: text(row['profileReason']), campaignId: text(row['campaignId']) });
}

/**
 * Every difference between our API's agentHistory rows and the truth breakdown: parts missing on either side, a
 * repeated part, a userName or TRUTH_FIELDS value that differs, a field of {@link NULL_HISTORY_FIELDS} that is not null.
 */
export function historyMismatches(served: ReadonlyArray<Readonly<Record<string, unknown>>>, truth: ReadonlyMap<string, TruthHistoryRow>): string[] {
  const out: string[] = [];
  const got = new Map<string, Readonly<Record<string, unknown>>>();
  for (const row of served) {
    const key = servedHistoryKey(row);
    if (got.has(key)) out.push(`${key}: served twice`);
    got.set(key, row);
    for (const field of NULL_HISTORY_FIELDS) if (row[field] !== null) out.push(`${key} ${field}: ${String(row[field])}, not null`);
  }
  for (const key of new Set([...truth.keys(), ...got.keys()])) {
    const want = truth.get(key);
    const row = got.get(key);
    if (want === undefined || row === undefined) {
      out.push(`${key}: ${want === undefined ? 'not in the truth' : 'not served'}`);
      continue;
    }
    if (row['userName'] !== want.userName) out.push(`${key} userName: served ${String(row['userName'])}, truth ${want.userName}`);
    for (const field of TRUTH_FIELDS) if (row[field] !== want.values[field]) out.push(`${key} ${field}: served ${String(row[field])}, truth ${want.values[field]}`);
  }
  return out;
}

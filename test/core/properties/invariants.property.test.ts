/**
 * Property (c): invariants of replay output that hold in EVERY row (spec §3 identities), checked without the oracle:
 *   serving = ready + notReady + pause = waiting + preview + contactHandling + afterwork,
 *   free ≤ waiting, Σ afterwork-by-kind ≤ afterwork, callIn + callOut + emailIn + emailOut + chat ≤ contactHandling,
 *   resting and every *Direct* field null (Sinch RAI cannot supply them), every other field a non-negative integer, quarter-hours aligned and 15 min long;
 *   quarter-hour serving ≤ 900000 per user, also when a session's LoggedOut row is lost or comes after the user's
 *   next sign-on (a newer session ends the older one, docs/metrics.md), and for each session replayed on its own
 *   (same --until as the whole history).
 *
 * Seed: fixed (support.ts PROPERTY_SEED, override with FC_SEED / FC_RUNS / FC_PATH).
 *
 * (f) Can it fail? Verified while developing: checking `serving ≤ 899999` instead of 900000 fails (agents that
 * are logged in for a whole quarter-hour are generated often), and the automated check below feeds rows whose
 * readyDuration was increased by 1 ms to the same invariant function and expects it to throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import type { AgentStatisticRow, TimeCategory } from '../../../src/core/replay/replay.ts';
import { historyArb } from '../generators/histories.ts';
import { fcParams } from './support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';
import { knownRows, SINCH_KNOWN_FIELDS, SINCH_UNKNOWN_FIELDS } from '../../support/known-metrics.ts';

function assertInvariants(published: readonly AgentStatisticRow[], what: string, oneSessionPerUser = true): void {
  for (const r of knownRows(published)) {
    const where = `${what} ${r.userId}@${r.intervalStart}`;
    for (const f of SINCH_KNOWN_FIELDS) {
      if (!Number.isInteger(r[f]) || r[f] < 0) throw new Error(`${where}: ${f} = ${r[f]} is not a non-negative integer`);
    }
    const byUser = r.readyDuration + r.notReadyDuration + r.pauseDuration;
    const byHandling = r.waitingDuration + r.previewDuration + r.contactHandlingDuration + r.afterworkDuration;
    if (r.servingDuration !== byUser) throw new Error(`${where}: serving ${r.servingDuration} ≠ ready+notReady+pause ${byUser}`);
    if (r.servingDuration !== byHandling) throw new Error(`${where}: serving ${r.servingDuration} ≠ waiting+preview+contact+afterwork ${byHandling}`);
    if (r.freeDuration > r.waitingDuration) throw new Error(`${where}: free ${r.freeDuration} > waiting ${r.waitingDuration}`);
    const afterworkKinds = r.afterworkCallInDuration + r.afterworkCallOutDuration + r.afterworkEmailInDuration + r.afterworkChatInDuration;
    if (afterworkKinds > r.afterworkDuration) throw new Error(`${where}: afterwork by kind ${afterworkKinds} > afterwork ${r.afterworkDuration}`);
    const contactKinds = r.callInDuration + r.callOutDuration + r.emailInDuration + r.emailOutDuration + r.chatDuration;
    if (contactKinds > r.contactHandlingDuration) throw new Error(`${where}: contact kinds ${contactKinds} > contactHandling ${r.contactHandlingDuration}`);
    for (const f of SINCH_UNKNOWN_FIELDS) {
      if (r[f] !== null) throw new Error(`${where}: ${f} = ${String(r[f])} (must be null)`);
    }
    const start = Date.parse(r.intervalStart);
    const end = Date.parse(r.intervalEnd);
    if (!(end > start)) throw new Error(`${where}: empty interval`);
    // (a user with overlapping sessions may legitimately exceed the interval: rows sum all sessions)
    if (oneSessionPerUser && r.servingDuration > end - start) throw new Error(`${where}: serving ${r.servingDuration} longer than the interval`);
  }
}

function assertQuarterHours(published: readonly AgentStatisticRow[], what: string, perSession: boolean): void {
  for (const r of knownRows(published)) {
    const start = Date.parse(r.intervalStart);
    if (start % 900_000 !== 0 || Date.parse(r.intervalEnd) - start !== 900_000) throw new Error(`${what}: ${r.intervalStart} not a quarter-hour`);
    if (r.timeCategory !== r.intervalStart) throw new Error(`${what}: label ${r.timeCategory} ≠ ${r.intervalStart} in UTC`);
    if (perSession && r.servingDuration > 900_000) throw new Error(`${what}: per-session serving ${r.servingDuration} > 900000 at ${r.intervalStart}`);
    const hasCount = SINCH_KNOWN_FIELDS.some((f) => f.startsWith('countOf') && r[f] > 0);
    if (r.servingDuration === 0 && !hasCount) throw new Error(`${what}: row ${r.intervalStart} with neither serving nor a count`);
  }
}

const CATEGORIES: TimeCategory[] = ['hour', 'day', 'week', 'month', 'year', 'all'];

describe('property: invariants of replay output', () => {
  it('single-session-per-agent histories: identities, free ≤ waiting, serving ≤ 900000 per quarter-hour', () => {
    fc.assert(
      fc.property(historyArb({ maxSessions: 1, maxStartOffset: 20 * 60_000 }), fc.constantFrom<TimeCategory>(...CATEGORIES), (history, category) => {
        const qh = replay(history.records, sinchAgentStatusHistoryAdapter).rows;
        assertInvariants(qh, 'quarterHour');
        assertQuarterHours(qh, 'quarterHour', true);
        assertInvariants(replay(history.records, sinchAgentStatusHistoryAdapter, { timeCategory: category, timeZone: 'Europe/Helsinki' }).rows, category);
      }),
      fcParams(300),
    );
  }, 120_000);

  it('multi-session histories (lost and late LoggedOut rows): identities and serving ≤ 900000 per user and per session', () => {
    fc.assert(
      fc.property(historyArb({ endWeight: 6 }), (history) => {
        const until = history.maxEventTime;
        const qh = replay(history.records, sinchAgentStatusHistoryAdapter).rows;
        assertInvariants(qh, 'quarterHour');
        assertQuarterHours(qh, 'quarterHour', true);
        for (const session of history.sessions) {
          const records = session.recordIndexes.map((i) => history.records[i]);
          const rows = replay(records, sinchAgentStatusHistoryAdapter, { until }).rows;
          assertInvariants(rows, `session ${session.sessionId}`);
          assertQuarterHours(rows, `session ${session.sessionId}`, true);
        }
      }),
      fcParams(150),
    );
  }, 120_000);

  it('the invariant check rejects a row perturbed by 1 ms (the property can fail)', () => {
    const result = fc.check(
      fc.property(historyArb({ maxSessions: 1 }), (history) => {
        const rows = knownRows(replay(history.records, sinchAgentStatusHistoryAdapter).rows).map((r) => ({ ...r, readyDuration: r.readyDuration + 1 }));
        assertInvariants(rows, 'perturbed');
      }),
      { ...fcParams(20), endOnFailure: true },
    );
    expect(result.failed).toBe(true);
  });
});

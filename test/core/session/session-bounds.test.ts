import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import { implicitEnd } from '../../../src/core/session/session-bounds.ts';
import { initialSessionState } from '../../../src/core/session/session-state.ts';
import { generateGroundTruth } from '../../../src/vendors/sinch/simulator/index.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const DAY = 86_400_000;
const FROM = Date.parse('2024-03-04T00:00:00.000Z');

describe('implicitEnd', () => {
  const state = { ...initialSessionState(), cursor: 1_000, lastEventTime: 1_000 };

  it('ends at the newer session’s first event, at or before the target', () => {
    expect(implicitEnd(state, 5_000, { maxIdleMs: DAY, supersededAt: 5_000 }, false)).toBe(5_000);
    expect(implicitEnd(state, 4_999, { maxIdleMs: DAY, supersededAt: 5_000 }, true)).toBeNull();
  });

  it('ends an idle session that long after its last event: before an event only if strictly earlier, at a horizon also exactly there', () => {
    expect(implicitEnd(state, 1_100, { maxIdleMs: 100, supersededAt: null }, false)).toBeNull();
    expect(implicitEnd(state, 1_101, { maxIdleMs: 100, supersededAt: null }, false)).toBe(1_100);
    expect(implicitEnd(state, 1_100, { maxIdleMs: 100, supersededAt: null }, true)).toBe(1_100);
    expect(implicitEnd(state, 9_000, { maxIdleMs: 100, supersededAt: 5_000 }, true)).toBe(1_100);
  });

  it('never applies to an ended session', () => {
    expect(implicitEnd({ ...state, ended: true, endTime: 1_000 }, 9_000, { maxIdleMs: 100, supersededAt: 2_000 }, true)).toBeNull();
  });
});

describe('implicit ends leave legitimate sessions alone', () => {
  it('a simulated day of 40 agents gives the same rows with the default idle limit as without any, and rejects nothing', () => {
    const day = generateGroundTruth({ seed: 5, agents: 40, from: FROM, to: FROM + DAY });
    const records = day.agentStatusHistory.map((r) => r.row);
    const until = FROM + DAY;
    const bounded = replay(records, sinchAgentStatusHistoryAdapter, { until });
    const unbounded = replay(records, sinchAgentStatusHistoryAdapter, { until, sessionMaxIdleMs: Number.POSITIVE_INFINITY, maxEventAgeMs: Number.POSITIVE_INFINITY, maxEventLeadMs: Number.POSITIVE_INFINITY });
    expect(bounded.rows.length).toBeGreaterThan(40 * 20);
    expect(bounded.rows).toEqual(unbounded.rows);
    expect(bounded.rejected).toEqual({});
  });
});

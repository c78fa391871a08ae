import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import { DEFAULT_EVENT_TIME_LIMITS, eventTimeRejection, watermarkRejection } from '../../../src/core/time/time-limits.ts';
import { historyArb } from '../generators/histories.ts';
import { fcParams } from '../properties/support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

describe('eventTimeRejection', () => {
  const limits = { maxEventAgeMs: 1_000, maxEventLeadMs: 10 };
  it('takes event times within [changeTimestamp − age, changeTimestamp + lead]', () => {
    expect(eventTimeRejection(5_000, 6_000, limits)).toBeNull();
    expect(eventTimeRejection(4_999, 6_000, limits)).toBe('event-time-too-old');
    expect(eventTimeRejection(6_010, 6_000, limits)).toBeNull();
    expect(eventTimeRejection(6_011, 6_000, limits)).toBe('event-time-in-future');
  });
  it('rejects the zero dates of the review by default', () => {
    const now = Date.UTC(2026, 10, 2);
    expect(eventTimeRejection(0, now, DEFAULT_EVENT_TIME_LIMITS)).toBe('event-time-too-old');
    expect(eventTimeRejection(Date.UTC(1, 0, 1), now, DEFAULT_EVENT_TIME_LIMITS)).toBe('event-time-too-old');
    expect(eventTimeRejection(now - 300 * 86_400_000, now, DEFAULT_EVENT_TIME_LIMITS)).toBeNull();
  });
});

describe('watermarkRejection', () => {
  it('rejects a watermark more than the allowed lead ahead of the wall clock', () => {
    expect(watermarkRejection(1_300, 1_000, 300)).toBeNull();
    expect(watermarkRejection(1_301, 1_000, 300)).toBe('watermark-ahead-of-clock');
  });
});

describe('property: the default limits do not touch plausible records', () => {
  it('replay with the default limits equals replay without any limit, rejections included', () => {
    const none = { sessionMaxIdleMs: Number.POSITIVE_INFINITY, maxEventAgeMs: Number.POSITIVE_INFINITY, maxEventLeadMs: Number.POSITIVE_INFINITY };
    fc.assert(
      fc.property(historyArb({ withJunk: false }), (history) => {
        const bounded = replay(history.records, sinchAgentStatusHistoryAdapter);
        const unbounded = replay(history.records, sinchAgentStatusHistoryAdapter, none);
        expect(bounded.rows).toEqual(unbounded.rows);
        expect(bounded.rejected).toEqual(unbounded.rejected);
      }),
      fcParams(200),
    );
  }, 120_000);
});

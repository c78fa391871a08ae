import { describe, expect, it } from 'vitest';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { adaptThuliumAgentStatus } from '../../../src/vendors/thulium/agent-status-adapter.ts';
import { adaptThuliumWorkReport, thuliumWorkReportAdapter } from '../../../src/vendors/thulium/work-report-adapter.ts';

const MIN = 60_000;
/** 2026-11-29T08:00:00Z = 09:00 in Europe/Warsaw. */
const T8 = Date.UTC(2026, 10, 29, 8, 0);

/** A minute row in the seed's shape (002_2e7f2b8bf91eb5a7.txt), with its key order and the pause items without `average`. */
function minuteRow(minute: number, figures: { pause?: string; pause1?: string; free?: string; inSum?: string; answered?: number; aboveSum?: string; aboveCount?: number; belowSum?: string; belowCount?: number; chats?: number; tickets?: number }) {
  return {
    minuteStart: T8 + minute * MIN,
    agent: { login: 'jkowalski', name: 'Janko', surname: 'Walski' },
    period: `2026-11-29 09:${String(minute).padStart(2, '0')}`,
    inbound: { count: (figures.answered ?? 0) + 1, answered_count: figures.answered ?? 0, not_answered_count: 1, transferred_count: 0, sum: figures.inSum ?? '00:00:00', average: '00:00:00', wait_sum: 7, wait_average: '00:00:07', calls_per_hour: 0 },
    chat: { closed: figures.chats ?? 0, responded: 1 },
    ticket: { closed: figures.tickets ?? 0, responded: 0, total_responded: 0 },
    outbound_above_threshold: { count: figures.aboveCount ?? 0, sum: figures.aboveSum ?? '00:00:00', average: '00:00:00' },
    outbound_below_threshold: { count: figures.belowCount ?? 0, sum: figures.belowSum ?? '00:00:00', average: '00:00:00' },
    login_date: null,
    logout_date: null,
    pauses: [
      { id: 'all', count: 0, sum: figures.pause ?? '00:00:00', average: '00:00:00' },
      { id: 'free', count: 0, sum: figures.free ?? '00:00:00', average: '00:00:00' },
      { id: 0, count: 0, sum: '00:00:00', average: null },
      { id: 1, count: 0, sum: figures.pause1 ?? '00:00:00', average: '00:00:00' },
    ],
  };
}

function record(rows: unknown[], overrides: Record<string, unknown> = {}) {
  return { tenant: 't', agentLogin: 'jkowalski', windowStart: T8, windowEnd: T8 + 15 * MIN, timeZone: 'Europe/Warsaw', outboundThreshold: 0, polledAt: T8 + 20 * MIN, vendorPoll: 1, vendorRow: 0, minutes: rows, ...overrides };
}

const rejection = (input: unknown): string | undefined => {
  const result = adaptThuliumWorkReport(input);
  return 'rejection' in result ? result.rejection : undefined;
};

describe('Thulium work-report adapter', () => {
  it("sums a quarter-hour's minute rows into one window report: seconds → ms, the mapping of docs/metrics.md, the rest as extras", () => {
    const result = adaptThuliumWorkReport(record([
      minuteRow(0, { pause: '00:00:40', pause1: '00:00:40', free: '00:00:20', answered: 1 }),
      minuteRow(1, { inSum: '00:01:00', aboveSum: '00:00:00', belowSum: '00:00:00', chats: 2, tickets: 1 }),
      minuteRow(2, { aboveSum: '00:00:30', aboveCount: 1, belowSum: '00:00:05', belowCount: 2, free: '00:00:25' }),
    ]));
    expect('reports' in result && result.reports).toEqual([{
      userId: 'jkowalski',
      userName: 'Janko Walski',
      windowStart: T8,
      changeTime: T8 + 20 * MIN,
      metrics: { pauseDuration: 40_000, freeDuration: 45_000, callInDuration: 60_000, callOutDuration: 35_000, countOfHandledCallIn: 1, countOfHandledCallOut: 1, countOfHandledChatIn: 2, countOfHandledEmailIn: 1 },
      extras: {
        inboundCount: 4, inboundNotAnsweredCount: 3, inboundTransferredCount: 0, inboundCallerWaitDuration: 21_000, outboundBelowThresholdCount: 2, outboundBelowThresholdDuration: 5_000,
        chatResponded: 3, ticketResponded: 0, ticketTotalResponded: 0, pauseCount: 0, pauseReason0Duration: 0, pauseReason0Count: 0, pauseReason1Duration: 40_000, pauseReason1Count: 0,
      },
    }]);
  });

  it('reads durations with unbounded hours', () => {
    const result = adaptThuliumWorkReport(record([minuteRow(0, { pause: '123:45:06' })]));
    expect('reports' in result && result.reports?.[0]?.metrics.pauseDuration).toBe((123 * 3600 + 45 * 60 + 6) * 1000);
  });

  it('rejects unusable records in a fixed order, naming why', () => {
    expect(rejection([])).toBe('not-an-object');
    expect(rejection(record([], { agentLogin: '' }))).toBe('missing-agentLogin');
    expect(rejection(record([], { windowStart: T8 + 1 }))).toBe('misaligned-window');
    expect(rejection(record([], { polledAt: null }))).toBe('missing-polledAt');
    expect(rejection(record([1]))).toBe('missing-minutes');
    expect(rejection(record([minuteRow(0, { pause: '1:2:3' })]))).toBe('bad-row');
    expect(rejection(record([minuteRow(0, { pause: '00:60:00' })]))).toBe('bad-row');
    expect(rejection(record([{ ...minuteRow(0, {}), pauses: [{ id: 'lunch', count: 0, sum: '00:00:00' }] }]))).toBe('bad-row');
    expect(rejection(record([{ ...minuteRow(0, {}), chat: { closed: -1, responded: 0 } }]))).toBe('bad-row');
    expect(rejection(record([minuteRow(0, {}), minuteRow(0, {})]))).toBe('bad-figure');
    expect(rejection(record([minuteRow(15, {})]))).toBe('bad-figure');
  });

  it('goes through the engine as the thulium source: one window, unknown fields null', () => {
    const engine = new TimelineEngine({ tenant: 't', allowedLatenessMs: 0, correctionHorizonMs: 3_600_000 });
    expect(engine.ingestRecord(record([minuteRow(0, { pause: '00:00:40' })]), thuliumWorkReportAdapter)).toBeNull();
    const windows = engine.advanceWatermark(T8 + 20 * MIN).flatMap((e) => (e.type === 'window' ? [e.window] : []));
    expect(windows.map((w) => [w.source, w.status, w.metrics.pauseDuration, w.metrics.servingDuration, w.metrics.readyDuration])).toEqual([['thulium', 'final', 40_000, null, null]]);
  });
});

describe('Thulium agent-status adapter', () => {
  const sample = (status: string, pauseId: number | null = null) => ({ tenant: 't', login: 'jkowalski', status, pauseId, lastChange: '2026-11-29 09:05:00', lastChangeAt: T8 + 5 * MIN, sampledAt: T8 + 6 * MIN, timeZone: 'Europe/Warsaw', vendorPoll: 3, vendorRow: 1 });

  it('maps each status onto presence × handling at last_change, one session per sample, OFF to a lone LoggedOut', () => {
    const mapped = (status: string, pauseId: number | null = null) => {
      const result = adaptThuliumAgentStatus(sample(status, pauseId));
      return 'events' in result ? result.events.map((e) => `${e.kind}:${e.value}${e.profile === undefined ? '' : `(${e.profile})`}`) : result.rejection;
    };
    expect(mapped('FREE')).toEqual(['userStatus:Ready', 'handling:Waiting']);
    expect(mapped('PAUSED', 2)).toEqual(['userStatus:Pause(pause-2)', 'handling:Waiting']);
    expect(mapped('INBOUND_CALL')).toEqual(['userStatus:Ready', 'handling:Talking_Inbound']);
    expect(mapped('OUTBOUND_CALL')).toEqual(['userStatus:Ready', 'handling:Talking_Outbound']);
    expect(mapped('OUTBOUND_PREVIEW')).toEqual(['userStatus:Ready', 'handling:Preview']);
    expect(mapped('RINGING')).toEqual(['userStatus:Ready(RINGING)', 'handling:Waiting']);
    expect(mapped('CALL')).toEqual(['userStatus:Ready(CALL)', 'handling:Waiting']);
    expect(mapped('OFF')).toEqual(['userStatus:LoggedOut']);
    const free = adaptThuliumAgentStatus(sample('FREE'));
    expect('events' in free && free.events[0]).toMatchObject({ sessionId: `jkowalski|${T8 + 5 * MIN}`, eventTime: T8 + 5 * MIN, changeTime: T8 + 6 * MIN, vendorPoll: 3, vendorRow: 1 });
  });

  it('rejects unusable samples in a fixed order', () => {
    const rejected = (input: unknown) => {
      const result = adaptThuliumAgentStatus(input);
      return 'rejection' in result ? result.rejection : undefined;
    };
    expect(rejected(null)).toBe('not-an-object');
    expect(rejected({ ...sample('FREE'), login: 3 })).toBe('missing-login');
    expect(rejected(sample('AWAY'))).toBe('unknown-status');
    expect(rejected(sample('PAUSED', -1))).toBe('bad-pause-id');
    expect(rejected({ ...sample('FREE'), lastChangeAt: '2026' })).toBe('missing-lastChangeAt');
    expect(rejected({ ...sample('FREE'), sampledAt: undefined })).toBe('missing-sampledAt');
  });
});

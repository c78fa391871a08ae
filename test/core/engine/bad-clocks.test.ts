import { describe, expect, it } from 'vitest';
import type { EngineEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

/*
 * Review §6: one record with a "zero date", or one watermark from a host whose clock jumped a year ahead, must
 * not create hundreds of thousands of windows nor make every real record too late.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
const NOW = Date.UTC(2026, 10, 2, 9);
const iso = (ms: number): string => new Date(ms).toISOString();

function row(sessionId: string, userId: string, eventTime: number, changeTime: number): Record<string, string> {
  return {
    sessionId,
    userId,
    userName: userId,
    userStatus: 'Ready',
    userStatusTimestamp: iso(eventTime),
    status: 'Waiting',
    statusTimestamp: iso(eventTime),
    changeTimestamp: iso(changeTime),
  };
}

const windowCount = (out: readonly EngineEmission[]) => out.filter((e) => e.type === 'window').length;
const config = { allowedLatenessMs: 2 * MIN, correctionHorizonMs: 6 * HOUR, tenant: 't' };

describe('TimelineEngine with bad timestamps and clocks', () => {
  it('rejects zero-dated event times (10 and 55 years, year 1) against their changeTimestamp and emits only the real windows', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestRecord(row('S-real', 'U1', NOW - 20 * MIN, NOW - 20 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.ingestRecord(row('S-10y', 'U2', NOW - 10 * YEAR, NOW - 5 * MIN), sinchAgentStatusHistoryAdapter)).toBe('event-time-too-old');
    expect(engine.ingestRecord(row('S-1970', 'U3', 0, NOW - 5 * MIN), sinchAgentStatusHistoryAdapter)).toBe('event-time-too-old');
    expect(engine.ingestRecord({ ...row('S-year1', 'U4', NOW, NOW), statusTimestamp: '0001-01-01 00:00:00.000' }, sinchAgentStatusHistoryAdapter)).toBe('event-time-too-old');
    expect(engine.ingestRecord(row('S-ahead', 'U5', NOW + 30 * DAY, NOW - 5 * MIN), sinchAgentStatusHistoryAdapter)).toBe('event-time-in-future');
    const out = engine.advanceWatermark(NOW);
    expect(windowCount(out)).toBe(2);
    expect(engine.rejected).toEqual({ 'event-time-too-old': 3, 'event-time-in-future': 1 });
  });

  it('rejects a watermark a year ahead of the wall clock; real records after it are not too late', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestRecord(row('S1', 'U1', NOW - 20 * MIN, NOW - 20 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.advanceWatermark(NOW + YEAR, NOW)).toEqual([]);
    expect(engine.currentWatermark).toBeNull();
    expect(engine.rejected).toEqual({ 'watermark-ahead-of-clock': 1 });
    expect(engine.ingestRecord(row('S2', 'U2', NOW - 10 * MIN, NOW - 10 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(windowCount(engine.advanceWatermark(NOW, NOW))).toBe(3);
    expect(engine.advanceWatermark(NOW + 4 * MIN, NOW)).not.toEqual([]);
  });

  it('bounds what one consistent but ancient session can create before the first watermark (its idle end)', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestRecord(row('S-old', 'U1', NOW - 10 * YEAR, NOW - 10 * YEAR), sinchAgentStatusHistoryAdapter)).toBeNull();
    expect(engine.ingestRecord(row('S-now', 'U2', NOW - 20 * MIN, NOW - 20 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    const out = engine.advanceWatermark(NOW);
    // one day of quarter-hours (the session's idle end) plus the real session's two windows
    expect(windowCount(out)).toBeLessThanOrEqual(96 + 1 + 2);
    expect(windowCount(out)).toBeGreaterThan(90);
  });

  it('a watermark a year ahead, when no wall clock is given, still creates at most a day of windows per open session', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestRecord(row('S1', 'U1', NOW - 20 * MIN, NOW - 20 * MIN), sinchAgentStatusHistoryAdapter)).toBeNull();
    const out = engine.advanceWatermark(NOW + YEAR);
    expect(windowCount(out)).toBeLessThanOrEqual(98);
  });
});

import { describe, expect, it } from 'vitest';
import type { WindowReport } from '../../../src/core/events/window-report.ts';
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { EngineEmission, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import type { SourceAdapter } from '../../../src/core/source/source-adapter.ts';

const MIN = 60_000;
const QH = 15 * MIN;
const T0 = Date.UTC(2026, 10, 29, 8, 0);
const config = { tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN };

function report(windowStart: number, pauseMs: number, extras: Record<string, number> = {}, changeTime = windowStart + QH + MIN): WindowReport {
  return { userId: 'jkowalski', userName: 'Jan Kowalski', windowStart, changeTime, metrics: { pauseDuration: pauseMs, freeDuration: QH - pauseMs, countOfHandledCallIn: 2 }, extras };
}

const windows = (emissions: readonly EngineEmission[]): QuarterHourEmission[] =>
  emissions.flatMap((e) => (e.type === 'window' ? [e.window] : []));

describe('window reports (a source whose statistics are the vendor aggregates)', () => {
  it('publishes a window from its report alone: known fields as reported, unknown ones null, extras beside them', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestWindowReports([report(T0, 300_000, { pauseReason1Duration: 300_000 })], 'thulium')).toBeNull();
    const [window] = windows(engine.advanceWatermark(T0 + QH + MIN));
    expect(window).toMatchObject({ source: 'thulium', userId: 'jkowalski', userName: 'Jan Kowalski', intervalStart: T0, revision: 1, status: 'provisional', maxChangeTimestamp: T0 + QH + MIN });
    expect(window?.metrics).toMatchObject({ pauseDuration: 300_000, freeDuration: 600_000, countOfHandledCallIn: 2, servingDuration: null, readyDuration: null, notReadyDuration: null, afterworkDuration: null });
    expect(window?.extras).toEqual({ pauseReason1Duration: 300_000 });
    const [final] = windows(engine.advanceWatermark(T0 + QH + 3 * MIN));
    expect(final).toMatchObject({ revision: 2, status: 'final' });
  });

  it('a window with reported time but no count and no serving time (Thulium states none) is a row', () => {
    const engine = new TimelineEngine(config);
    engine.ingestWindowReports([{ ...report(T0, 0), metrics: { freeDuration: 68_000 } }], 'thulium');
    expect(windows(engine.advanceWatermark(T0 + QH + 3 * MIN)).map((w) => [w.metrics.freeDuration, w.metrics.countOfHandledCallIn, w.metrics.servingDuration])).toEqual([[68_000, 0, null]]);
  });

  it('a sampled state holds until the next sample: a sampled session never ends by idling', () => {
    const engine = new TimelineEngine({ ...config, sessionMaxIdleMs: 3_600_000 });
    const base = { sessionId: `jkowalski|${T0}`, userId: 'jkowalski', userName: '', eventTime: T0, changeTime: T0 };
    engine.ingestEvents([createAgentEvent({ ...base, kind: 'userStatus', value: 'Pause', code: 3 }), createAgentEvent({ ...base, kind: 'handling', value: 'Waiting', code: 1 })], 'thulium');
    const first = engine.advanceWatermark(T0 + 5 * 3_600_000).flatMap((x) => (x.type === 'agentState' ? [x.state] : []));
    expect(first.map((st) => [st.loggedIn, st.userStatus])).toEqual([[true, 'Pause']]);
    const restored = TimelineEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())), { ...config, sessionMaxIdleMs: 3_600_000 });
    for (const e of [engine, restored]) {
      const states = e.advanceWatermark(T0 + 30 * 3_600_000).flatMap((x) => (x.type === 'agentState' ? [x.state] : []));
      // with the idle rule the session would end an hour after its event: a logged-out state would come here
      expect(states.map((st) => [st.loggedIn, st.userStatus])).toEqual([]);
    }
  });

  it('a later report of the same window replaces the earlier one: an identical one emits nothing, a changed one is one correction', () => {
    const engine = new TimelineEngine(config);
    engine.ingestWindowReports([report(T0, 300_000)], 'thulium');
    expect(windows(engine.advanceWatermark(T0 + QH + 5 * MIN)).map((w) => [w.revision, w.status])).toEqual([[1, 'final']]);
    expect(engine.ingestWindowReports([report(T0, 300_000)], 'thulium')).toBeNull();
    expect(windows(engine.advanceWatermark(T0 + QH + 6 * MIN))).toEqual([]);
    engine.ingestWindowReports([report(T0, 360_000, {}, T0 + QH + 6 * MIN)], 'thulium');
    const corrected = windows(engine.advanceWatermark(T0 + QH + 7 * MIN));
    expect(corrected).toHaveLength(1);
    expect(corrected[0]).toMatchObject({ revision: 2, status: 'correction', maxChangeTimestamp: T0 + QH + 6 * MIN });
    expect(corrected[0]?.metrics.pauseDuration).toBe(360_000);
    engine.ingestWindowReports([report(T0, 360_000, { pauseReason2Count: 1 }, T0 + QH + 6 * MIN)], 'thulium');
    expect(windows(engine.advanceWatermark(T0 + QH + 8 * MIN)).map((w) => [w.revision, w.extras])).toEqual([[3, { pauseReason2Count: 1 }]]);
  });

  it('rejects reports of a timeline source, misaligned windows, windows too far from their poll time, and windows past the correction horizon', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestWindowReports([report(T0, 1)], 'sinch-rai')).toBe('not-a-reporting-source');
    expect(engine.ingestWindowReports([report(T0 + 1, 1)], 'thulium')).toBe('misaligned-window');
    expect(engine.ingestWindowReports([report(T0, 1, {}, T0 - 2 * 3_600_000)], 'thulium')).toBe('event-time-in-future');
    engine.advanceWatermark(T0 + 3 * 3_600_000);
    expect(engine.ingestWindowReports([report(T0, 1)], 'thulium')).toBe('too-late');
    expect(engine.rejected).toMatchObject({ 'not-a-reporting-source': 1, 'misaligned-window': 1, 'event-time-in-future': 1, 'too-late': 1 });
  });

  it("state changes of a reporting source feed its timeline and current state, never its statistics", () => {
    const engine = new TimelineEngine(config);
    const base = { sessionId: 'jkowalski|1', userId: 'jkowalski', userName: 'Jan Kowalski', eventTime: T0 + MIN, changeTime: T0 + MIN };
    expect(engine.ingestEvents([createAgentEvent({ ...base, kind: 'userStatus', value: 'Pause', code: 3 }), createAgentEvent({ ...base, kind: 'handling', value: 'Waiting', code: 1 })], 'thulium')).toBeNull();
    const emissions = engine.advanceWatermark(T0 + 40 * MIN);
    expect(emissions.filter((e) => e.type === 'window')).toEqual([]);
    expect(emissions.some((e) => e.type === 'agentState')).toBe(true);
  });

  it('restores to identical emissions: the reported figures and extras are part of the snapshot', () => {
    const live = new TimelineEngine(config);
    live.ingestWindowReports([report(T0, 300_000, { pauseReason1Duration: 300_000 }), report(T0 + QH, 60_000)], 'thulium');
    expect(windows(live.advanceWatermark(T0 + 2 * QH + MIN)).map((w) => [w.intervalStart, w.status])).toEqual([[T0, 'final'], [T0 + QH, 'provisional']]);
    const restored = TimelineEngine.restore(JSON.parse(JSON.stringify(live.snapshot())), config);
    for (const engine of [live, restored]) engine.ingestWindowReports([report(T0 + QH, 120_000, { x: 1 }, T0 + 2 * QH + 2 * MIN)], 'thulium');
    const a = live.advanceWatermark(T0 + 2 * QH + 5 * MIN);
    const b = restored.advanceWatermark(T0 + 2 * QH + 5 * MIN);
    expect(b).toEqual(a);
    expect(windows(a).map((w) => [w.intervalStart, w.revision, w.status, w.metrics.pauseDuration, w.extras])).toEqual([[T0 + QH, 2, 'final', 120_000, { x: 1 }]]);
  });

  it('the batch replay publishes the latest report of each window, with extras summed in roll-ups', () => {
    const adapter: SourceAdapter = { source: 'thulium', adapt: (record) => ({ events: [], reports: [record as WindowReport] }) };
    const records = [report(T0, 300_000, { a: 1 }), report(T0, 360_000, { a: 2 }, T0 + QH + 2 * MIN), report(T0 + QH, 60_000, { a: 5, b: 1 })];
    const quarter = replay(records, adapter).rows;
    expect(quarter.map((r) => [r.intervalStart, r.pauseDuration, r.readyDuration, r.extraFields])).toEqual([
      ['2026-11-29T08:00:00.000Z', 360_000, null, { a: 2 }],
      ['2026-11-29T08:15:00.000Z', 60_000, null, { a: 5, b: 1 }],
    ]);
    const day = replay(records, adapter, { timeCategory: 'day' }).rows;
    expect(day.map((r) => [r.pauseDuration, r.countOfHandledCallIn, r.extraFields])).toEqual([[420_000, 4, { a: 7, b: 1 }]]);
    expect(replay(records, { ...adapter, source: 'sinch-rai' }).rejected).toEqual({ 'not-a-reporting-source': 3 });
  });
});

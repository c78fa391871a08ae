import { describe, expect, it } from 'vitest';
import type { EngineEmission, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { hostedSuiteCallAdapter } from '../../../src/vendors/hostedsuite/call-adapter.ts';

const MIN = 60_000;
const T = Date.UTC(2025, 2, 4, 15);
const config = { allowedLatenessMs: MIN, correctionHorizonMs: 6 * 60 * MIN, tenant: 't' };

/**
 * A call record as the processor hands it to the adapter (raw-record-decoder.ts drops the envelope: tenant, source,
 * pollId, receivedAt, keySpellings): answered 15:00:30Z (Chicago 09:00:30), talk 4 min, hang-up 15:04:30Z, `work` s
 * of after-call work, published by the poll whose range ended at `poll`.
 */
function record(work: number, poll: number): Record<string, unknown> {
  return {
    Id: 'call-1', agentKey: 'Maria Sato', Type: 'Incoming', StartTime: '2025-03-04T09:00:00', startTimeUtc: '2025-03-04T15:00:00.000Z', timeZone: 'America/Chicago',
    RingTimeInSeconds: 30, TalkTimeInSeconds: 180, HoldTimeInSeconds: 60, HoldCount: 1, TransferTimeInSeconds: 0, WorkTimeInSeconds: work,
    Interactions: JSON.stringify([
      { StartTime: '2025-03-04T09:00:30', Type: 'Answer', Description: '' },
      { StartTime: '2025-03-04T09:02:00', Type: 'Hold', Description: '' },
      { StartTime: '2025-03-04T09:03:00', Type: 'Retrieved', Description: '' },
      { StartTime: '2025-03-04T09:04:30', Type: 'Hangup', Description: '' },
    ]),
    vendorPoll: poll, vendorRow: 0,
  };
}

const windows = (emissions: readonly EngineEmission[]): QuarterHourEmission[] => emissions.flatMap((e) => (e.type === 'window' ? [e.window] : []));
const segments = (emissions: readonly EngineEmission[]): string[] =>
  emissions.flatMap((e) => (e.type === 'segment' ? [`${e.segment.sessionId.split('|')[1] === String(T + 10 * MIN).padStart(15, '0') ? 'v1' : 'v2'} ${(e.segment.start - T) / 1000}-${(e.segment.end - T) / 1000} ${e.segment.handlingStatus} r${e.segment.revision}`] : []));

describe('HostedSuite call versions in the engine', () => {
  it('a later WorkTime of a call whose window is final corrects the window exactly once, without counting the call twice', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestRecord(record(0, T + 10 * MIN), hostedSuiteCallAdapter)).toBeNull();
    const firstEmissions = engine.advanceWatermark(T + 30 * MIN);
    expect(segments(firstEmissions)).toEqual(['v1 30-270 Talking_Inbound r1']);
    const first = windows(firstEmissions);
    expect(first.map((w) => [w.status, w.metrics.callInDuration, w.metrics.afterworkDuration, w.metrics.countOfHandledCallIn, w.metrics.servingDuration])).toEqual([['final', 4 * MIN, 0, 1, null]]);

    // the work time (2 min) is recorded later; the record is published again with it
    expect(engine.ingestRecord(record(120, T + 40 * MIN), hostedSuiteCallAdapter)).toBeNull();
    const correctedEmissions = engine.advanceWatermark(T + 45 * MIN);
    // the first version's talk segment is withdrawn (a zero-length revision), the second version's segments replace it
    expect(segments(correctedEmissions).sort()).toEqual(['v1 30-30 Talking_Inbound r2', 'v2 270-390 Wrap r1', 'v2 30-270 Talking_Inbound r1']);
    const corrected = windows(correctedEmissions);
    expect(corrected.map((w) => [w.intervalStart - T, w.status, w.metrics.callInDuration, w.metrics.contactHandlingDuration, w.metrics.afterworkDuration, w.metrics.afterworkCallInDuration, w.metrics.countOfHandledCallIn, w.metrics.readyDuration])).toEqual([
      [0, 'correction', 4 * MIN, 4 * MIN, 2 * MIN, 2 * MIN, 1, null],
    ]);
    expect((corrected[0]?.revision ?? 0) > (first[0]?.revision ?? 0)).toBe(true);

    // the same version again (a re-delivery) and later advances change nothing more
    expect(engine.ingestRecord(record(120, T + 40 * MIN), hostedSuiteCallAdapter)).toBeNull();
    expect(windows(engine.advanceWatermark(T + 50 * MIN))).toEqual([]);
  });

  it('a version without vendorPoll is rejected, not merged into another version of the call', () => {
    const engine = new TimelineEngine(config);
    const { vendorPoll: _poll, ...unversioned } = record(120, T + 40 * MIN);
    expect(engine.ingestRecord(unversioned, hostedSuiteCallAdapter)).toBe('missing-vendorPoll');
  });

  it('a correction whose call is older than watermark − lateness − correction horizon is rejected too-late, and the window keeps its value', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestRecord(record(0, T + 10 * MIN), hostedSuiteCallAdapter)).toBeNull();
    engine.advanceWatermark(T + 30 * MIN);
    engine.advanceWatermark(T + 7 * 60 * MIN);
    expect(engine.ingestRecord(record(120, T + 7 * 60 * MIN), hostedSuiteCallAdapter)).toBe('too-late');
    expect(engine.rejected['too-late']).toBe(1);
  });
});

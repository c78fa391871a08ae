import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/processor/input-journal.ts';
import { MAX_JOURNAL_RECORDS, MAX_JOURNAL_STEPS, StateCommitSchedule } from '../../src/processor/state-commit-schedule.ts';

const step = (position: number, watermark: number) => ({ position, tenant: 't', watermark, wallClock: watermark + 1 });

describe('StateCommitSchedule', () => {
  it('journals the watermarks since the state, and is due once the interval passed with something to write', () => {
    const schedule = new StateCommitSchedule(10_000, 100, null, 0);
    expect(schedule.journalText(100)).toBeNull();
    expect(schedule.behind(100)).toBe(false);
    expect(schedule.due(100, 60_000), 'nothing since the state').toBe(false);
    schedule.applied(step(120, 5));
    schedule.applied(step(150, 6));
    const text = schedule.journalText(150);
    expect(readJournal(JSON.parse(text!) as Record<string, unknown>)).toEqual({ stateOffset: 100, nextOffset: 150, steps: [step(120, 5), step(150, 6)] });
    expect(schedule.written).toBeNull();
    schedule.journalCommitted(text);
    expect(schedule.written).toBe(text);
    expect(schedule.due(150, 9_999)).toBe(false);
    expect(schedule.due(150, 10_000)).toBe(true);
    schedule.stateCommitted(150, 10_000);
    expect(schedule.written).toBeNull();
    expect(schedule.stateOffset).toBe(150);
    expect(schedule.behind(150)).toBe(false);
    // input alone (no watermark) since the state is behind too
    expect(schedule.behind(160)).toBe(true);
    expect(schedule.journalText(160)).not.toBeNull();
    expect(schedule.due(160, 19_999)).toBe(false);
    expect(schedule.due(160, 20_000)).toBe(true);
  });

  it('is due before the interval when the journal reaches its bounds, which keep its record small', () => {
    const schedule = new StateCommitSchedule(600_000, 0, null, 0);
    expect(schedule.due(MAX_JOURNAL_RECORDS - 1, 1)).toBe(false);
    expect(schedule.due(MAX_JOURNAL_RECORDS, 1)).toBe(true);
    for (let i = 0; i < MAX_JOURNAL_STEPS - 1; i++) schedule.applied(step(i, 1_796_000_000_000 + i));
    expect(schedule.due(MAX_JOURNAL_STEPS, 1)).toBe(false);
    schedule.applied(step(MAX_JOURNAL_STEPS, 1_796_000_000_000 + MAX_JOURNAL_STEPS));
    expect(schedule.due(MAX_JOURNAL_STEPS, 1)).toBe(true);
    // a full journal with a long tenant name stays far below a record's 256 KiB
    const long = new StateCommitSchedule(600_000, 0, null, 0);
    for (let i = 0; i < MAX_JOURNAL_STEPS; i++) long.applied({ position: 1_000_000_000 + i, tenant: 'x'.repeat(64), watermark: 1_796_000_000_000 + i, wallClock: 1_796_000_000_000 + i });
    expect(long.journalText(1_000_000_000 + MAX_JOURNAL_STEPS)!.length).toBeLessThan(128 * 1024);
  });

  it('comes due (1 + phase) intervals after a restore, and full() only at the bounds', () => {
    const schedule = new StateCommitSchedule(10_000, 0, null, 50_000, 0.25);
    expect(schedule.due(5, 62_499)).toBe(false);
    expect(schedule.due(5, 62_500)).toBe(true);
    expect(schedule.full(5)).toBe(false);
    expect(schedule.full(MAX_JOURNAL_RECORDS)).toBe(true);
  });

  it('once due, waits for the quiet part of the gap between watermarks, but not beyond twice the interval', () => {
    const schedule = new StateCommitSchedule(10_000, 0, null, 0);
    // watermarks applied every second, the last at 10,000
    for (let at = 1_000; at <= 10_000; at += 1_000) schedule.applied({ position: at, tenant: 't', watermark: at, wallClock: at });
    expect(schedule.due(50, 10_000), 'the rows of the last watermark are being committed').toBe(false);
    expect(schedule.due(50, 10_100)).toBe(false);
    expect(schedule.due(50, 10_200)).toBe(true);
    expect(schedule.due(50, 10_500)).toBe(true);
    expect(schedule.due(50, 10_600), 'the next watermark is near').toBe(false);
    // a cadence never quiet at the ticks still lets the state through at twice the interval
    for (let at = 10_900; at <= 19_900; at += 1_000) schedule.applied({ position: at, tenant: 't', watermark: at, wallClock: at });
    expect(schedule.due(50, 19_999)).toBe(false);
    expect(schedule.due(50, 20_000)).toBe(true);
    // the journal's bounds do not wait at all
    expect(schedule.due(MAX_JOURNAL_RECORDS, 19_950)).toBe(true);
  });

  it('starts from a restored journal, which the changelog holds', () => {
    const journal = { stateOffset: 10, nextOffset: 30, steps: [step(20, 7)] };
    const schedule = new StateCommitSchedule(1_000, 10, journal, 500);
    expect(schedule.written).toBe(schedule.journalText(30));
    expect(schedule.steps).toBe(1);
    expect(schedule.due(30, 1_499)).toBe(false);
    expect(schedule.due(30, 1_500)).toBe(true);
  });
});

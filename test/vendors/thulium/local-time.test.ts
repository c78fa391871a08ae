import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  chunkBoundary,
  formatLocal,
  formatLocalMinute,
  instantsOfLabel,
  labelRoundTrips,
  nextChunk,
  quarterHoursOfLocalDay,
  resolveLocal,
  resolveLocalAtOrBefore,
  resolveMinuteLabels,
} from '../../../src/vendors/thulium/local-time.ts';

const WAW = 'Europe/Warsaw';
const utc = (iso: string) => Date.parse(iso);
const MIN = 60_000;
const QH = 900_000;

/** Minute labels of [from, to) the way the vendor renders them (luxon, not the code under test). */
function vendorLabels(from: number, to: number, zone: string): string[] {
  const out: string[] = [];
  for (let t = from; t < to; t += MIN) out.push(DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm'));
  return out;
}

describe('formatLocal / resolveLocal (contract "Times")', () => {
  it('renders and reads an ordinary Warsaw time both ways (CET and CEST)', () => {
    expect(formatLocal(utc('2026-01-15T09:30:05Z'), WAW)).toBe('2026-01-15 10:30:05');
    expect(formatLocal(utc('2026-07-15T09:30:05Z'), WAW)).toBe('2026-07-15 11:30:05');
    expect(resolveLocal('2026-07-15 11:30:05', WAW)).toBe(utc('2026-07-15T09:30:05Z'));
    expect(resolveLocal('2026-07-15 11:30', WAW)).toBe(utc('2026-07-15T09:30:00Z'));
    expect(resolveLocal('2026-07-15', WAW)).toBe(utc('2026-07-14T22:00:00Z'));
  });

  it('reads an ambiguous fall-back label as the FIRST instant, and lists both', () => {
    expect(instantsOfLabel('2026-10-25 02:30', WAW)).toEqual([utc('2026-10-25T00:30:00Z'), utc('2026-10-25T01:30:00Z')]);
    expect(resolveLocal('2026-10-25 02:30:00', WAW)).toBe(utc('2026-10-25T00:30:00Z'));
    expect(labelRoundTrips(utc('2026-10-25T00:30:00Z'), WAW)).toBe(true);
    expect(labelRoundTrips(utc('2026-10-25T01:30:00Z'), WAW)).toBe(false);
  });

  it('moves a spring-forward gap label forward by the gap (02:30 → 03:30 CEST)', () => {
    expect(instantsOfLabel('2026-03-29 02:30', WAW)).toEqual([]);
    expect(resolveLocal('2026-03-29 02:30', WAW)).toBe(utc('2026-03-29T01:30:00Z'));
    expect(formatLocal(utc('2026-03-29T01:30:00Z'), WAW)).toBe('2026-03-29 03:30:00');
  });

  it('rejects text that is no local time', () => {
    for (const bad of ['2026-02-30', '2026-13-01 00:00', '2026-01-01T10:00', '2026-01-01 24:00', '', '2026-01-01 10:00:00+01:00']) expect(resolveLocal(bad, WAW), bad).toBeUndefined();
  });

  it('resolves last_change as the latest instant ≤ sampledAt with that label', () => {
    const label = '2026-10-25 02:10:00';
    expect(resolveLocalAtOrBefore(label, WAW, utc('2026-10-25T00:20:00Z'))).toBe(utc('2026-10-25T00:10:00Z'));
    expect(resolveLocalAtOrBefore(label, WAW, utc('2026-10-25T01:20:00Z'))).toBe(utc('2026-10-25T01:10:00Z'));
    expect(resolveLocalAtOrBefore(label, WAW, utc('2026-10-25T00:05:00Z'))).toBe(utc('2026-10-25T00:10:00Z'));
  });

  it('property: every instant renders to a label whose instants include it, in several zones', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2020-01-01T00:00:00Z') / 1000, max: Date.parse('2030-12-31T00:00:00Z') / 1000 }), fc.constantFrom(WAW, 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'), (seconds, zone) => {
        const t = seconds * 1000;
        const label = formatLocal(t, zone);
        expect(label).toBe(DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm:ss'));
        const all = instantsOfLabel(label, zone);
        expect(all).toContain(t);
        expect(resolveLocal(label, zone)).toBe(all[0]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('chunk boundaries', () => {
  it('moves a chunk end inside the repeated hour past it, so one chunk spans both runs', () => {
    expect(chunkBoundary(utc('2026-10-25T00:00:00Z'), WAW)).toBe(utc('2026-10-25T00:00:00Z'));
    expect(chunkBoundary(utc('2026-10-25T01:00:00Z'), WAW)).toBe(utc('2026-10-25T02:00:00Z'));
    expect(nextChunk(utc('2026-10-25T00:00:00Z'), 3_600_000, WAW)).toEqual({ start: utc('2026-10-25T00:00:00Z'), end: utc('2026-10-25T02:00:00Z') });
    expect(nextChunk(utc('2026-10-25T00:45:00Z'), 900_000, WAW)).toEqual({ start: utc('2026-10-25T00:45:00Z'), end: utc('2026-10-25T02:00:00Z') });
  });

  it('property: chunks tile time without gaps, every boundary round-trips, and rounds up to the next quarter-hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.constantFrom(900_000, 1_800_000, 3_600_000, 7_200_000), fc.constantFrom(WAW, 'America/New_York', 'Australia/Lord_Howe'), (days, chunkMs, zone) => {
        let start = chunkBoundary(utc('2026-01-01T00:00:00Z') + days * 86_400_000, zone);
        for (let i = 0; i < 30; i++) {
          const chunk = nextChunk(start, chunkMs, zone);
          expect(chunk.end).toBeGreaterThan(chunk.start);
          expect(chunk.end % QH).toBe(0);
          expect(resolveLocal(formatLocal(chunk.end, zone), zone)).toBe(chunk.end);
          start = chunk.end;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('minute labels by position', () => {
  it('resolves the fall-back chunk: 120 rows whose labels repeat, the repeat being the later run', () => {
    const from = utc('2026-10-25T00:00:00Z');
    const to = utc('2026-10-25T02:00:00Z');
    const labels = vendorLabels(from, to, WAW);
    expect(labels.length).toBe(120);
    expect(labels[0]).toBe('2026-10-25 02:00');
    expect(labels[60]).toBe('2026-10-25 02:00');
    const minutes = resolveMinuteLabels(labels, from, to, WAW);
    expect(Array.isArray(minutes)).toBe(true);
    expect(minutes).toEqual(labels.map((_, i) => from + i * MIN));
  });

  it('rejects a missing, doubled, out-of-order or foreign label with a reason', () => {
    const from = utc('2026-10-25T00:00:00Z');
    const to = utc('2026-10-25T02:00:00Z');
    const labels = vendorLabels(from, to, WAW);
    const cases = {
      missing: labels.filter((_, i) => i !== 30),
      truncated: labels.slice(0, 119),
      thirdRun: [...labels, '2026-10-25 02:00'],
      swapped: [labels[1] as string, labels[0] as string, ...labels.slice(2)],
      foreign: ['2026-10-24 02:00', ...labels.slice(1)],
      hourLabel: ['2026-10-25 02', ...labels.slice(1)],
    };
    for (const [name, bad] of Object.entries(cases)) {
      const result = resolveMinuteLabels(bad, from, to, WAW);
      expect(Array.isArray(result), name).toBe(false);
      expect((result as { reason: string }).reason.length, name).toBeGreaterThan(10);
    }
  });

  it('resolves a whole local day: fall-back 2026-10-25 has 100 quarter-hours, spring-forward 2026-03-29 has 92, ordinary 96', () => {
    for (const [date, expected] of [['2026-10-25', 100], ['2026-03-29', 92], ['2026-06-10', 96]] as const) {
      const quarters = quarterHoursOfLocalDay(date, WAW);
      expect(quarters.length, date).toBe(expected);
      const from = quarters[0] as number;
      const to = (quarters[quarters.length - 1] as number) + QH;
      const labels = vendorLabels(from, to, WAW);
      const minutes = resolveMinuteLabels(labels, from, to, WAW);
      if (!Array.isArray(minutes)) throw new Error(minutes.reason);
      const counts = new Map<number, number>();
      for (const m of minutes) counts.set(Math.floor(m / QH) * QH, (counts.get(Math.floor(m / QH) * QH) ?? 0) + 1);
      expect(counts.size, date).toBe(expected);
      expect([...counts.values()].every((n) => n === 15), date).toBe(true);
      expect([...counts.keys()]).toEqual(quarters);
      expect(formatLocalMinute(from, WAW)).toBe(`${date} 00:00`);
    }
  });

  it('property: chunks of any DST day in several zones resolve back to their own minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 730 }), fc.constantFrom(3_600_000, 7_200_000), fc.constantFrom(WAW, 'America/New_York', 'Australia/Lord_Howe', 'Europe/London'), (day, chunkMs, zone) => {
        const chunk = nextChunk(chunkBoundary(utc('2025-01-01T00:00:00Z') + day * 86_400_000, zone), chunkMs, zone);
        const minutes = resolveMinuteLabels(vendorLabels(chunk.start, chunk.end, zone), chunk.start, chunk.end, zone);
        if (!Array.isArray(minutes)) throw new Error(minutes.reason);
        expect(minutes[0]).toBe(chunk.start);
        expect(minutes.length).toBe((chunk.end - chunk.start) / MIN);
      }),
      { numRuns: 300 },
    );
  });
});

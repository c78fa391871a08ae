import { describe, expect, it } from 'vitest';
import { decodeSessionState } from '../../../src/core/engine/compact-session-state.ts';
import type { EngineSnapshot } from '../../../src/core/engine/engine-types.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { EngineEmission, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { migrateEngineSnapshot } from '../../../src/core/engine/snapshot-format.ts';
import { withoutV10Fields, withoutV9Fields } from '../../support/snapshot-bounds.ts';
import type { Call } from './direct-calls.ts';
import { callSession, directContactOf } from './direct-calls.ts';

const MIN = 60_000;
const QH = 15 * MIN;
const T0 = Date.UTC(2026, 10, 30, 8, 0);
const config = { tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 60 * MIN, directContacts: true };

const windows = (emissions: readonly EngineEmission[]): QuarterHourEmission[] => emissions.flatMap((e) => (e.type === 'window' ? [e.window] : []));
const direct = (w: QuarterHourEmission | undefined) =>
  w === undefined ? undefined : [w.metrics.callInDirectDuration, w.metrics.countOfHandledCallInDirect, w.metrics.callOutDirectDuration, w.metrics.countOfHandledCallOutDirect];

/** An inbound call over [8:02, 8:20) (two quarter-hours) and an outbound one talking [8:33, 8:36). */
const IN: Call = { contactId: 'C-IN', inbound: true, start: T0 + 2 * MIN, connect: T0 + 2 * MIN, disconnect: T0 + 20 * MIN, afterworkEnd: T0 + 21 * MIN };
const OUT: Call = { contactId: 'C-OUT', inbound: false, start: T0 + 32 * MIN, connect: T0 + 33 * MIN, disconnect: T0 + 36 * MIN, afterworkEnd: T0 + 37 * MIN };
const QUEUED: Call = { contactId: 'C-Q', inbound: true, start: T0 + 40 * MIN, connect: T0 + 40 * MIN, disconnect: T0 + 42 * MIN, afterworkEnd: T0 + 43 * MIN };
const events = callSession('s1', 'u1', T0, [IN, OUT, QUEUED], T0 + 50 * MIN);

function latest(all: readonly QuarterHourEmission[]): Map<number, QuarterHourEmission> {
  const out = new Map<number, QuarterHourEmission>();
  for (const w of all) out.set(w.intervalStart, w);
  return out;
}

describe('direct contacts joined to call runs', () => {
  it('a contact in before its run is counted fills the Direct fields by the run, split at quarter-hours; a queued call stays out', () => {
    const engine = new TimelineEngine(config);
    expect(engine.ingestDirectContacts([directContactOf('u1', IN), directContactOf('u1', OUT)])).toBeNull();
    expect(engine.ingestEvents(events)).toBeNull();
    const byStart = latest(windows(engine.advanceWatermark(T0 + 2 * 60 * MIN)));
    expect(direct(byStart.get(T0))).toEqual([13 * MIN, 0, 0, 0]);
    expect(direct(byStart.get(T0 + QH))).toEqual([5 * MIN, 1, 0, 0]);
    expect(direct(byStart.get(T0 + 2 * QH))).toEqual([0, 0, 3 * MIN, 1]);
    expect(byStart.get(T0 + 2 * QH)?.metrics.countOfHandledCallIn).toBe(1);
    expect(direct(byStart.get(T0 + 2 * QH))).toEqual([0, 0, 3 * MIN, 1]);
    expect(byStart.get(T0 + QH)?.metrics.callInDuration).toBe(5 * MIN);
  });

  it('a contact that arrives after the windows are final corrects each of them exactly once; the same record again changes nothing', () => {
    const engine = new TimelineEngine(config);
    engine.ingestEvents(events);
    const first = windows(engine.advanceWatermark(T0 + 60 * MIN));
    expect(first.filter((w) => w.intervalStart === T0).map((w) => [w.revision, w.status, ...(direct(w) ?? [])])).toEqual([[1, 'final', 0, 0, 0, 0]]);
    expect(engine.ingestDirectContacts([directContactOf('u1', IN)])).toBeNull();
    const corrected = windows(engine.advanceWatermark(T0 + 61 * MIN));
    expect(corrected.map((w) => [w.intervalStart, w.revision, w.status, ...(direct(w) ?? [])])).toEqual([
      [T0, 2, 'correction', 13 * MIN, 0, 0, 0],
      [T0 + QH, 2, 'correction', 5 * MIN, 1, 0, 0],
    ]);
    expect(engine.ingestDirectContacts([directContactOf('u1', IN)])).toBeNull();
    expect(windows(engine.advanceWatermark(T0 + 62 * MIN)).filter((w) => w.intervalStart < T0 + 2 * QH)).toEqual([]);
  });

  it('a late status event after the join recomputes the session with the contact still joined (withdrawal is exact)', () => {
    const engine = new TimelineEngine(config);
    const pause = callSession('s1', 'u1', T0, [], T0 + 50 * MIN)[0]!;
    const latePause = { ...pause, eventTime: T0 + MIN, changeTime: T0 + MIN + 100, value: 'Pause' as const, code: 3 };
    engine.ingestDirectContacts([directContactOf('u1', IN)]);
    engine.ingestEvents(events);
    const before = latest(windows(engine.advanceWatermark(T0 + 46 * MIN)));
    expect(direct(before.get(T0))).toEqual([13 * MIN, 0, 0, 0]);
    expect(engine.ingestEvents([latePause])).toBeNull();
    const after = windows(engine.advanceWatermark(T0 + 47 * MIN));
    // the pause now lasts to the end of the session; the Direct fields are those of the join, not withdrawn nor doubled
    expect(after.filter((w) => w.intervalStart < T0 + 2 * QH).map((w) => [w.intervalStart, w.status, w.metrics.pauseDuration, ...(direct(w) ?? [])])).toEqual([
      [T0, 'correction', 14 * MIN, 13 * MIN, 0, 0, 0],
      [T0 + QH, 'correction', QH, 5 * MIN, 1, 0, 0],
    ]);
  });

  it('a run without a contact is not direct; a contact without a run is counted unmatched once it can no longer join', () => {
    const engine = new TimelineEngine(config);
    const stray: Call = { ...QUEUED, contactId: 'C-STRAY', disconnect: QUEUED.disconnect + 1 };
    engine.ingestEvents(events);
    engine.ingestDirectContacts([directContactOf('u1', stray)]);
    const all = windows(engine.advanceWatermark(T0 + 4 * 60 * MIN));
    for (const w of all) expect(direct(w)).toEqual([0, 0, 0, 0]);
    expect(engine.rejected['direct-contact-unmatched']).toBe(1);
  });

  it('a contact whose runs all end before the checkpoint time is too late; a bad one is refused', () => {
    const engine = new TimelineEngine(config);
    engine.ingestEvents(events);
    engine.advanceWatermark(T0 + 5 * 60 * MIN);
    expect(engine.ingestDirectContacts([directContactOf('u1', IN)])).toBe('direct-contact-too-late');
    expect(engine.ingestDirectContacts([{ ...directContactOf('u1', IN), handlingMs: 0 }])).toBe('not-handled');
    expect(engine.ingestDirectContacts([{ ...directContactOf('u1', IN), kind: 5 }])).toBe('not-a-call');
  });

  it('snapshot → JSON → restore mid-way continues with identical emissions, and a format-7 snapshot migrates', () => {
    const run = (engine: TimelineEngine, from: number) => {
      const out: QuarterHourEmission[] = [];
      for (let t = from; t <= T0 + 3 * 60 * MIN; t += 5 * MIN) {
        if (t === T0 + 40 * MIN) engine.ingestDirectContacts([directContactOf('u1', IN), directContactOf('u1', OUT)]);
        out.push(...windows(engine.advanceWatermark(t)));
      }
      return out;
    };
    const a = new TimelineEngine(config);
    a.ingestEvents(events);
    const straight = run(a, T0 + 5 * MIN);
    const b = new TimelineEngine(config);
    b.ingestEvents(events);
    const head: QuarterHourEmission[] = [];
    for (let t = T0 + 5 * MIN; t < T0 + 40 * MIN; t += 5 * MIN) head.push(...windows(b.advanceWatermark(t)));
    const restored = TimelineEngine.restore(JSON.parse(JSON.stringify(b.snapshot())), config);
    expect([...head, ...run(restored, T0 + 40 * MIN)]).toEqual(straight);
    const old = withoutV9Fields(withoutV10Fields(JSON.parse(JSON.stringify(b.snapshot())) as Record<string, unknown>)) as { version: number; sessions: { checkpoint: Record<string, unknown>; live: Record<string, unknown> }[] };
    old.version = 7;
    for (const s of old.sessions) {
      delete s.checkpoint['runStart'];
      delete s.live['runStart'];
    }
    const migrated = migrateEngineSnapshot(old as never) as EngineSnapshot;
    const [migratedSession] = migrated.sessions;
    const [session] = b.snapshot().sessions;
    if (migratedSession === undefined || session === undefined) throw new Error('no session');
    expect(decodeSessionState(migratedSession.live).runStart).toBe(decodeSessionState(session.live).runStart);
    expect(migrated.sessions[0]?.live).toEqual(b.snapshot().sessions[0]?.live);
  });
});

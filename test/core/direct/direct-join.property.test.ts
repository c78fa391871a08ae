import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import type { DirectContact } from '../../../src/core/direct/direct-contact.ts';
import { fcParams } from '../properties/support.ts';
import type { Call } from './direct-calls.ts';
import { callSession, directContactOf } from './direct-calls.ts';

const MIN = 60_000;
const QH = 15 * MIN;
const T0 = Date.UTC(2026, 10, 30, 8, 0);
const config = { tenant: 't', allowedLatenessMs: 2 * MIN, correctionHorizonMs: 24 * 60 * MIN, directContacts: true };

interface Plan {
  readonly inbound: boolean;
  readonly gap: number;
  readonly dial: number;
  readonly talkSeconds: number;
  readonly wrap: number;
  readonly direct: boolean;
  readonly lag: number;
  /** When the contact record arrives: before the first advance (0), or at step n of the advances. */
  readonly arrivesAt: number;
}

const plan = fc.record({
  inbound: fc.boolean(),
  gap: fc.integer({ min: 1, max: 20 * MIN }),
  dial: fc.integer({ min: 1, max: 60_000 }),
  talkSeconds: fc.integer({ min: 1, max: 40 * 60 }),
  wrap: fc.integer({ min: 0, max: 5 * MIN }),
  direct: fc.boolean(),
  lag: fc.integer({ min: 0, max: 200_000 }),
  arrivesAt: fc.integer({ min: 0, max: 40 }),
});

/** The oracle: per user and quarter-hour start, [callInDirect ms, count, callOutDirect ms, count] from the calls' own times. */
function oracle(calls: readonly { userId: string; call: Call; direct: boolean }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const cell = (userId: string, start: number): number[] => {
    const key = `${userId}@${start}`;
    let v = out.get(key);
    if (v === undefined) out.set(key, (v = [0, 0, 0, 0]));
    return v;
  };
  for (const { userId, call, direct } of calls) {
    if (!direct || call.connect === call.disconnect) continue;
    const offset = call.inbound ? 0 : 2;
    for (let at = call.connect; at < call.disconnect; ) {
      const start = at - (at % QH);
      const end = Math.min(call.disconnect, start + QH);
      cell(userId, start)[offset]! += end - at;
      at = end;
    }
    const last = call.disconnect - 1;
    cell(userId, last - (last % QH))[offset + 1]! += 1;
  }
  return out;
}

describe('direct join vs an independent oracle (property)', () => {
  it('whenever the contact records arrive (before the run, after the window is final, twice), the last revision of every window has the oracle\'s Direct fields, and revisions go up by one', () => {
    fc.assert(
      fc.property(fc.array(fc.array(plan, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 20 }), fc.option(fc.integer({ min: 1, max: 39 }), { nil: null }), (users, stepMinutes, restoreAt) => {
        const engine0 = new TimelineEngine(config);
        const all: { userId: string; call: Call; direct: boolean; plan: Plan }[] = [];
        let end = T0;
        users.forEach((plans, u) => {
          const userId = `u${u}`;
          let t = T0 + 30_000;
          const calls: Call[] = [];
          plans.forEach((p, i) => {
            const start = t + p.gap;
            const connect = p.inbound ? start : start + p.dial;
            // durations distinct per user (the documented join needs the run's exact length)
            const disconnect = connect + p.talkSeconds * 1000 + i;
            const call: Call = { contactId: `${userId}-c${i}`, inbound: p.inbound, start, connect, disconnect, afterworkEnd: disconnect + p.wrap + 1 };
            calls.push(call);
            all.push({ userId, call, direct: p.direct, plan: p });
            t = call.afterworkEnd;
          });
          const logout = t + MIN;
          end = Math.max(end, logout);
          expect(engine0.ingestEvents(callSession(`s-${userId}`, userId, T0, calls, logout))).toBeNull();
        });
        const contactsAt = (step: number): DirectContact[] => all.filter((c) => c.direct && c.plan.arrivesAt === step).map((c) => directContactOf(c.userId, c.call, c.plan.lag));
        let engine = engine0;
        engine.ingestDirectContacts(contactsAt(0));
        const emitted: QuarterHourEmission[] = [];
        const steps = 40;
        for (let step = 1; step <= steps + 1; step++) {
          if (restoreAt === step) engine = TimelineEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())), config);
          const contacts = contactsAt(step);
          if (contacts.length > 0) expect(engine.ingestDirectContacts(step === steps ? [...contacts, ...contacts] : contacts)).toBeNull();
          const watermark = step > steps ? end + 30 * 60 * MIN : T0 + step * stepMinutes * MIN;
          for (const e of engine.advanceWatermark(watermark)) if (e.type === 'window') emitted.push(e.window);
        }
        const last = new Map<string, QuarterHourEmission>();
        for (const w of emitted) {
          const key = `${w.userId}@${w.intervalStart}`;
          expect(w.revision).toBe((last.get(key)?.revision ?? 0) + 1);
          last.set(key, w);
        }
        const expected = oracle(all);
        const keys = new Set([...expected.keys(), ...last.keys()]);
        for (const key of keys) {
          const w = last.get(key);
          const got = w === undefined ? [0, 0, 0, 0] : [w.metrics.callInDirectDuration, w.metrics.countOfHandledCallInDirect, w.metrics.callOutDirectDuration, w.metrics.countOfHandledCallOutDirect];
          expect([key, ...got]).toEqual([key, ...(expected.get(key) ?? [0, 0, 0, 0])]);
        }
        expect(engine.rejected['direct-contact-unmatched'] ?? 0).toBe(0);
      }),
      fcParams(150),
    );
  });
});

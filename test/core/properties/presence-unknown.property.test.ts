/**
 * Property: for a source without presence (HostedSuite: handling events only), the streaming engine's published
 * quarter-hours equal an oracle computed here from the handling intervals (clipped at UTC quarter-hours, a handled
 * call counted in the quarter-hour of its last millisecond, wrap-up attributed to the kind of the last call), and
 * the batch aggregation of core agrees; presence fields are null in every row, whatever order the events arrive in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAgentEvent } from '../../../src/core/events/agent-event.ts';
import type { AgentEvent } from '../../../src/core/events/agent-event.ts';
import { handlingStatusCode } from '../../../src/core/events/status.ts';
import type { HandlingStatus } from '../../../src/core/events/status.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import type { QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { aggregateQuarterHours } from '../../../src/core/replay/quarter-hour-aggregation.ts';
import { sourceProfile } from '../../../src/core/source/source-profiles.ts';
import { publishMetrics } from '../../../src/core/statistic/published-metrics.ts';
import { fcParams } from './support.ts';

const QH = 900_000;
const T = Date.UTC(2026, 10, 2, 8);
const STATES = ['Waiting', 'Wrap', 'Talking_Inbound', 'Talking_Outbound'] as const;
const PRESENCE = ['servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'freeDuration'] as const;

type Oracle = Map<number, { contact: number; callIn: number; callOut: number; afterwork: number; afterworkIn: number; afterworkOut: number; countIn: number; countOut: number }>;

function oracle(steps: readonly { at: number; state: (typeof STATES)[number] }[], end: number): Oracle {
  const out: Oracle = new Map();
  const slot = (start: number) => {
    let s = out.get(start);
    if (s === undefined) out.set(start, (s = { contact: 0, callIn: 0, callOut: 0, afterwork: 0, afterworkIn: 0, afterworkOut: 0, countIn: 0, countOut: 0 }));
    return s;
  };
  let last: 'in' | 'out' | null = null;
  for (let i = 0; i < steps.length; i++) {
    const { at, state } = steps[i]!;
    const to = steps[i + 1]?.at ?? end;
    if (to <= at) continue;
    for (let from = at; from < to; ) {
      const start = Math.floor(from / QH) * QH;
      const until = Math.min(to, start + QH);
      const ms = until - from;
      const s = slot(start);
      if (state === 'Talking_Inbound') { s.contact += ms; s.callIn += ms; }
      if (state === 'Talking_Outbound') { s.contact += ms; s.callOut += ms; }
      if (state === 'Wrap') { s.afterwork += ms; if (last === 'in') s.afterworkIn += ms; if (last === 'out') s.afterworkOut += ms; }
      if (state === 'Waiting') slot(start);
      from = until;
    }
    if (state === 'Talking_Inbound') last = 'in';
    if (state === 'Talking_Outbound') last = 'out';
    const next = steps[i + 1]?.state;
    if ((state === 'Talking_Inbound' || state === 'Talking_Outbound') && next !== state) {
      const s = slot(Math.floor((to - 1) / QH) * QH);
      if (state === 'Talking_Inbound') s.countIn++;
      else s.countOut++;
    }
  }
  return out;
}

const historyArb = fc
  .array(fc.record({ gap: fc.integer({ min: 1, max: 20 * 60_000 }), state: fc.constantFrom(...STATES) }), { minLength: 1, maxLength: 25 })
  .chain((steps) => fc.record({ steps: fc.constant(steps), tail: fc.integer({ min: 1, max: 30 * 60_000 }), order: fc.shuffledSubarray(steps.map((_, i) => i), { minLength: steps.length, maxLength: steps.length }) }));

describe('presence-unknown sources', () => {
  it('stream = oracle = batch for handling-only sessions, with presence fields null', () => {
    fc.assert(
      fc.property(historyArb, ({ steps, tail, order }) => {
        let at = T;
        const timed = steps.map((s) => ({ at: (at += s.gap), state: s.state }));
        const end = at + tail;
        const event = (time: number, value: HandlingStatus): AgentEvent =>
          createAgentEvent({ sessionId: 'H1', userId: 'U1', userName: 'A', eventTime: time, changeTime: time, kind: 'handling', value, code: handlingStatusCode(value) as number });
        const events = [...order.map((i) => event(timed[i]!.at, timed[i]!.state)), event(end, 'LoggedOut')];
        const engine = new TimelineEngine({ allowedLatenessMs: 0, correctionHorizonMs: 100 * 3_600_000, tenant: 't' });
        for (const e of events) expect(engine.ingestEvents([e], 'hostedsuite')).toBeNull();
        const latest = new Map<number, QuarterHourEmission>();
        for (const e of engine.advanceWatermark(end + QH)) if (e.type === 'window') latest.set(e.window.intervalStart, e.window);
        const expected = oracle(timed, end);
        for (const [start, window] of latest) {
          for (const field of PRESENCE) expect(window.metrics[field]).toBeNull();
          expect(window.metrics.waitingDuration).toBeNull();
          const o = expected.get(start) ?? { contact: 0, callIn: 0, callOut: 0, afterwork: 0, afterworkIn: 0, afterworkOut: 0, countIn: 0, countOut: 0 };
          expect(window.metrics).toMatchObject({
            contactHandlingDuration: o.contact, callInDuration: o.callIn, callOutDuration: o.callOut, afterworkDuration: o.afterwork,
            afterworkCallInDuration: o.afterworkIn, afterworkCallOutDuration: o.afterworkOut, countOfHandledCallIn: o.countIn, countOfHandledCallOut: o.countOut,
          });
        }
        for (const [start, o] of expected) if (o.contact + o.afterwork + o.countIn + o.countOut > 0) expect(latest.has(start), `window ${start - T}`).toBe(true);
        const batch = aggregateQuarterHours(events, end + QH, undefined, 'hostedsuite').quarterHours;
        expect(batch.map((q) => [q.start, publishMetrics(q.vector, sourceProfile('hostedsuite'))])).toEqual([...latest.values()].map((w) => [w.intervalStart, w.metrics]));
      }),
      fcParams(150),
    );
  });
});

import { demandAt } from './arrival-rate.ts';
import { PHONE_QUEUES } from './catalog.ts';
import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { SimContact } from './sim-contact.ts';

const PEAK_ABANDON_RATE = 3 / 3_600_000;

/** Calls that leave a phone queue unanswered (no agent), arriving by time-of-day demand in [from, until). */
export function queueAbandons(seed: number, from: number, until: number): SimContact[] {
  const out: SimContact[] = [];
  for (const queue of PHONE_QUEUES) {
    const rng = new Prng(deriveSeed(seed, 'abandons', queue.id, from));
    let time = from;
    for (;;) {
      time += Math.max(1, Math.round(rng.exponential(PEAK_ABANDON_RATE)));
      const ivr = rng.int(3_000, 15_000);
      const wait = rng.int(1_000, 240_000);
      if (time + ivr + wait >= until) break;
      if (!rng.chance(demandAt(time))) continue;
      const disconnect = time + ivr + wait;
      out.push({
        contactId: rng.guid(),
        type: 'CallIn',
        channel: 'Phone',
        queue,
        application: queue.application,
        user: undefined,
        direct: false,
        internal: false,
        contactCenter: true,
        arrival: time,
        queueArrival: time + ivr,
        connect: null,
        disconnect,
        afterworkEnd: disconnect,
        holdDuration: 0,
        abandoned: true,
      });
    }
  }
  return out;
}

import type { SimAgent } from './agent-roster.ts';
import type { Queue } from './catalog.ts';
import { CAMPAIGNS, DIRECT_APPLICATION, PHONE_QUEUES, QUEUES } from './catalog.ts';
import type { Prng } from '../../../../core/random/prng.ts';
import type { SessionScript } from './session-script.ts';
import type { ContactType, SimContact } from './sim-contact.ts';
import { CHANNEL_OF } from './sim-contact.ts';

/** What an activity needs: the session being written, its random stream, and the latest allowed time. */
export interface ActivityContext {
  readonly script: SessionScript;
  readonly rng: Prng;
  readonly deadline: number;
}

/** An activity starts at `time` with the agent Ready and Waiting; it returns when the agent is Waiting again, or null when it does not fit before the deadline. */
export type Activity = (context: ActivityContext, time: number) => number | null;

type ContactTimes = Pick<SimContact, 'arrival' | 'queueArrival' | 'connect' | 'disconnect' | 'afterworkEnd'>;

function contact(context: ActivityContext, type: ContactType, queue: Queue | undefined, times: ContactTimes, extra: { hold?: number; internal?: boolean } = {}): SimContact {
  const agent: SimAgent = context.script.agent;
  const internal = extra.internal ?? false;
  return {
    contactId: context.rng.guid(),
    type,
    channel: CHANNEL_OF[type],
    queue,
    application: queue?.application ?? DIRECT_APPLICATION,
    user: { userId: agent.userId, userName: agent.userName },
    direct: queue === undefined,
    internal,
    contactCenter: !(internal && queue === undefined),
    ...times,
    holdDuration: extra.hold ?? 0,
    abandoned: false,
  };
}

/** Talking_Inbound → (Waiting) → Wrap → Waiting; a queued or direct inbound call. */
export const inboundCall: Activity = (context, time) => {
  const { rng, script } = context;
  const talk = rng.logNormal(240_000, 0.6, 20_000, 1_800_000);
  const wrap = rng.logNormal(45_000, 0.5, 5_000, 300_000);
  if (time + talk + wrap + 10 > context.deadline) return null;
  const direct = rng.chance(0.06);
  const queue = direct ? undefined : rng.pick(PHONE_QUEUES);
  const queuing = direct ? 0 : rng.logNormal(15_000, 0.9, 1_000, 300_000);
  const ringOrIvr = rng.int(3_000, 20_000);
  const hold = rng.chance(0.15) ? rng.int(5_000, Math.floor(talk / 3)) : 0;
  script.status(time, 'Talking_Inbound');
  const talkEnd = time + talk;
  let wrapStart = talkEnd;
  if (rng.chance(0.3)) {
    script.status(talkEnd, 'Waiting');
    wrapStart = talkEnd + 3;
  }
  script.status(wrapStart, 'Wrap');
  const back = wrapStart + wrap;
  script.status(back, 'Waiting');
  const queueArrival = time - queuing;
  script.addContact(
    contact(context, 'CallIn', queue, { arrival: queueArrival - ringOrIvr, queueArrival, connect: time, disconnect: talkEnd, afterworkEnd: back }, { hold, internal: direct && rng.chance(0.5) }),
  );
  return back;
};

/**
 * The seed's campaign call: OBJoin and Preview at t, Waiting at t+preview, Dialing_Outbound_Campaign
 * stamped t but written after that Waiting, then Talking_Outbound_Campaign (answered) or Waiting
 * (unanswered), Wrap, Waiting and OBUnJoin.
 */
export const campaignCall: Activity = (context, time) => {
  const { rng, script } = context;
  const preview = rng.int(3_000, 30_000);
  const ring = rng.int(500, 40_000);
  const answered = rng.chance(0.65);
  const talk = answered ? rng.logNormal(180_000, 0.6, 15_000, 1_200_000) : 0;
  const wrap = rng.logNormal(40_000, 0.5, 3_000, 240_000);
  if (time + preview + ring + talk + wrap + 20 > context.deadline) return null;
  const campaign = rng.pick(CAMPAIGNS);
  const waitingAt = time + preview;
  const dialEnd = waitingAt + ring;
  script.status(time, 'OBJoin', { outboundServing: campaign.id });
  script.status(time, 'Preview');
  script.status(waitingAt, 'Waiting');
  script.status(time, 'Dialing_Outbound_Campaign', { writeTime: waitingAt });
  let disconnect = dialEnd;
  let wrapStart = dialEnd;
  if (answered) {
    script.status(dialEnd, 'Talking_Outbound_Campaign');
    disconnect = dialEnd + talk;
    script.status(disconnect, 'Waiting');
    wrapStart = disconnect + 3;
  } else {
    script.status(dialEnd, 'Waiting');
  }
  script.status(wrapStart, 'Wrap');
  const back = wrapStart + wrap;
  script.status(back, 'Waiting');
  script.status(back + 6, 'OBUnJoin', { outboundServing: campaign.id });
  script.addContact(contact(context, 'CallOut', QUEUES.outbound, { arrival: time, queueArrival: time, connect: answered ? dialEnd : null, disconnect, afterworkEnd: back }));
  return back + 6;
};

/** A manual outbound call: Dialing_Outbound → Talking_Outbound (or Waiting when unanswered) → Wrap → Waiting. */
export const manualCall: Activity = (context, time) => {
  const { rng, script } = context;
  const ring = rng.int(3_000, 30_000);
  const answered = rng.chance(0.75);
  const talk = answered ? rng.logNormal(150_000, 0.6, 10_000, 900_000) : 0;
  const wrap = rng.logNormal(30_000, 0.5, 3_000, 180_000);
  if (time + ring + talk + wrap > context.deadline) return null;
  script.status(time, 'Dialing_Outbound');
  const dialEnd = time + ring;
  if (answered) script.status(dialEnd, 'Talking_Outbound');
  const disconnect = dialEnd + talk;
  script.status(disconnect, 'Wrap');
  const back = disconnect + wrap;
  script.status(back, 'Waiting');
  script.addContact(contact(context, 'CallOut', undefined, { arrival: time, queueArrival: time, connect: answered ? dialEnd : null, disconnect, afterworkEnd: back }));
  return back;
};

/** Chatting_Inbound/Outbound with up to the agent's chat capacity of concurrent chats, then Wrap → Waiting. */
export const chatSession: Activity = (context, time) => {
  const { rng, script } = context;
  const type: ContactType = rng.chance(0.15) ? 'ChatOut' : 'ChatIn';
  const first = rng.logNormal(420_000, 0.5, 60_000, 2_400_000);
  const chats = [{ start: time, end: time + first }];
  for (let slot = 1; slot < script.agent.chatCapacity; slot++) {
    if (!rng.chance(0.5)) continue;
    const start = time + rng.int(10_000, Math.floor(first * 0.7));
    chats.push({ start, end: start + rng.logNormal(360_000, 0.5, 60_000, 2_400_000) });
  }
  const end = Math.max(...chats.map((c) => c.end));
  const wrap = rng.logNormal(30_000, 0.5, 3_000, 180_000);
  if (end + wrap > context.deadline) return null;
  script.status(time, type === 'ChatIn' ? 'Chatting_Inbound' : 'Chatting_Outbound');
  script.status(end, 'Wrap');
  script.status(end + wrap, 'Waiting');
  for (const chat of chats) {
    const queuing = type === 'ChatIn' ? rng.logNormal(20_000, 0.8, 1_000, 600_000) : 0;
    const queue = type === 'ChatIn' ? QUEUES.chat : undefined;
    const afterworkEnd = chat.end === end ? end + wrap : chat.end;
    script.addContact(contact(context, type, queue, { arrival: chat.start - queuing, queueArrival: chat.start - queuing, connect: chat.start, disconnect: chat.end, afterworkEnd }));
  }
  return end + wrap;
};

/** Emailing_Inbound → Wrap → Waiting, or Emailing_Outbound → Waiting. */
export const emailTask: Activity = (context, time) => {
  const { rng, script } = context;
  const inbound = rng.chance(0.8);
  const handle = rng.logNormal(300_000, 0.6, 30_000, 1_800_000);
  const wrap = inbound ? rng.int(5_000, 60_000) : 0;
  if (time + handle + wrap > context.deadline) return null;
  const end = time + handle;
  script.status(time, inbound ? 'Emailing_Inbound' : 'Emailing_Outbound');
  if (inbound) script.status(end, 'Wrap');
  script.status(end + wrap, 'Waiting');
  const arrival = inbound ? time - rng.int(60_000, 7_200_000) : time;
  script.addContact(contact(context, inbound ? 'EmailIn' : 'EmailOut', QUEUES.email, { arrival, queueArrival: arrival, connect: time, disconnect: end, afterworkEnd: end + wrap }));
  return end + wrap;
};

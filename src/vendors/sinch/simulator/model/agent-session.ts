import type { SimAgent } from './agent-roster.ts';
import { demandAt, PEAK_DEMAND } from './arrival-rate.ts';
import type { Profile } from './catalog.ts';
import { PROFILES } from './catalog.ts';
import type { Activity, ActivityContext } from './contact-activities.ts';
import { campaignCall, chatSession, emailTask, inboundCall, manualCall } from './contact-activities.ts';
import type { Prng } from '../../../../core/random/prng.ts';
import { SessionScript } from './session-script.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Contacts offered per hour to an idle agent at peak demand. */
const PEAK_OFFER_RATE = 14 / HOUR;
const NOT_READY_RATE = 0.25 / HOUR;

interface PlannedBreak {
  at: number;
  readonly profile: Profile;
  readonly duration: number;
}

function planBreaks(rng: Prng, start: number, end: number): PlannedBreak[] {
  const plan = [
    { at: start + 2 * HOUR + rng.int(-15, 15) * MINUTE, profile: PROFILES.coffee, duration: rng.int(8, 15) * MINUTE },
    { at: start + 4 * HOUR + rng.int(-20, 20) * MINUTE, profile: PROFILES.lunch, duration: rng.int(25, 35) * MINUTE },
    { at: start + 6 * HOUR + rng.int(-15, 15) * MINUTE, profile: PROFILES.coffee, duration: rng.int(8, 15) * MINUTE },
  ];
  return plan.filter((b) => b.at + b.duration < end);
}

function presence(context: ActivityContext, time: number, profile: Profile, duration: number): number | null {
  if (time + duration > context.deadline) return null;
  context.script.userStatus(time, profile);
  const back = time + duration;
  context.script.userStatus(back, context.rng.chance(0.8) ? PROFILES.office : PROFILES.available);
  return back;
}

const notReady: Activity = (context, time) => {
  const profile = context.rng.pick([PROFILES.meeting, PROFILES.training, PROFILES.backoffice]);
  return presence(context, time, profile, context.rng.int(5, 40) * MINUTE);
};

function offeredActivity(agent: SimAgent, rng: Prng): Activity {
  const { callIn, campaign, callOut, chat, email } = agent.skills;
  const choice = rng.weighted([callIn, campaign, callOut, chat, email]);
  return [inboundCall, campaignCall, manualCall, chatSession, emailTask][choice] ?? inboundCall;
}

/**
 * Writes one agent session from sign-on at `start` to LoggedOut at or after `end` (never after
 * `deadline`): the seed's startup profile rows, contacts offered by time-of-day demand, planned
 * breaks (Pause) and occasional not-ready profiles.
 */
export function runAgentSession(agent: SimAgent, rng: Prng, start: number, end: number, deadline: number): SessionScript {
  const script = new SessionScript(agent, rng.guid());
  const context: ActivityContext = { script, rng, deadline };
  script.signOn(start);
  let time = start;
  if (rng.chance(0.6) && start + 40_000 < end) {
    script.userStatus(start + 33, PROFILES.startup);
    time = start + rng.int(5_000, 30_000);
    script.userStatus(time, PROFILES.office);
  }
  const breaks = planBreaks(rng, start, end);
  const peakRate = PEAK_OFFER_RATE * PEAK_DEMAND + NOT_READY_RATE;
  while (time < end) {
    const due = breaks[0];
    if (due !== undefined && due.at <= time) {
      breaks.shift();
      time = presence(context, time, due.profile, due.duration) ?? time;
      continue;
    }
    const candidate = time + Math.max(1, Math.round(rng.exponential(peakRate)));
    const limit = Math.min(due?.at ?? end, end);
    if (candidate >= limit) {
      time = limit;
      continue;
    }
    time = candidate;
    const offerRate = PEAK_OFFER_RATE * demandAt(time);
    const draw = rng.next() * peakRate;
    if (draw >= offerRate + NOT_READY_RATE) continue;
    const activity = draw < NOT_READY_RATE ? notReady : offeredActivity(agent, rng);
    time = activity(context, time) ?? time;
  }
  script.logOut(Math.min(Math.max(time + rng.int(1_000, 30_000), end), deadline));
  return script;
}

import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { EvoAgent } from './agent-roster.ts';
import type { AgentState, AgentStateReason, EvoStateInterval } from './agent-states.ts';
import type { WorkSession } from './shift-plan.ts';
import { workSessions } from './shift-plan.ts';

const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Step {
  readonly state: AgentState;
  readonly reason: AgentStateReason | null;
  readonly duration: number;
}

/** What follows a Ready interval, with weights. */
const AFTER_READY = ['Outgoing', 'NotReady:SetByUser', 'NotReady:MissedCall', 'NotReady:SetBySystem', 'Other', 'Unknown'] as const;
const AFTER_READY_WEIGHTS = [0.5, 0.14, 0.14, 0.05, 0.12, 0.05];
/** Other's reasons: mostly set by the user, sometimes by the system, now and then Unknown. */
const OTHER_REASONS: readonly AgentStateReason[] = ['SetByUser', 'SetBySystem', 'Unknown'];
const OTHER_REASON_WEIGHTS = [0.6, 0.3, 0.1];

function notReady(rng: Prng, reason: AgentStateReason): Step {
  if (reason === 'MissedCall') return { state: 'NotReady', reason, duration: rng.logNormal(50 * SECOND, 0.8, 3 * SECOND, 10 * MINUTE) };
  if (reason === 'SetBySystem') return { state: 'NotReady', reason, duration: rng.logNormal(90 * SECOND, 0.7, 5 * SECOND, 15 * MINUTE) };
  return { state: 'NotReady', reason, duration: rng.logNormal(6 * MINUTE, 0.6, 30 * SECOND, 45 * MINUTE) };
}

/** The steps after a Ready interval, ending just before the next Ready. */
function activity(rng: Prng): Step[] {
  const next = AFTER_READY[rng.weighted(AFTER_READY_WEIGHTS)] ?? 'Outgoing';
  switch (next) {
    case 'Outgoing': {
      const call: Step = { state: 'Outgoing', reason: null, duration: rng.logNormal(150 * SECOND, 0.7, 8 * SECOND, 40 * MINUTE) };
      if (!rng.chance(0.9)) return [call];
      return [call, { state: 'WrapUp', reason: null, duration: rng.logNormal(35 * SECOND, 0.6, 2 * SECOND, 10 * MINUTE) }];
    }
    case 'Other':
      return [{ state: 'Other', reason: OTHER_REASONS[rng.weighted(OTHER_REASON_WEIGHTS)] ?? 'SetByUser', duration: rng.logNormal(4 * MINUTE, 0.7, 20 * SECOND, 30 * MINUTE) }];
    case 'Unknown':
      return [{ state: 'Unknown', reason: null, duration: rng.logNormal(20 * SECOND, 0.8, 1 * SECOND, 3 * MINUTE) }];
    default: {
      const first = notReady(rng, next.slice('NotReady:'.length) as AgentStateReason);
      // now and then the reason changes without the agent becoming Ready: a new interval of the same state
      if (!rng.chance(0.15)) return [first];
      const reasons: AgentStateReason[] = (['SetByUser', 'MissedCall', 'SetBySystem'] as const).filter((r) => r !== first.reason);
      return [first, notReady(rng, rng.pick(reasons))];
    }
  }
}

/** The steps of one session: Ready first, then activities between Ready stretches, a lunch break 3.5–4.5 h in. */
function sessionSteps(rng: Prng, session: WorkSession): Step[] {
  const steps: Step[] = [];
  const lunchAt = session.start + Math.floor(rng.uniform(3.5 * HOUR, 4.5 * HOUR));
  let lunched = false;
  let t = session.start;
  while (t < session.end) {
    const ready: Step = { state: 'Ready', reason: null, duration: Math.max(SECOND, Math.round(rng.exponential(1 / (4 * MINUTE)))) };
    const lunchNow: boolean = !lunched && t + ready.duration >= lunchAt;
    const next: Step[] = lunchNow ? [{ state: 'NotReady', reason: 'SetByUser', duration: Math.floor(rng.uniform(25 * MINUTE, 35 * MINUTE)) }] : activity(rng);
    lunched ||= lunchNow;
    for (const step of [ready, ...next]) {
      steps.push(step);
      t += step.duration;
    }
  }
  return steps;
}

/**
 * One agent's state intervals over [from, to): contiguous from `from` (each interval's end is the next one's start),
 * LoggedOut between sessions, sessions as planned by workSessions in `zone`. The last interval is open (end null):
 * the agent is still in it at `to`, whether logged out or in a session that `to` cut. A function of (seed,
 * agent id, zone, from, to) only.
 */
export function agentDay(seed: number, agent: EvoAgent, zone: string, from: number, to: number): EvoStateInterval[] {
  const rng = new Prng(deriveSeed(seed, 'evo-agent-day', agent.id));
  const identity = { agentId: agent.id, agentName: agent.name, extension: agent.extension };
  const out: EvoStateInterval[] = [];
  let cursor = from;
  const loggedOut = (): AgentStateReason => (rng.chance(0.1) ? 'SetBySystem' : 'SetByUser');
  for (const session of workSessions(rng, agent.shift, zone, from, to)) {
    if (session.start > cursor) out.push({ ...identity, state: 'LoggedOut', reason: loggedOut(), start: cursor, end: session.start });
    let t = session.start;
    for (const step of sessionSteps(rng, session)) {
      const end = Math.min(t + step.duration, session.end);
      if (end <= t) break;
      out.push({ ...identity, state: step.state, reason: step.reason, start: t, end });
      t = end;
    }
    cursor = session.end;
  }
  const last = out.at(-1);
  if (cursor < to || last === undefined) out.push({ ...identity, state: 'LoggedOut', reason: loggedOut(), start: cursor, end: null });
  else out[out.length - 1] = { ...last, end: null };
  return out;
}

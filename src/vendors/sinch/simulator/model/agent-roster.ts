import type { Named } from './catalog.ts';
import { FIRST_NAMES, LAST_NAMES, LOCATIONS, REPORTING_GROUPS } from './catalog.ts';
import { deriveSeed, Prng } from '../../../../core/random/prng.ts';

/** Relative weights of the activities an agent is offered while Ready and Waiting. */
export interface SkillMix {
  readonly callIn: number;
  readonly campaign: number;
  readonly callOut: number;
  readonly chat: number;
  readonly email: number;
}

/** One simulated agent: identity, attributes served by agentStatus, and behaviour parameters. */
export interface SimAgent {
  readonly index: number;
  readonly userId: string;
  readonly userName: string;
  readonly reportingGroup: Named;
  readonly number: string;
  readonly mobileNumber: string;
  readonly externalNumber: string;
  readonly email: string;
  readonly chatName: string;
  readonly chat: string;
  readonly location: string;
  readonly chatCapacity: number;
  readonly skills: SkillMix;
  /** Shift start as minutes after UTC midnight. */
  readonly shiftStartMinute: number;
  readonly shiftLengthMinutes: number;
}

const SKILL_MIXES: readonly SkillMix[] = [
  { callIn: 1, campaign: 0, callOut: 0.05, chat: 0, email: 0 },
  { callIn: 0.5, campaign: 0.6, callOut: 0.1, chat: 0, email: 0 },
  { callIn: 0, campaign: 0, callOut: 0, chat: 0.7, email: 0.5 },
  { callIn: 0.6, campaign: 0, callOut: 0.05, chat: 0.3, email: 0.3 },
];

/** The agent at `index` for `seed`. Independent of how many agents the run has. */
export function rosterAgent(seed: number, index: number): SimAgent {
  const rng = new Prng(deriveSeed(seed, 'agent', index));
  const last = LAST_NAMES[index % LAST_NAMES.length] ?? 'Fox';
  const first = FIRST_NAMES[(index * 7 + Math.floor(index / LAST_NAMES.length)) % FIRST_NAMES.length] ?? 'John';
  const suffix = index < LAST_NAMES.length ? '' : ` ${Math.floor(index / LAST_NAMES.length) + 1}`;
  const userId = rng.guid();
  const userName = `${last}${suffix}, ${first}`;
  const number = String(201 + index);
  const email = `${first}.${last}${suffix.trim()}@example.com`.toLowerCase();
  const skills = SKILL_MIXES[index % SKILL_MIXES.length] ?? SKILL_MIXES[0]!;
  return {
    index,
    userId,
    userName,
    reportingGroup: REPORTING_GROUPS[index % REPORTING_GROUPS.length] ?? REPORTING_GROUPS[0]!,
    number,
    mobileNumber: `+358401${number}`,
    externalNumber: `+358401${number}`,
    email,
    chatName: userName,
    chat: email,
    location: rng.pick(LOCATIONS),
    chatCapacity: skills.chat > 0 ? rng.int(2, 3) : 1,
    skills,
    shiftStartMinute: 6 * 60 + ((index * 37) % 8) * 60 + rng.int(-10, 10),
    shiftLengthMinutes: 8 * 60 + rng.int(-20, 40),
  };
}

export function roster(seed: number, agents: number): SimAgent[] {
  return Array.from({ length: agents }, (_, index) => rosterAgent(seed, index));
}

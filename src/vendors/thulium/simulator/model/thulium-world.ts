import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import { sessionTimeline } from './agent-activity.ts';
import type { AgentGroup, ThuliumAgent } from './agent-roster.ts';
import { agentRoster, DEFAULT_GROUPS } from './agent-roster.ts';
import { workSessions } from './shift-plan.ts';
import type { ModelEvent, Segment, ThuliumStatus } from './statuses.ts';

export interface ThuliumWorldOptions {
  readonly seed: number;
  readonly agents: number;
  /** The simulated range [from, to), epoch ms: nothing before `from` is served or exported. */
  readonly from: number;
  readonly to: number;
  /** The tenant's IANA zone: shifts follow its local time and every served date is in it. Default Europe/Warsaw. */
  readonly zone?: string;
  readonly groups?: readonly AgentGroup[];
}

/** A maximal run of one (status, pauseId): what `last_change` and the vendor-level export state. */
export interface StatusRun {
  readonly start: number;
  readonly end: number;
  readonly status: ThuliumStatus;
  readonly pauseId: number | null;
}

/** One agent's whole model: contiguous segments (OFF between sessions, the last OFF ending at Infinity), runs, events. */
export interface AgentTimeline {
  readonly agent: ThuliumAgent;
  readonly segments: readonly Segment[];
  readonly runs: readonly StatusRun[];
  /** Sorted by `at` (stable: an activity's events keep their order). */
  readonly events: readonly ModelEvent[];
}

export interface ThuliumWorld {
  readonly options: Required<ThuliumWorldOptions>;
  readonly groups: readonly AgentGroup[];
  /** Sorted by login. */
  readonly timelines: readonly AgentTimeline[];
}

function runsOf(segments: readonly Segment[]): StatusRun[] {
  const runs: StatusRun[] = [];
  for (const s of segments) {
    const last = runs.at(-1);
    if (last !== undefined && last.status === s.status && last.pauseId === s.pauseId) runs[runs.length - 1] = { ...last, end: s.end };
    else runs.push({ start: s.start, end: s.end, status: s.status, pauseId: s.pauseId });
  }
  return runs;
}

function agentTimeline(options: Required<ThuliumWorldOptions>, agent: ThuliumAgent): AgentTimeline {
  const rng = new Prng(deriveSeed(options.seed, 'thulium-agent-time', agent.login));
  const sessions = workSessions(rng, agent.shift, options.zone, options.from, options.to);
  const segments: Segment[] = [];
  const events: ModelEvent[] = [];
  let cursor = (sessions[0]?.start ?? options.from) - 3_600_000;
  for (const session of sessions) {
    segments.push({ start: cursor, end: session.start, status: 'OFF', pauseId: null, activity: 'off' });
    const day = sessionTimeline(rng, session);
    segments.push(...day.segments);
    events.push(...day.events);
    cursor = session.end;
  }
  segments.push({ start: cursor, end: Number.POSITIVE_INFINITY, status: 'OFF', pauseId: null, activity: 'off' });
  events.sort((a, b) => a.at - b.at);
  return { agent, segments, runs: runsOf(segments), events };
}

/** Generates the tenant: pure, a function of the options only. */
export function generateWorld(options: ThuliumWorldOptions): ThuliumWorld {
  if (!(options.to > options.from)) throw new RangeError('generateWorld: to must be after from');
  const full: Required<ThuliumWorldOptions> = { zone: 'Europe/Warsaw', groups: DEFAULT_GROUPS, ...options };
  const agents = agentRoster(full.seed, full.agents, full.groups).sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
  return { options: full, groups: full.groups, timelines: agents.map((agent) => agentTimeline(full, agent)) };
}

/** Index of the first item whose `key` is ≥ `value` (items sorted by key). */
export function lowerBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = items[mid];
    if (item !== undefined && key(item) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The run in force at `at` (the first OFF run reaches back to before any session). */
export function runAt(timeline: AgentTimeline, at: number): StatusRun | undefined {
  const index = lowerBound(timeline.runs, at, (r) => r.end);
  const run = timeline.runs[index];
  return run !== undefined && run.end === at ? timeline.runs[index + 1] : run;
}

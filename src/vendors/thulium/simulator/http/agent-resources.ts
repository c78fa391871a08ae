import type { ThuliumAgent } from '../model/agent-roster.ts';
import type { AgentTimeline, ThuliumWorld } from '../model/thulium-world.ts';
import { runAt } from '../model/thulium-world.ts';
import { apiError } from './api-errors.ts';
import { formatLocal } from './local-time.ts';

/** `GET agents/:login`'s object (public docs' fields, in their order). */
export function agentResource(agent: ThuliumAgent): Record<string, unknown> {
  return {
    agent_id: agent.agentId,
    login: agent.login,
    name: agent.name,
    surname: agent.surname,
    email: agent.email,
    active: true,
    number: agent.number,
    outbound_mode: agent.outboundMode,
    group_id: agent.groupId,
  };
}

/**
 * `{login, status, pause_id, last_change}` at simulated time `now`: the status run in force, `pause_id` null unless
 * PAUSED, `last_change` the local time the run began (which may be before the simulated range).
 */
export function statusResource(timeline: AgentTimeline, now: number, zone: string): Record<string, unknown> {
  const run = runAt(timeline, now);
  return {
    login: timeline.agent.login,
    status: run?.status ?? 'OFF',
    pause_id: run?.status === 'PAUSED' ? run.pauseId : null,
    last_change: run === undefined ? null : formatLocal(run.start, zone),
  };
}

/** The agent's timeline; 404 (code 3001) for an unknown login. */
export function timelineOf(world: ThuliumWorld, login: string): AgentTimeline {
  const timeline = world.timelines.find((t) => t.agent.login === login);
  if (timeline === undefined) throw apiError('agentNotFound', { login });
  return timeline;
}

import type { AgentEvent, AgentEventAttributes } from '../../core/events/agent-event.ts';
import { createAgentEvent } from '../../core/events/agent-event.ts';
import type { HandlingStatus, UserStatus } from '../../core/events/status.ts';
import { handlingStatusCode, userStatusCode } from '../../core/events/status.ts';
import type { AdaptResult, SourceAdapter } from '../../core/source/source-adapter.ts';
import { parseTimestamp } from '../../core/time/timestamp.ts';
import { AGENT_STATES } from './agent-state-workbook.ts';

/** The `source` of the Evo Voice agent-state poll watermarks on control.poll-watermarks (one per committed report window). */
export const EVO_VOICE_AGENT_STATE_WATERMARK_SOURCE = 'evo-voice/agent-state';

/** Evo Voice `AgentStates` names, as the State column of the agent-state workbook carries them. */
export type EvoAgentState = (typeof AGENT_STATES)[number];

interface LoggedInMapping {
  readonly presence: UserStatus;
  readonly handling: HandlingStatus;
  /** The profile of the interval: the Reason column (`reason`), a fixed name, or none. */
  readonly profile: 'reason' | 'Other' | 'Unknown' | null;
}

/** The contract's mapping table (docs/vendors/evo-voice-contract.md, "Mapping to the canonical model"); LoggedOut maps to no state. */
const LOGGED_IN: Readonly<Record<Exclude<EvoAgentState, 'LoggedOut'>, LoggedInMapping>> = {
  Ready: { presence: 'Ready', handling: 'Waiting', profile: null },
  NotReady: { presence: 'NotReady', handling: 'Waiting', profile: 'reason' },
  Other: { presence: 'NotReady', handling: 'Waiting', profile: 'Other' },
  Unknown: { presence: 'NotReady', handling: 'Waiting', profile: 'Unknown' },
  WrapUp: { presence: 'Ready', handling: 'Wrap', profile: null },
  Outgoing: { presence: 'Ready', handling: 'Talking_Outbound', profile: null },
};

type Raw = Readonly<Record<string, unknown>>;

const isState = (value: unknown): value is EvoAgentState => typeof value === 'string' && (AGENT_STATES as readonly string[]).includes(value);

function position(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Maps one Evo Voice agent-state row (schemas/evo-voice-agent-state.avsc without the poller's envelope, as unknown
 * JSON) onto canonical events. A row is one state interval of an agent that STARTS at `startTime`; its end is the
 * next row's start, so the row's events all happen at its start and the End Time column is not used.
 *
 * - Each row is its own session, `sessionId = agentId|startMs`: the engine's rule "a newer session of the user ends
 *   the older one" (session-bounds.ts) ends it at the agent's next row, so a re-published (duplicate) row is the
 *   same session with the same change and counts once.
 * - A logged-in state gives a user-status event (presence, with the profile) and a handling event; `LoggedOut`
 *   gives a lone user-status `LoggedOut` event: its session is ended at once and counts nothing, and it ends the
 *   previous row's session at its start.
 * - eventTime = changeTime = start (the report has no separate recording time). The row's place in its report
 *   (`windowStart`, `sheetRow`) is the vendor position, which orders rows of one agent with the same start.
 *
 * Never throws; checks run in a fixed order: `not-an-object`, `missing-agentId`, `unknown-state`,
 * `missing-startTime`, `bad-timestamp`.
 */
export function adaptEvoAgentStateRow(input: unknown): AdaptResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { rejection: 'not-an-object' };
  const raw = input as Raw;
  const agentId = raw['agentId'];
  if (typeof agentId !== 'string' || agentId === '') return { rejection: 'missing-agentId' };
  const state = raw['state'];
  if (!isState(state)) return { rejection: 'unknown-state' };
  const startTime = raw['startTime'];
  if (typeof startTime !== 'string' || startTime === '') return { rejection: 'missing-startTime' };
  const start = parseTimestamp(startTime);
  if (Number.isNaN(start)) return { rejection: 'bad-timestamp' };

  const reason = typeof raw['reason'] === 'string' && raw['reason'] !== '' ? raw['reason'] : undefined;
  const windowStart = position(raw['windowStart']);
  const sheetRow = position(raw['sheetRow']);
  const vendor: AgentEventAttributes = windowStart === undefined || sheetRow === undefined ? {} : { vendorPoll: windowStart, vendorRow: sheetRow };
  const base = {
    sessionId: `${agentId}|${start}`,
    userId: agentId,
    userName: typeof raw['agentName'] === 'string' ? raw['agentName'] : '',
    eventTime: start,
    changeTime: start,
  };
  if (state === 'LoggedOut') {
    return { events: [createAgentEvent({ ...base, kind: 'userStatus', value: 'LoggedOut', code: userStatusCode('LoggedOut') as number }, { profileReason: reason, ...vendor })] };
  }
  const mapping = LOGGED_IN[state];
  const profile = mapping.profile === 'reason' ? reason : (mapping.profile ?? undefined);
  const profileReason = mapping.profile === 'Other' || mapping.profile === 'Unknown' ? reason : undefined;
  const events: AgentEvent[] = [
    createAgentEvent({ ...base, kind: 'userStatus', value: mapping.presence, code: userStatusCode(mapping.presence) as number }, { profile, profileReason, ...vendor }),
    createAgentEvent({ ...base, kind: 'handling', value: mapping.handling, code: handlingStatusCode(mapping.handling) as number }, vendor),
  ];
  return { events };
}

/** The Evo Voice agent-state adapter (raw topic raw.evovoice.agent-states). Its event times are the changeTimes, so `limits` never reject. */
export const evoVoiceAgentStateAdapter: SourceAdapter = {
  source: 'evo-voice',
  adapt: (record) => adaptEvoAgentStateRow(record),
};

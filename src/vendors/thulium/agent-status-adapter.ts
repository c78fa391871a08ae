import type { AgentEvent, AgentEventAttributes } from '../../core/events/agent-event.ts';
import { createAgentEvent } from '../../core/events/agent-event.ts';
import type { HandlingStatus, UserStatus } from '../../core/events/status.ts';
import { handlingStatusCode, userStatusCode } from '../../core/events/status.ts';
import type { AdaptResult, SourceAdapter } from '../../core/source/source-adapter.ts';

/** The `source` of the Thulium agent-status poll watermarks on control.poll-watermarks (one per committed sample). */
export const THULIUM_AGENT_STATUS_WATERMARK_SOURCE = 'thulium/agent-statuses';

/** Thulium agent statuses (GET agents/:login/status). */
export const THULIUM_STATUSES = ['OFF', 'FREE', 'PAUSED', 'RINGING', 'INBOUND_CALL', 'OUTBOUND_CALL', 'OUTBOUND_PREVIEW', 'CALL'] as const;
export type ThuliumStatus = (typeof THULIUM_STATUSES)[number];

interface LoggedInMapping {
  readonly presence: UserStatus;
  readonly handling: HandlingStatus;
}

/**
 * docs/vendors/thulium-contract.md, "Status model": a sampled status is the agent's state from `last_change` until
 * the next sample that differs. OUTBOUND_CALL covers dialing and talk alike; a sample cannot tell them apart and is
 * read as talk. RINGING and CALL (an internal call) are not contact handling.
 */
const LOGGED_IN: Readonly<Record<Exclude<ThuliumStatus, 'OFF'>, LoggedInMapping>> = {
  FREE: { presence: 'Ready', handling: 'Waiting' },
  PAUSED: { presence: 'Pause', handling: 'Waiting' },
  RINGING: { presence: 'Ready', handling: 'Waiting' },
  INBOUND_CALL: { presence: 'Ready', handling: 'Talking_Inbound' },
  OUTBOUND_CALL: { presence: 'Ready', handling: 'Talking_Outbound' },
  OUTBOUND_PREVIEW: { presence: 'Ready', handling: 'Preview' },
  CALL: { presence: 'Ready', handling: 'Waiting' },
};

type Raw = Readonly<Record<string, unknown>>;

const isStatus = (value: unknown): value is ThuliumStatus => typeof value === 'string' && (THULIUM_STATUSES as readonly string[]).includes(value);

function position(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Maps one observed status change (schemas/thulium-agent-status.avsc, as unknown JSON) onto canonical events at its
 * `lastChangeAt` (the vendor's `last_change`, resolved to UTC by the poller). Like an Evo Voice row, each sample is
 * its own session `login|lastChangeAt`: the engine's rule "a newer session of the user ends the older one" ends it at
 * the agent's next sample, and a re-published sample is the same change and counts once.
 *
 * - A logged-in status gives a user-status event (PAUSED with profile `pause-<pause_id>`, CALL and RINGING with the
 *   status as profile) and a handling event; OFF gives a lone LoggedOut.
 * - changeTime = sampledAt (when the poller read it); the sample's place in its poll (`vendorPoll`, `vendorRow`)
 *   orders samples with equal times.
 *
 * Never throws; checks run in a fixed order: `not-an-object`, `missing-login`, `unknown-status`, `bad-pause-id`,
 * `missing-lastChangeAt`, `missing-sampledAt`.
 */
export function adaptThuliumAgentStatus(input: unknown): AdaptResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { rejection: 'not-an-object' };
  const raw = input as Raw;
  const login = raw['login'];
  if (typeof login !== 'string' || login === '') return { rejection: 'missing-login' };
  const status = raw['status'];
  if (!isStatus(status)) return { rejection: 'unknown-status' };
  const pauseId = raw['pauseId'];
  if (pauseId !== null && pauseId !== undefined && !(typeof pauseId === 'number' && Number.isSafeInteger(pauseId) && pauseId >= 0)) return { rejection: 'bad-pause-id' };
  const at = raw['lastChangeAt'];
  if (typeof at !== 'number' || !Number.isSafeInteger(at)) return { rejection: 'missing-lastChangeAt' };
  const sampledAt = raw['sampledAt'];
  if (typeof sampledAt !== 'number' || !Number.isSafeInteger(sampledAt)) return { rejection: 'missing-sampledAt' };

  const poll = position(raw['vendorPoll']);
  const row = position(raw['vendorRow']);
  const vendor: AgentEventAttributes = poll === undefined || row === undefined ? {} : { vendorPoll: poll, vendorRow: row };
  const base = { sessionId: `${login}|${at}`, userId: login, userName: typeof raw['agentName'] === 'string' ? raw['agentName'] : '', eventTime: at, changeTime: sampledAt };
  if (status === 'OFF') {
    return { events: [createAgentEvent({ ...base, kind: 'userStatus', value: 'LoggedOut', code: userStatusCode('LoggedOut') as number }, vendor)] };
  }
  const mapping = LOGGED_IN[status];
  const profile = status === 'PAUSED' ? `pause-${typeof pauseId === 'number' ? pauseId : 'none'}` : status === 'CALL' || status === 'RINGING' ? status : undefined;
  const events: AgentEvent[] = [
    createAgentEvent({ ...base, kind: 'userStatus', value: mapping.presence, code: userStatusCode(mapping.presence) as number }, { profile, ...vendor }),
    createAgentEvent({ ...base, kind: 'handling', value: mapping.handling, code: handlingStatusCode(mapping.handling) as number }, vendor),
  ];
  return { events };
}

/** The Thulium agent-status adapter (raw topic raw.thulium.agent-statuses): a sampled timeline, no statistics. */
export const thuliumAgentStatusAdapter: SourceAdapter = {
  source: 'thulium',
  adapt: (record) => adaptThuliumAgentStatus(record),
};

import type { AgentEvent, AgentEventAttributes, EventKind } from '../events/agent-event.ts';
import { createAgentEvent } from '../events/agent-event.ts';
import type { HandlingStatus, UserStatus } from '../events/status.ts';

/**
 * One logged event of a session as persisted (state format 7):
 * `[eventTime, changeTime, kind (0 userStatus, 1 handling), value, code, userName, more?]`.
 * `userName` is null when it equals the previous logged event's name (the first one always carries it). `more` holds
 * the optional attributes that are set and, for an event of another user than the session's (a vendor reusing a
 * session id), its `userId`; it is left out when empty. The session id is always the session's.
 */
export type CompactEvent =
  | [eventTime: number, changeTime: number, kind: 0 | 1, value: string, code: number, userName: string | null]
  | [eventTime: number, changeTime: number, kind: 0 | 1, value: string, code: number, userName: string | null, more: CompactEventMore];

/** The rarely set part of a {@link CompactEvent}. */
export interface CompactEventMore extends AgentEventAttributes {
  readonly userId?: string;
}

/** The JSON an event was persisted as before format 7: the event's own properties (undefined ones absent). */
type EventJson = Record<string, unknown>;

const ATTRIBUTES = ['profile', 'profileReason', 'profileType', 'campaignId', 'vendorPoll', 'vendorRow'] as const;

function moreOf(event: EventJson, sessionUserId: string): CompactEventMore | undefined {
  let more: Record<string, unknown> | undefined;
  for (const name of ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined && value !== null) (more ??= {})[name] = value;
  }
  if (event['userId'] !== sessionUserId) (more ??= {})['userId'] = event['userId'];
  return more as CompactEventMore | undefined;
}

/**
 * The log of a session of `sessionUserId` in the persisted form (events as the engine holds them, or as persisted
 * before format 7); `decodeLog(encodeLog(log, u), sessionId, u)` gives events equal to `log`'s. Given the name of
 * the event before `log` (`after`), it encodes `log` as the continuation of that event's log: the encoding of a log
 * equals that of its first events followed by that of the rest given the last of those first events' name.
 */
export function encodeLog(log: readonly (AgentEvent | EventJson)[], sessionUserId: string, after: string | null = null): CompactEvent[] {
  let previousName: string | null = after;
  return log.map((event): CompactEvent => {
    const e = event as EventJson;
    const name = e['userName'] as string;
    const head = [e['eventTime'] as number, e['changeTime'] as number, e['kind'] === 'handling' ? 1 : 0, e['value'] as string, e['code'] as number, name === previousName ? null : name] as const;
    previousName = name;
    const more = moreOf(e, sessionUserId);
    return more === undefined ? [...head] : [...head, more];
  });
}

/** The events of a persisted log of session `sessionId` of `userId`. */
export function decodeLog(log: readonly CompactEvent[], sessionId: string, userId: string): AgentEvent[] {
  let name = '';
  return log.map(([eventTime, changeTime, kind, value, code, userName, more]) => {
    if (userName !== null) name = userName;
    const eventKind: EventKind = kind === 1 ? 'handling' : 'userStatus';
    const base = { sessionId, userId: more?.userId ?? userId, userName: name, eventTime, changeTime, kind: eventKind, value: value as UserStatus | HandlingStatus, code };
    return createAgentEvent(base, more);
  });
}

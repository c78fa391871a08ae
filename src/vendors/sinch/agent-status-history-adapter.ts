import type { DirectContact } from '../../core/direct/direct-contact.ts';
import type { AgentEvent } from '../../core/events/agent-event.ts';
import { KIND_CALL_IN, KIND_CALL_OUT } from '../../core/events/status.ts';
import { createAgentEvent } from '../../core/events/agent-event.ts';
import type { HandlingStatus, UserStatus } from '../../core/events/status.ts';
import { handlingStatusCode, userStatusCode } from '../../core/events/status.ts';
import type { AdaptResult, SourceAdapter } from '../../core/source/source-adapter.ts';
import type { EventTimeLimits } from '../../core/time/time-limits.ts';
import { DEFAULT_EVENT_TIME_LIMITS, eventTimeRejection } from '../../core/time/time-limits.ts';
import { parseTimestamp } from '../../core/time/timestamp.ts';

/** Result of adapting one raw Sinch record. */
export type SinchAdaptResult = AdaptResult;

type Raw = Readonly<Record<string, unknown>>;

function pick(raw: Raw, primary: string, alternative: string): unknown {
  const value = raw[primary];
  return value === undefined ? raw[alternative] : value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function timestamp(value: unknown): number {
  return typeof value === 'string' ? parseTimestamp(value) : Number.NaN;
}

function position(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The record's vendor position (`vendorPoll`, `vendorRow`, stamped by the poller): both, or neither. */
function vendorPosition(raw: Raw): { vendorPoll?: number; vendorRow?: number } {
  const vendorPoll = position(raw['vendorPoll']);
  const vendorRow = position(raw['vendorRow']);
  return vendorPoll === undefined || vendorRow === undefined ? {} : { vendorPoll, vendorRow };
}

/**
 * Maps one Sinch RAI `agentStatusHistory` record (unknown JSON) onto canonical events.
 *
 * Accepts both key spellings the API uses (`userId`/`UserId`, `changeTimestamp`/`changeTimeStamp`,
 * `userStatusTimestamp`/`userStatusTimeStamp`, `statusTimestamp`/`statusTimeStamp`). A record
 * yields a user-status event (with its profile) and/or a handling event (with the campaign id of
 * `OutboundServing`). A key is absent only when undefined; `null` is a bad value. An event time too far
 * from the record's changeTimestamp (`limits`, e.g. a "zero date") rejects the record. Never throws: an
 * unusable record returns `{ rejection }` (checks run in a fixed order, so the reason is stable).
 * `vendorPoll` and `vendorRow` (non-negative integers, the poller's record of where the vendor listed
 * the row) give both events the record's vendor position; a record without both has none.
 */
export function adaptSinchRecord(input: unknown, limits: EventTimeLimits = DEFAULT_EVENT_TIME_LIMITS): SinchAdaptResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { rejection: 'not-an-object' };
  const raw = input as Raw;
  if (raw['directContactId'] !== undefined) return adaptDirectContact(raw);
  const sessionId = raw['sessionId'];
  if (typeof sessionId !== 'string' || sessionId === '') return { rejection: 'missing-sessionId' };
  const userId = pick(raw, 'userId', 'UserId');
  if (typeof userId !== 'string' || userId === '') return { rejection: 'missing-userId' };
  const changeRaw = pick(raw, 'changeTimestamp', 'changeTimeStamp');
  if (changeRaw === undefined) return { rejection: 'missing-changeTimestamp' };
  const changeTime = timestamp(changeRaw);
  if (Number.isNaN(changeTime)) return { rejection: 'bad-timestamp' };

  const status = raw['status'];
  const statusTsRaw = pick(raw, 'statusTimestamp', 'statusTimeStamp');
  const userStatus = raw['userStatus'];
  const userStatusTsRaw = pick(raw, 'userStatusTimestamp', 'userStatusTimeStamp');
  if (status === undefined && userStatus === undefined) return { rejection: 'no-status-change' };

  const userName = typeof raw['userName'] === 'string' ? raw['userName'] : '';
  const vendor = vendorPosition(raw);
  const events: AgentEvent[] = [];
  if (userStatus !== undefined || userStatusTsRaw !== undefined) {
    if (userStatus === undefined) return { rejection: 'missing-userStatus' };
    const code = typeof userStatus === 'string' ? userStatusCode(userStatus) : undefined;
    if (code === undefined) return { rejection: 'unknown-userStatus' };
    if (userStatusTsRaw === undefined) return { rejection: 'missing-userStatusTimestamp' };
    const eventTime = timestamp(userStatusTsRaw);
    if (Number.isNaN(eventTime)) return { rejection: 'bad-timestamp' };
    const skew = eventTimeRejection(eventTime, changeTime, limits);
    if (skew !== null) return { rejection: skew };
    const value = userStatus as UserStatus;
    events.push(
      createAgentEvent(
        { sessionId, userId, userName, eventTime, changeTime, kind: 'userStatus', value, code },
        {
          profile: optionalString(raw['profile']),
          profileReason: optionalString(raw['profileReason']),
          profileType: optionalString(raw['profileType']),
          ...vendor,
        },
      ),
    );
  }
  if (status !== undefined || statusTsRaw !== undefined) {
    if (status === undefined) return { rejection: 'missing-status' };
    const code = typeof status === 'string' ? handlingStatusCode(status) : undefined;
    if (code === undefined) return { rejection: 'unknown-status' };
    if (statusTsRaw === undefined) return { rejection: 'missing-statusTimestamp' };
    const eventTime = timestamp(statusTsRaw);
    if (Number.isNaN(eventTime)) return { rejection: 'bad-timestamp' };
    const skew = eventTimeRejection(eventTime, changeTime, limits);
    if (skew !== null) return { rejection: skew };
    const value = status as HandlingStatus;
    events.push(
      createAgentEvent(
        { sessionId, userId, userName, eventTime, changeTime, kind: 'handling', value, code },
        { campaignId: optionalString(raw['OutboundServing']), ...vendor },
      ),
    );
  }
  return { events };
}

const CALL_KINDS: Readonly<Record<string, number>> = { CallIn: KIND_CALL_IN, CallOut: KIND_CALL_OUT };

function duration(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : Number.NaN;
}

/**
 * A direct contact the processor's router re-keyed from raw.sinch.contacts onto this topic (schema fields `direct*`,
 * docs/metrics.md "Direct contacts"): the contact's user, call direction, handlingDurationUser, afterworkDuration and
 * maxChangeTimestamp (the record's changeTimestamp), which the engine joins to the user's call runs.
 */
function adaptDirectContact(raw: Raw): SinchAdaptResult {
  const contactId = raw['directContactId'];
  if (typeof contactId !== 'string' || contactId === '') return { rejection: 'missing-contactId' };
  const userId = pick(raw, 'userId', 'UserId');
  if (typeof userId !== 'string' || userId === '') return { rejection: 'missing-userId' };
  const kind = CALL_KINDS[String(raw['directContactType'])];
  if (kind === undefined) return { rejection: 'not-a-call' };
  const changeTime = timestamp(pick(raw, 'changeTimestamp', 'changeTimeStamp'));
  if (Number.isNaN(changeTime)) return { rejection: 'bad-timestamp' };
  const contact: DirectContact = {
    contactId, userId, kind, changeTime, handlingMs: duration(raw['directHandlingDuration']), afterworkMs: duration(raw['directAfterworkDuration']),
  };
  return { events: [], directContacts: [contact] };
}

/** The Sinch RAI `agentStatusHistory` adapter (raw topic raw.sinch.agent-status-history). */
export const sinchAgentStatusHistoryAdapter: SourceAdapter = {
  source: 'sinch-rai',
  adapt: (record, limits) => adaptSinchRecord(record, limits),
};

import type { HandlingStatus, UserStatus } from './status.ts';
import { CODE_LOGGED_OUT } from './status.ts';

/** Dimension an event changes. User-status events order before handling events at equal times. */
export type EventKind = 'userStatus' | 'handling';

/**
 * One canonical agent state change. Vendor adapters (Sinch agentStatusHistory today; Evo Voice,
 * HostedSuite and Thulium later) produce these; everything downstream consumes only this shape.
 *
 * Contract: instances are immutable once created. `eventTime` is when the change happened,
 * `changeTime` when the source recorded it (a tie-breaker and the basis of maxChangeTimestamp).
 * Both are epoch milliseconds (UTC).
 */
export interface AgentEvent {
  readonly sessionId: string;
  readonly userId: string;
  readonly userName: string;
  readonly eventTime: number;
  readonly changeTime: number;
  readonly kind: EventKind;
  readonly value: UserStatus | HandlingStatus;
  /** Numeric code of `value` (see status.ts); negative codes are end / campaign markers. */
  readonly code: number;
  readonly profile?: string;
  readonly profileReason?: string;
  readonly profileType?: string;
  readonly campaignId?: string;
  /**
   * Where the vendor listed the source record, used only to order exact ties (equal eventTime and
   * changeTime): `vendorPoll` orders the answers (a later poll is greater) and `vendorRow` the rows
   * within one answer. Both are set or both are absent (a record of unknown position).
   */
  readonly vendorPoll?: number;
  readonly vendorRow?: number;
}

/** True when the event ends its session (user status or handling status LoggedOut). */
export function isSessionEnd(event: AgentEvent): boolean {
  return event.code === CODE_LOGGED_OUT;
}

function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/**
 * True when two events are the same change: equal kind, eventTime, changeTime and value (the
 * session is implied), whatever their vendor positions. Duplicates count once, at the position of
 * the copy that compareEvents orders first (the one the vendor listed first).
 */
export function isSameChange(a: AgentEvent, b: AgentEvent): boolean {
  return a.eventTime === b.eventTime && a.changeTime === b.changeTime && a.kind === b.kind && a.value === b.value;
}

/** True when two events have the same eventTime and changeTime (an exact tie, or a duplicate). */
export function isSameInstant(a: AgentEvent, b: AgentEvent): boolean {
  return a.eventTime === b.eventTime && a.changeTime === b.changeTime;
}

/**
 * Vendor row order: events of unknown position first, then by vendorPoll, then by vendorRow.
 * Events of one source record share a position.
 */
export function compareVendorOrder(a: AgentEvent, b: AgentEvent): number {
  const ap = a.vendorPoll;
  const bp = b.vendorPoll;
  if (ap === undefined || bp === undefined) return (ap === undefined ? 0 : 1) - (bp === undefined ? 0 : 1);
  if (ap !== bp) return ap - bp;
  return (a.vendorRow ?? 0) - (b.vendorRow ?? 0);
}

/**
 * Total order of events within a session: eventTime, changeTime, vendor row order (an exact tie
 * applies in the order the vendor listed its records), kind (userStatus first), value, then the
 * optional attributes (which only make the order of duplicate changes deterministic). Copies of one
 * change (isSameChange) need not be neighbours: they are in the same isSameInstant run.
 */
export function compareEvents(a: AgentEvent, b: AgentEvent): number {
  if (a.eventTime !== b.eventTime) return a.eventTime - b.eventTime;
  if (a.changeTime !== b.changeTime) return a.changeTime - b.changeTime;
  const vendor = compareVendorOrder(a, b);
  if (vendor !== 0) return vendor;
  if (a.kind !== b.kind) return a.kind === 'userStatus' ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return (
    compareOptional(a.profile, b.profile) ||
    compareOptional(a.profileReason, b.profileReason) ||
    compareOptional(a.profileType, b.profileType) ||
    compareOptional(a.campaignId, b.campaignId)
  );
}


/** Optional attributes of an event. */
export interface AgentEventAttributes {
  readonly profile?: string | undefined;
  readonly profileReason?: string | undefined;
  readonly profileType?: string | undefined;
  readonly campaignId?: string | undefined;
  readonly vendorPoll?: number | undefined;
  readonly vendorRow?: number | undefined;
}

/** Creates an event with every property present, so all events share one object shape. */
export function createAgentEvent(
  base: Pick<AgentEvent, 'sessionId' | 'userId' | 'userName' | 'eventTime' | 'changeTime' | 'kind' | 'value' | 'code'>,
  attributes: AgentEventAttributes = {},
): AgentEvent {
  return {
    sessionId: base.sessionId,
    userId: base.userId,
    userName: base.userName,
    eventTime: base.eventTime,
    changeTime: base.changeTime,
    kind: base.kind,
    value: base.value,
    code: base.code,
    profile: attributes.profile,
    profileReason: attributes.profileReason,
    profileType: attributes.profileType,
    campaignId: attributes.campaignId,
    vendorPoll: attributes.vendorPoll,
    vendorRow: attributes.vendorRow,
  };
}

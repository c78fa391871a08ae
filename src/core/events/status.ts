/**
 * Vendor-neutral agent status vocabulary and its numeric codes.
 *
 * Two independent dimensions describe an agent in a session: the user status (presence) and the
 * handling status (what the agent does with contacts). Every vendor adapter maps its raw states
 * onto these names; the names follow Sinch RAI because its vocabulary is the richest of the
 * supported sources. Numeric codes exist only for the hot path and are never persisted as meaning.
 */

export const USER_STATUSES = ['Ready', 'NotReady', 'Pause', 'LoggedOut'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const HANDLING_STATUSES = [
  'Waiting',
  'Preview',
  'Wrap',
  'Talking_Inbound',
  'Talking_Outbound',
  'Talking_Outbound_CBR',
  'Talking_Outbound_Campaign',
  'Chatting_Inbound',
  'Chatting_Outbound',
  'Emailing_Inbound',
  'Emailing_Outbound',
  'Dialing_Outbound',
  'Dialing_Outbound_CBR',
  'Dialing_Outbound_Campaign',
] as const;
export type WorkingHandlingStatus = (typeof HANDLING_STATUSES)[number];

/** Campaign membership markers: they change neither dimension. */
export const CAMPAIGN_JOIN = 'OBJoin';
export const CAMPAIGN_LEAVE = 'OBUnJoin';
export const LOGGED_OUT = 'LoggedOut';

export type HandlingStatus = WorkingHandlingStatus | typeof CAMPAIGN_JOIN | typeof CAMPAIGN_LEAVE | typeof LOGGED_OUT;

/** Code 0 of either dimension means "not known yet". */
export const UNKNOWN = 0;

/** Ready = 1, NotReady = 2, Pause = 3. */
export const USER_READY = 1;
export const USER_NOT_READY = 2;
export const USER_PAUSE = 3;

/** Handling codes 1..14 follow HANDLING_STATUSES order. */
export const H_WAITING = 1;
export const H_PREVIEW = 2;
export const H_WRAP = 3;
export const HANDLING_CODE_COUNT = HANDLING_STATUSES.length + 1;

/** Special codes for non-dimension handling values. */
export const CODE_LOGGED_OUT = -1;
export const CODE_CAMPAIGN_JOIN = -2;
export const CODE_CAMPAIGN_LEAVE = -3;

/** Contact kinds (afterwork attribution and handled counts). */
export const KIND_NONE = 0;
export const KIND_CALL_IN = 1;
export const KIND_CALL_OUT = 2;
export const KIND_EMAIL_IN = 3;
export const KIND_EMAIL_OUT = 4;
export const KIND_CHAT_IN = 5;
export const KIND_CHAT_OUT = 6;
export const KIND_COUNT = 7;

const USER_CODES: ReadonlyMap<string, number> = new Map([
  ['Ready', USER_READY],
  ['NotReady', USER_NOT_READY],
  ['Pause', USER_PAUSE],
  [LOGGED_OUT, CODE_LOGGED_OUT],
]);

const HANDLING_CODES: ReadonlyMap<string, number> = new Map<string, number>([
  ...HANDLING_STATUSES.map((name, i): [string, number] => [name, i + 1]),
  [LOGGED_OUT, CODE_LOGGED_OUT],
  [CAMPAIGN_JOIN, CODE_CAMPAIGN_JOIN],
  [CAMPAIGN_LEAVE, CODE_CAMPAIGN_LEAVE],
]);

/** Returns the code of a user status name, or undefined when unknown. */
export function userStatusCode(name: string): number | undefined {
  return USER_CODES.get(name);
}

/** Returns the code of a handling status name, or undefined when unknown. */
export function handlingStatusCode(name: string): number | undefined {
  return HANDLING_CODES.get(name);
}

/** Name of a user status code (1..3); 'Unknown' for 0. */
export function userStatusName(code: number): UserStatus | 'Unknown' {
  if (code === USER_READY) return 'Ready';
  if (code === USER_NOT_READY) return 'NotReady';
  if (code === USER_PAUSE) return 'Pause';
  return 'Unknown';
}

/** Name of a working handling code (1..14); 'Unknown' for 0. */
export function handlingStatusName(code: number): WorkingHandlingStatus | 'Unknown' {
  return HANDLING_STATUSES[code - 1] ?? 'Unknown';
}

function kindTable(countOnly: boolean): Int8Array {
  const table = new Int8Array(HANDLING_CODE_COUNT);
  HANDLING_STATUSES.forEach((name, i) => {
    let kind = KIND_NONE;
    if (name === 'Talking_Inbound') kind = KIND_CALL_IN;
    else if (name.startsWith('Talking_Outbound')) kind = KIND_CALL_OUT;
    else if (name.startsWith('Dialing_Outbound')) kind = countOnly ? KIND_NONE : KIND_CALL_OUT;
    else if (name === 'Emailing_Inbound') kind = KIND_EMAIL_IN;
    else if (name === 'Emailing_Outbound') kind = KIND_EMAIL_OUT;
    else if (name === 'Chatting_Inbound') kind = KIND_CHAT_IN;
    else if (name === 'Chatting_Outbound') kind = KIND_CHAT_OUT;
    table[i + 1] = kind;
  });
  return table;
}

/** Contact kind of a handling code, used for afterwork attribution (Dialing counts as CallOut). */
export const CONTACT_KIND: Readonly<Int8Array> = kindTable(false);
/** Count kind of a handling code (Dialing has none). */
export const COUNT_KIND: Readonly<Int8Array> = kindTable(true);

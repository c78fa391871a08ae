/** Thulium's agent phone statuses (`GET agents/:login/status`, public docs). */
export const THULIUM_STATUSES = ['OFF', 'FREE', 'PAUSED', 'RINGING', 'INBOUND_CALL', 'OUTBOUND_PREVIEW', 'OUTBOUND_CALL', 'CALL'] as const;
export type ThuliumStatus = (typeof THULIUM_STATUSES)[number];

/** A pause reason of the simulated tenant; Thulium has no public endpoint listing them. */
export interface PauseReason {
  readonly id: number;
  readonly name: string;
  /** Whether the work report's pause item for this id carries an `average` key (the seed shows ids 0, 3, 4 without). */
  readonly average: boolean;
}

/** The simulator's pause-reason catalogue, in the order the work report lists them. */
export const PAUSE_REASONS: readonly PauseReason[] = [
  { id: 0, name: 'Default', average: false },
  { id: 1, name: 'Break', average: true },
  { id: 2, name: 'Lunch', average: true },
  { id: 3, name: 'Training', average: false },
  { id: 4, name: 'Technical', average: false },
];

/**
 * What the agent does inside a status: FREE covers idle time, chats and tickets (the phone status does not show
 * them); OUTBOUND_CALL covers dialing and, once the callee answers, talking.
 */
export type Activity = 'off' | 'idle' | 'chat' | 'ticket' | 'paused' | 'ringing' | 'talking' | 'preview' | 'dialing' | 'internal';

/** One stretch of one agent's model, whole seconds, [start, end) epoch ms; `end` Infinity for the last (OFF). */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly status: ThuliumStatus;
  /** The pause reason while PAUSED, else null. */
  readonly pauseId: number | null;
  readonly activity: Activity;
}

/**
 * Count events of the model (the contract's vendor-level export). `ticketResponse` is every response to a ticket
 * (the first included: `ticket.total_responded`), `ticketResponded` only a ticket's first response.
 */
export const EVENT_KINDS = [
  'inboundAnswered', 'inboundNotAnswered', 'inboundTransferred', 'outboundCall', 'chatClosed', 'chatResponded',
  'ticketClosed', 'ticketResponded', 'ticketResponse', 'pauseStarted', 'login', 'logout', 'callerWait',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** An instant event of one agent; `talkSeconds` on outboundCall, `pauseId` on pauseStarted, `seconds` on callerWait. */
export interface ModelEvent {
  readonly kind: EventKind;
  readonly at: number;
  readonly talkSeconds?: number;
  readonly pauseId?: number;
  readonly seconds?: number;
}

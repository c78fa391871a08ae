/** HostedSuite interaction types (v3's ReceptionCallInteractionTypes, used by the v2 call records too). */
export const INTERACTION_TYPES = ['Answer', 'Hold', 'Retrieved', 'TransferAttempt', 'TransferCompleted', 'TransferStopped', 'Hangup'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** One interaction at an instant (epoch ms, whole seconds). */
export interface SimInteraction {
  readonly at: number;
  readonly type: InteractionType;
  readonly description: string;
}

export type CallType = 'Incoming' | 'Outgoing';

/**
 * One call of the simulated center: the model, in epoch ms (whole seconds). A missed call has `operator` null, no
 * Answer, talk 0 and ends at its Hangup after the ring. `hangupAt` = start + ring + talk + hold + transfer; the work
 * interval [hangupAt, hangupAt + workMs) follows it, and its length reaches the API only at `workRecordedAt`.
 */
export interface SimCall {
  readonly id: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly centerId: string;
  readonly type: CallType;
  readonly startAt: number;
  readonly ringMs: number;
  readonly talkMs: number;
  readonly holdMs: number;
  readonly holdCount: number;
  readonly transferMs: number;
  readonly hangupAt: number;
  readonly workMs: number;
  readonly workRecordedAt: number;
  /** The canonical operator name (the truth's agent), null for a missed call. */
  readonly operator: string | null;
  /** What AnsweredBy shows: the operator's name or its alias spelling; null for a missed call. */
  readonly answeredBy: string | null;
  readonly interactions: readonly SimInteraction[];
  readonly callerName: string;
  readonly callerNumber: string;
  readonly transferToName: string | null;
  readonly transferToNumber: string | null;
  readonly notes: string;
  readonly screenPop: string;
  readonly completedFormIds: readonly string[];
  readonly flagged: boolean;
  readonly flagNotes: string;
  readonly server: string;
}

/** The answer instant of an answered call (start + ring). */
export function answerAt(call: SimCall): number {
  return call.startAt + call.ringMs;
}

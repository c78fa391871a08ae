import { formatLocalTime } from '../../local-time.ts';
import type { SimCall } from './call-model.ts';

/** The seed's CallRecordInfo as the simulator serves it (PascalCase, every field of the DTO). */
export interface CallRecordJson {
  Id: string;
  ClientId: string;
  ClientName: string;
  CenterId: string;
  StartTime: string;
  CallerName: string;
  CallerNumber: string;
  TransferToName: string | null;
  TransferToNumber: string | null;
  Notes: string;
  DurationInSeconds: number;
  RingTimeInSeconds: number;
  HoldTimeInSeconds: number;
  HoldCount: number;
  Interactions: { StartTime: string; Type: string; Description: string }[];
  AnsweredBy: string | null;
  Server: string;
  TalkTimeInSeconds: number;
  TransferTimeInSeconds: number;
  ScreenPop: string;
  CompletedFormIds: string[];
  Flagged: boolean;
  FlagNotes: string;
  Type: string;
  WorkTimeInSeconds: number;
}

/** Whether the API lists the call at `now`: a call record exists once the call has ended (its Hangup). */
export function isListed(call: SimCall, now: number): boolean {
  return call.hangupAt <= now;
}

/** The work time the record shows at `now`: 0 until the work time is recorded, then its length. */
export function workShownAt(call: SimCall, now: number): number {
  return call.workRecordedAt <= now ? call.workMs : 0;
}

/**
 * The call's record as the API shows it at `now` (the caller checks isListed), times in `zone`'s local wall time.
 * DurationInSeconds = ring + talk + hold + transfer; a missed call has no AnsweredBy and talk 0.
 */
export function callRecordAt(call: SimCall, now: number, zone: string): CallRecordJson {
  const s = (ms: number): number => ms / 1000;
  return {
    Id: call.id,
    ClientId: call.clientId,
    ClientName: call.clientName,
    CenterId: call.centerId,
    StartTime: formatLocalTime(call.startAt, zone),
    CallerName: call.callerName,
    CallerNumber: call.callerNumber,
    TransferToName: call.transferToName,
    TransferToNumber: call.transferToNumber,
    Notes: call.notes,
    DurationInSeconds: s(call.ringMs + call.talkMs + call.holdMs + call.transferMs),
    RingTimeInSeconds: s(call.ringMs),
    HoldTimeInSeconds: s(call.holdMs),
    HoldCount: call.holdCount,
    Interactions: call.interactions.map((i) => ({ StartTime: formatLocalTime(i.at, zone), Type: i.type, Description: i.description })),
    AnsweredBy: call.answeredBy,
    Server: call.server,
    TalkTimeInSeconds: s(call.talkMs),
    TransferTimeInSeconds: s(call.transferMs),
    ScreenPop: call.screenPop,
    CompletedFormIds: [...call.completedFormIds],
    Flagged: call.flagged,
    FlagNotes: call.flagNotes,
    Type: call.type,
    WorkTimeInSeconds: s(workShownAt(call, now)),
  };
}

import { DateTime } from 'luxon';
import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { CallType, SimCall, SimInteraction } from './call-model.ts';
import type { Operator } from './operators.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface SimClient {
  readonly id: string;
  readonly name: string;
}

export interface CallCenterOptions {
  readonly seed: number;
  readonly operators: readonly Operator[];
  /** The simulated range [from, to), epoch ms: calls start and finish their work inside it. */
  readonly from: number;
  readonly to: number;
  /** IANA zone of the center: shifts follow its local time (DST included) and the API renders times in it. */
  readonly zone: string;
  /** Share of work times that reach the API late, 30–120 minutes after the work ended (a supervisor's later edit). */
  readonly lateWorkShare: number;
}

const CLIENT_NAMES = ['Acme Plumbing', 'Bright Dental', 'Harbor Law Group', 'Summit Realty', 'Northside Vet Clinic'];
const CALLERS = ['John Doe', 'Jane Roe', 'Pat Miller', 'Sam Lee', 'Alex Novak', 'Chris Park', 'Dana White', 'Unknown Caller'];
const NOTES = ['', '', 'Left message for client', 'Caller asked for a call back', 'Booked appointment', 'Urgent: leak in basement'];

/** The center's clients (ids are MongoDB-like ObjectIds) and its one center id. */
export function clientsOf(seed: number): { clients: SimClient[]; centerId: string } {
  const prng = new Prng(deriveSeed(seed, 'clients'));
  return { clients: CLIENT_NAMES.map((name) => ({ id: prng.hex(24), name })), centerId: prng.hex(24) };
}

function phone(prng: Prng): string {
  return `+1${prng.int(200, 989)}${prng.int(200, 999)}${String(prng.int(0, 9999)).padStart(4, '0')}`;
}

/** Splits `total` whole seconds into `parts` pieces of at least 5 s each (total ≥ 5·parts). */
function split(prng: Prng, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => 0.2 + prng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - 5 * parts;
  const pieces = weights.map((w) => 5 + Math.floor((spare * w) / sum));
  pieces[pieces.length - 1] = (pieces[pieces.length - 1] ?? 0) + total - pieces.reduce((a, b) => a + b, 0);
  return pieces;
}

interface Draft {
  readonly type: CallType;
  readonly ringS: number;
  readonly talkS: number;
  readonly holdsS: readonly number[];
  readonly transfer: { readonly seconds: number; readonly completed: boolean } | null;
}

function draftCall(prng: Prng): Draft {
  const type: CallType = prng.chance(0.8) ? 'Incoming' : 'Outgoing';
  const ringS = type === 'Incoming' ? prng.int(3, 25) : prng.int(5, 30);
  const holdCount = prng.weighted([65, 25, 10]);
  const holdsS = Array.from({ length: holdCount }, () => prng.int(10, 90));
  const transfer = type === 'Incoming' && prng.chance(0.2) ? { seconds: prng.int(10, 60), completed: prng.chance(0.7) } : null;
  const talkS = Math.max(30, prng.logNormal(150, 0.7, 30, 900));
  return { type, ringS, talkS, holdsS, transfer };
}

/**
 * Lays a drafted call out from its answer: talk, then (hold, talk) per hold, then a transfer attempt that either
 * completes (the operator's leg ends there) or is stopped (talk resumes). Returns the interactions after Answer
 * up to Hangup and the hang-up instant.
 */
function layout(draft: Draft, answer: number, transferTo: string): { interactions: SimInteraction[]; hangup: number } {
  const talkPieces = split(new Prng(answer), draft.talkS, 1 + draft.holdsS.length + (draft.transfer !== null && !draft.transfer.completed ? 1 : 0));
  const interactions: SimInteraction[] = [{ at: answer, type: 'Answer', description: 'Call answered' }];
  let t = answer + (talkPieces[0] ?? 0) * SECOND;
  draft.holdsS.forEach((hold, i) => {
    interactions.push({ at: t, type: 'Hold', description: 'Caller placed on hold' });
    t += hold * SECOND;
    interactions.push({ at: t, type: 'Retrieved', description: 'Caller retrieved from hold' });
    t += (talkPieces[i + 1] ?? 0) * SECOND;
  });
  if (draft.transfer !== null) {
    interactions.push({ at: t, type: 'TransferAttempt', description: `Transfer to ${transferTo}` });
    t += draft.transfer.seconds * SECOND;
    if (draft.transfer.completed) {
      interactions.push({ at: t, type: 'TransferCompleted', description: `Transferred to ${transferTo}` });
    } else {
      interactions.push({ at: t, type: 'TransferStopped', description: 'Transfer not accepted' });
      t += (talkPieces[talkPieces.length - 1] ?? 0) * SECOND;
    }
  }
  interactions.push({ at: t, type: 'Hangup', description: 'Call ended' });
  return { interactions, hangup: t };
}

/** The local days of `zone` that overlap [from, to), as their local midnights (epoch ms). */
function localDays(from: number, to: number, zone: string): number[] {
  const days: number[] = [];
  for (let day = DateTime.fromMillis(from, { zone }).startOf('day'); day.toMillis() < to; day = day.plus({ days: 1 })) days.push(day.toMillis());
  return days;
}

/**
 * Every call of the simulated range, by start then id: each operator works one shift per local day (about 08:00 to
 * 16:30 local) and takes calls back to back with idle gaps, never overlapping (the next call starts after the
 * previous one's work); missed calls ring at the center without an operator. Deterministic in the options.
 */
export function generateCalls(options: CallCenterOptions): SimCall[] {
  const { seed, from, to, zone } = options;
  const { clients, centerId } = clientsOf(seed);
  const calls: SimCall[] = [];
  for (const day of localDays(from, to, zone)) {
    const dayText = DateTime.fromMillis(day, { zone }).toISODate() ?? '';
    for (const operator of options.operators) {
      const prng = new Prng(deriveSeed(seed, 'shift', operator.name, dayText));
      const shiftStart = DateTime.fromMillis(day, { zone }).set({ hour: 8 }).plus({ minutes: prng.int(-30, 60) }).toMillis();
      const shiftEnd = shiftStart + prng.int(7 * 60, 9 * 60) * MINUTE;
      let t = Math.max(shiftStart, Math.ceil(from / SECOND) * SECOND);
      for (;;) {
        const start = t + Math.max(5, Math.round(prng.exponential(1 / 240))) * SECOND;
        if (start >= shiftEnd) break;
        const draft = draftCall(prng);
        const client = prng.pick(clients);
        const transferTo = `${client.name} desk`;
        const { interactions, hangup } = layout(draft, start + draft.ringS * SECOND, transferTo);
        const workMs = prng.chance(0.7) ? prng.int(10, 240) * SECOND : 0;
        const late = prng.chance(options.lateWorkShare);
        const workRecordedAt = hangup + workMs + (late ? prng.int(30, 120) * MINUTE : 0);
        const aliased = operator.alias !== null && prng.chance(operator.aliasShare);
        const hasForm = prng.chance(0.4);
        const flagged = prng.chance(0.05);
        const id = prng.hex(24);
        const callerName = prng.pick(CALLERS);
        const callerNumber = phone(prng);
        const notes = prng.pick(NOTES);
        const formId = prng.hex(24);
        const transferNumber = phone(prng);
        t = hangup + workMs;
        if (t >= to) break;
        calls.push({
          id, clientId: client.id, clientName: client.name, centerId, type: draft.type, startAt: start, ringMs: draft.ringS * SECOND,
          talkMs: draft.talkS * SECOND, holdMs: draft.holdsS.reduce((a, b) => a + b, 0) * SECOND, holdCount: draft.holdsS.length,
          transferMs: (draft.transfer?.seconds ?? 0) * SECOND, hangupAt: hangup, workMs, workRecordedAt, operator: operator.name,
          answeredBy: aliased ? operator.alias : operator.name, interactions, callerName, callerNumber,
          transferToName: draft.transfer === null ? null : transferTo, transferToNumber: draft.transfer === null ? null : transferNumber,
          notes, screenPop: `https://crm.example.com/pop?number=${encodeURIComponent(callerNumber)}`, completedFormIds: hasForm ? [formId] : [],
          flagged, flagNotes: flagged ? 'Caller was upset' : '', server: 'hs-sim-1',
        });
      }
    }
    const missed = new Prng(deriveSeed(seed, 'missed', dayText));
    const open = DateTime.fromMillis(day, { zone }).set({ hour: 8 }).toMillis();
    const close = DateTime.fromMillis(day, { zone }).set({ hour: 17 }).toMillis();
    for (let t = open + Math.round(missed.exponential(1 / 1200)) * SECOND; t < close; t += Math.max(60, Math.round(missed.exponential(1 / 1200))) * SECOND) {
      const ringMs = missed.int(20, 60) * SECOND;
      if (t < from || t + ringMs >= to) continue;
      const client = missed.pick(clients);
      const id = missed.hex(24);
      const callerNumber = phone(missed);
      calls.push({
        id, clientId: client.id, clientName: client.name, centerId, type: 'Incoming', startAt: t, ringMs, talkMs: 0, holdMs: 0, holdCount: 0, transferMs: 0,
        hangupAt: t + ringMs, workMs: 0, workRecordedAt: t + ringMs, operator: null, answeredBy: null,
        interactions: [{ at: t + ringMs, type: 'Hangup', description: 'Caller hung up before answer' }], callerName: missed.pick(CALLERS), callerNumber,
        transferToName: null, transferToNumber: null, notes: '', screenPop: '', completedFormIds: [], flagged: false, flagNotes: '', server: 'hs-sim-1',
      });
    }
  }
  return calls.sort((a, b) => a.startAt - b.startAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

import type { Prng } from '../../../../core/random/prng.ts';
import type { WorkSession } from './shift-plan.ts';
import type { Activity, ModelEvent, Segment, ThuliumStatus } from './statuses.ts';

const S = 1_000;
const MINUTE = 60 * S;
const HOUR = 60 * MINUTE;

/** A piece of an activity relative to its start: `offset`/`duration` in ms, whole seconds. */
interface Piece {
  readonly status: ThuliumStatus;
  readonly pauseId: number | null;
  readonly activity: Activity;
  readonly duration: number;
}

/** An activity between two idle FREE stretches: its pieces and its events (`at` relative to its start). */
interface Plan {
  readonly pieces: readonly Piece[];
  readonly events: readonly ModelEvent[];
}

const KINDS = ['inbound', 'outbound', 'chat', 'ticket', 'pause', 'internal'] as const;
const KIND_WEIGHTS = [0.36, 0.2, 0.13, 0.11, 0.14, 0.06];
/** Pause reasons drawn for ordinary pauses (2, lunch, is taken once per session). */
const PAUSE_IDS = [0, 1, 3, 4] as const;
const PAUSE_WEIGHTS = [0.3, 0.4, 0.1, 0.2];

function seconds(rng: Prng, min: number, max: number): number {
  return rng.int(min, max) * S;
}

function piece(status: ThuliumStatus, activity: Activity, duration: number, pauseId: number | null = null): Piece {
  return { status, pauseId, activity, duration };
}

function inbound(rng: Prng): Plan {
  const wait = rng.int(3, 240);
  const ring = seconds(rng, 2, 25);
  if (!rng.chance(0.85)) return { pieces: [piece('RINGING', 'ringing', ring)], events: [{ kind: 'inboundNotAnswered', at: ring }] };
  const talk = rng.logNormal(200, 0.7, 15, 1_500) * S;
  const events: ModelEvent[] = [{ kind: 'inboundAnswered', at: ring }, { kind: 'callerWait', at: ring, seconds: wait + ring / S }];
  if (rng.chance(0.12)) events.push({ kind: 'inboundTransferred', at: ring });
  return { pieces: [piece('RINGING', 'ringing', ring), piece('INBOUND_CALL', 'talking', talk)], events };
}

function outbound(rng: Prng): Plan {
  const pieces: Piece[] = rng.chance(0.35) ? [piece('OUTBOUND_PREVIEW', 'preview', seconds(rng, 5, 90))] : [];
  const dial = seconds(rng, 3, 35);
  const before = pieces.reduce((sum, p) => sum + p.duration, 0) + dial;
  pieces.push(piece('OUTBOUND_CALL', 'dialing', dial));
  const talk = rng.chance(0.7) ? rng.logNormal(150, 0.9, 1, 1_800) * S : 0;
  if (talk > 0) pieces.push(piece('OUTBOUND_CALL', 'talking', talk));
  return { pieces, events: [{ kind: 'outboundCall', at: before, talkSeconds: talk / S }] };
}

function chat(rng: Prng): Plan {
  const duration = seconds(rng, 90, 900);
  const events: ModelEvent[] = [{ kind: 'chatResponded', at: seconds(rng, 5, 60) }];
  if (rng.chance(0.9)) events.push({ kind: 'chatClosed', at: duration });
  return { pieces: [piece('FREE', 'chat', duration)], events };
}

function ticket(rng: Prng): Plan {
  const duration = seconds(rng, 60, 600);
  const events: ModelEvent[] = [];
  const responses = rng.weighted([0.15, 0.6, 0.25]);
  let at = 0;
  for (let i = 0; i < responses; i++) {
    at += seconds(rng, 20, Math.max(21, Math.floor(duration / S / (responses + 1))));
    if (at >= duration) break;
    if (i === 0) events.push({ kind: 'ticketResponded', at });
    events.push({ kind: 'ticketResponse', at });
  }
  if (rng.chance(0.7)) events.push({ kind: 'ticketClosed', at: duration });
  return { pieces: [piece('FREE', 'ticket', duration)], events };
}

function pause(pauseId: number, duration: number): Plan {
  return { pieces: [piece('PAUSED', 'paused', duration, pauseId)], events: [{ kind: 'pauseStarted', at: 0, pauseId }] };
}

function activity(rng: Prng): Plan {
  switch (KINDS[rng.weighted(KIND_WEIGHTS)] ?? 'inbound') {
    case 'inbound': return inbound(rng);
    case 'outbound': return outbound(rng);
    case 'chat': return chat(rng);
    case 'ticket': return ticket(rng);
    case 'pause': return pause(PAUSE_IDS[rng.weighted(PAUSE_WEIGHTS)] ?? 0, rng.logNormal(240, 0.8, 20, 1_500) * S);
    default: return { pieces: [piece('CALL', 'internal', seconds(rng, 20, 420))], events: [] };
  }
}

/**
 * One session's segments and events: login at the start, FREE, then activities separated by idle FREE stretches,
 * a lunch pause (id 2) 3.5–4.5 h in; an activity that would not end before the session's end is not begun (the
 * agent stays FREE and logs out at the end). Every boundary is on a whole second.
 */
export function sessionTimeline(rng: Prng, session: WorkSession): { segments: Segment[]; events: ModelEvent[] } {
  const segments: Segment[] = [];
  const events: ModelEvent[] = [{ kind: 'login', at: session.start }];
  const lunchAt = session.start + Math.floor(rng.uniform(3.5 * HOUR, 4.5 * HOUR));
  let lunched = false;
  let t = session.start;
  let idleFrom = t;
  for (;;) {
    t += Math.max(1, Math.round(rng.exponential(1 / 75))) * S;
    if (t >= session.end) break;
    const lunchNow: boolean = !lunched && t >= lunchAt;
    const plan = lunchNow ? pause(2, seconds(rng, 25 * 60, 35 * 60)) : activity(rng);
    const length = plan.pieces.reduce((sum, p) => sum + p.duration, 0);
    if (t + length >= session.end) break;
    lunched ||= lunchNow;
    segments.push({ start: idleFrom, end: t, status: 'FREE', pauseId: null, activity: 'idle' });
    for (const event of plan.events) events.push({ ...event, at: t + event.at });
    for (const p of plan.pieces) {
      segments.push({ start: t, end: t + p.duration, status: p.status, pauseId: p.pauseId, activity: p.activity });
      t += p.duration;
    }
    idleFrom = t;
  }
  segments.push({ start: idleFrom, end: session.end, status: 'FREE', pauseId: null, activity: 'idle' });
  events.push({ kind: 'logout', at: session.end });
  return { segments, events };
}

import type { AgentTimeline } from '../model/thulium-world.ts';
import { lowerBound } from '../model/thulium-world.ts';
import { PAUSE_REASONS } from '../model/statuses.ts';

/** A count and a duration in whole seconds. */
export interface Tally {
  count: number;
  seconds: number;
}

/** One agent's figures over one period, before rendering. */
export interface Figures {
  answered: number;
  notAnswered: number;
  transferred: number;
  inboundSeconds: number;
  waitSeconds: number;
  loggedSeconds: number;
  chatClosed: number;
  chatResponded: number;
  ticketClosed: number;
  ticketResponded: number;
  ticketResponses: number;
  above: Tally;
  below: Tally;
  loginAt: number | null;
  logoutAt: number | null;
  allPauses: Tally;
  free: Tally;
  /** By pause reason id, every catalogued id present. */
  pauses: Map<number, Tally>;
}

function emptyFigures(): Figures {
  return {
    answered: 0, notAnswered: 0, transferred: 0, inboundSeconds: 0, waitSeconds: 0, loggedSeconds: 0,
    chatClosed: 0, chatResponded: 0, ticketClosed: 0, ticketResponded: 0, ticketResponses: 0,
    above: { count: 0, seconds: 0 }, below: { count: 0, seconds: 0 }, loginAt: null, logoutAt: null,
    allPauses: { count: 0, seconds: 0 }, free: { count: 0, seconds: 0 },
    pauses: new Map(PAUSE_REASONS.map((r) => [r.id, { count: 0, seconds: 0 }])),
  };
}

function addTime(f: Figures, timeline: AgentTimeline, a: number, b: number, threshold: number): void {
  for (let i = lowerBound(timeline.segments, a + 1, (s) => s.end); i < timeline.segments.length; i++) {
    const s = timeline.segments[i];
    if (s === undefined || s.start >= b) break;
    const seconds = (Math.min(s.end, b) - Math.max(s.start, a)) / 1_000;
    if (s.status !== 'OFF') f.loggedSeconds += seconds;
    if (s.status === 'FREE') f.free.seconds += seconds;
    if (s.status === 'INBOUND_CALL') f.inboundSeconds += seconds;
    if (s.status === 'PAUSED') {
      f.allPauses.seconds += seconds;
      const reason = f.pauses.get(s.pauseId ?? -1);
      if (reason !== undefined) reason.seconds += seconds;
    }
    if (s.status === 'OUTBOUND_CALL' && s.activity === 'talking') ((s.end - s.start) / 1_000 > threshold ? f.above : f.below).seconds += seconds;
  }
  for (let i = lowerBound(timeline.runs, a, (r) => r.start); i < timeline.runs.length; i++) {
    const run = timeline.runs[i];
    if (run === undefined || run.start >= b) break;
    if (run.status === 'FREE') f.free.count += 1;
  }
}

function addEvents(f: Figures, timeline: AgentTimeline, a: number, b: number, threshold: number): void {
  for (let i = lowerBound(timeline.events, a, (e) => e.at); i < timeline.events.length; i++) {
    const e = timeline.events[i];
    if (e === undefined || e.at >= b) break;
    switch (e.kind) {
      case 'inboundAnswered': f.answered += 1; break;
      case 'inboundNotAnswered': f.notAnswered += 1; break;
      case 'inboundTransferred': f.transferred += 1; break;
      case 'callerWait': f.waitSeconds += e.seconds ?? 0; break;
      case 'outboundCall': ((e.talkSeconds ?? 0) > threshold ? f.above : f.below).count += 1; break;
      case 'chatClosed': f.chatClosed += 1; break;
      case 'chatResponded': f.chatResponded += 1; break;
      case 'ticketClosed': f.ticketClosed += 1; break;
      case 'ticketResponded': f.ticketResponded += 1; break;
      case 'ticketResponse': f.ticketResponses += 1; break;
      case 'login': f.loginAt ??= e.at; break;
      case 'logout': f.logoutAt = e.at; break;
      case 'pauseStarted': {
        f.allPauses.count += 1;
        const reason = f.pauses.get(e.pauseId ?? -1);
        if (reason !== undefined) reason.count += 1;
        break;
      }
    }
  }
}

/**
 * The agent's figures over `spans` (in time order) as known at `now`, nothing before `visibleFrom` (the model's
 * start): durations are the time in each state inside the spans (clipped at their edges), counts the events whose
 * instant is inside. Outbound calls are above the threshold when their talk seconds exceed it.
 */
export function figuresOf(timeline: AgentTimeline, spans: ReadonlyArray<readonly [number, number]>, visibleFrom: number, now: number, threshold: number): Figures {
  const f = emptyFigures();
  for (const [start, end] of spans) {
    const a = Math.max(start, visibleFrom);
    const b = Math.min(end, now);
    if (b <= a) continue;
    addTime(f, timeline, a, b, threshold);
    addEvents(f, timeline, a, b, threshold);
  }
  return f;
}

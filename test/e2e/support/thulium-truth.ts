/**
 * Quarter-hour figures of a Thulium tenant computed from the simulator's VENDOR MODEL export (`<FILE>.thulium.ndjson`
 * beside `--export-truth FILE`: status runs and count events stated by the model), for the end-to-end check. Written
 * from docs/vendors/thulium-contract.md and docs/metrics.md (Thulium column), sharing no code with src/core, the
 * pipeline's adapter or the simulator's report code.
 *
 * Per agent and UTC quarter-hour [k·900000, (k+1)·900000) (whole seconds: every model change is on a second):
 *   pauseDuration          ms in status PAUSED                 freeDuration    ms in status FREE
 *   callInDuration         ms in status INBOUND_CALL
 *   callOutDuration        ms of outbound talk: each outboundCall event talks [at, at + talkSeconds)
 *   countOfHandledCallIn   inboundAnswered events              countOfHandledCallOut  outboundCall events with talkSeconds > 0
 *   countOfHandledChatIn   chatClosed events                   countOfHandledEmailIn  ticketClosed events
 * and the extras the pipeline keeps: per pause id the PAUSED ms (`pauseReason<id>Duration`), and outbound attempts
 * without talk (`outboundBelowThresholdCount`). Time still running at `now` counts up to `now`.
 */

export interface StatusLine {
  readonly type: 'status';
  readonly agentId: string;
  readonly start: string;
  readonly end: string | null;
  readonly status: string;
  readonly pauseId: number | null;
}

export interface EventLine {
  readonly type: 'event';
  readonly agentId: string;
  readonly kind: string;
  readonly at: string;
  readonly talkSeconds?: number;
  readonly pauseId?: number;
  readonly seconds?: number;
}

export type VendorLine = StatusLine | EventLine;

export const THULIUM_KNOWN = [
  'pauseDuration', 'freeDuration', 'callInDuration', 'callOutDuration', 'countOfHandledCallIn', 'countOfHandledCallOut', 'countOfHandledChatIn', 'countOfHandledEmailIn',
] as const;
export type ThuliumField = (typeof THULIUM_KNOWN)[number];

export interface ThuliumQuarter {
  readonly values: Record<ThuliumField, number>;
  readonly extras: Record<string, number>;
}

const QUARTER = 900_000;

function empty(): ThuliumQuarter {
  return { values: Object.fromEntries(THULIUM_KNOWN.map((f) => [f, 0])) as Record<ThuliumField, number>, extras: {} };
}

/** Adds `amount` to `field` of every quarter-hour that [from, to) overlaps, split at the quarter-hours. */
function spread(out: Map<string, ThuliumQuarter>, agent: string, from: number, to: number, add: (q: ThuliumQuarter, ms: number) => void): void {
  for (let at = from; at < to; ) {
    const start = Math.floor(at / QUARTER) * QUARTER;
    const end = Math.min(to, start + QUARTER);
    const key = `${agent}|${new Date(start).toISOString()}`;
    const q = out.get(key) ?? empty();
    add(q, end - at);
    out.set(key, q);
    at = end;
  }
}

function at(out: Map<string, ThuliumQuarter>, agent: string, time: number, add: (q: ThuliumQuarter) => void): void {
  const key = `${agent}|${new Date(Math.floor(time / QUARTER) * QUARTER).toISOString()}`;
  const q = out.get(key) ?? empty();
  add(q);
  out.set(key, q);
}

/** `agentId|intervalStart (ISO)` → the figures; `now` closes the runs still open. */
export function thuliumQuarters(lines: readonly VendorLine[], now: number): Map<string, ThuliumQuarter> {
  const out = new Map<string, ThuliumQuarter>();
  for (const line of lines) {
    if (line.type === 'status') {
      const from = Date.parse(line.start);
      const to = line.end === null ? now : Date.parse(line.end);
      if (line.status === 'PAUSED') {
        const reason = `pauseReason${String(line.pauseId)}Duration`;
        spread(out, line.agentId, from, to, (q, ms) => {
          q.values.pauseDuration += ms;
          q.extras[reason] = (q.extras[reason] ?? 0) + ms;
        });
      } else if (line.status === 'FREE') spread(out, line.agentId, from, to, (q, ms) => (q.values.freeDuration += ms));
      else if (line.status === 'INBOUND_CALL') spread(out, line.agentId, from, to, (q, ms) => (q.values.callInDuration += ms));
      continue;
    }
    const time = Date.parse(line.at);
    switch (line.kind) {
      case 'outboundCall': {
        const talk = (line.talkSeconds ?? 0) * 1000;
        spread(out, line.agentId, time, Math.min(time + talk, now), (q, ms) => (q.values.callOutDuration += ms));
        at(out, line.agentId, time, (q) => {
          if (talk > 0) q.values.countOfHandledCallOut++;
          else q.extras['outboundBelowThresholdCount'] = (q.extras['outboundBelowThresholdCount'] ?? 0) + 1;
        });
        break;
      }
      case 'inboundAnswered':
        at(out, line.agentId, time, (q) => q.values.countOfHandledCallIn++);
        break;
      case 'chatClosed':
        at(out, line.agentId, time, (q) => q.values.countOfHandledChatIn++);
        break;
      case 'ticketClosed':
        at(out, line.agentId, time, (q) => q.values.countOfHandledEmailIn++);
        break;
      default:
    }
  }
  return out;
}

/** True when a quarter-hour has a non-zero known figure (the pipeline publishes no row for an idle one). */
export function quarterHasContent(q: ThuliumQuarter): boolean {
  return THULIUM_KNOWN.some((f) => q.values[f] !== 0);
}

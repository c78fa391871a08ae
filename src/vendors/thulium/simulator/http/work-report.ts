import type { ThuliumWorld } from '../model/thulium-world.ts';
import { PAUSE_REASONS } from '../model/statuses.ts';
import { formatLocal } from './local-time.ts';
import { reportBuckets } from './report-buckets.ts';
import type { Figures, Tally } from './report-figures.ts';
import { figuresOf } from './report-figures.ts';
import type { WorkReportRequest } from './report-request.ts';

/** `HH:MM:SS` with unbounded hours (`123:45:06`). */
export function hms(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3_600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** sum / count rounded to whole seconds, `00:00:00` when count is 0. */
function average(seconds: number, count: number): string {
  return count === 0 ? '00:00:00' : hms(Math.round(seconds / count));
}

function tally({ count, seconds }: Tally): { count: number; sum: string; average: string } {
  return { count, sum: hms(seconds), average: average(seconds, count) };
}

/** One row, keys in the seed's order. */
function renderRow(agent: { login: string; name: string; surname: string }, period: string, f: Figures, zone: string): Record<string, unknown> {
  return {
    agent: { login: agent.login, name: agent.name, surname: agent.surname },
    period,
    inbound: {
      count: f.answered + f.notAnswered,
      answered_count: f.answered,
      not_answered_count: f.notAnswered,
      transferred_count: f.transferred,
      sum: hms(f.inboundSeconds),
      average: average(f.inboundSeconds, f.answered),
      wait_sum: f.waitSeconds,
      wait_average: average(f.waitSeconds, f.answered),
      calls_per_hour: f.loggedSeconds === 0 ? 0 : Math.round((f.answered * 3_600 * 100) / f.loggedSeconds) / 100,
    },
    chat: { closed: f.chatClosed, responded: f.chatResponded },
    ticket: { closed: f.ticketClosed, responded: f.ticketResponded, total_responded: f.ticketResponses },
    outbound_above_threshold: tally(f.above),
    outbound_below_threshold: tally(f.below),
    login_date: f.loginAt === null ? null : formatLocal(f.loginAt, zone),
    logout_date: f.logoutAt === null ? null : formatLocal(f.logoutAt, zone),
    pauses: [
      { id: 'all', ...tally(f.allPauses) },
      { id: 'free', ...tally(f.free) },
      ...PAUSE_REASONS.map((reason) => {
        const item = tally(f.pauses.get(reason.id) ?? { count: 0, seconds: 0 });
        return reason.average ? { id: reason.id, ...item } : { id: reason.id, count: item.count, sum: item.sum };
      }),
    ],
  };
}

/**
 * The page of `GET agents_work_report` at simulated time `now`: one row per selected agent per period (all-zero rows
 * included), ordered by login, then period; `offset`/`limit` slice that order. Only the page's rows are computed.
 */
export function workReportPage(world: ThuliumWorld, request: WorkReportRequest, now: number): Array<Record<string, unknown>> {
  const zone = world.options.zone;
  const buckets = reportBuckets(request.aggregateBy, request.from, request.to, zone);
  const timelines = world.timelines.filter((t) => request.logins.includes(t.agent.login));
  const total = timelines.length * buckets.length;
  const rows: Array<Record<string, unknown>> = [];
  for (let index = request.offset; index < Math.min(total, request.offset + request.limit); index++) {
    const timeline = timelines[Math.floor(index / buckets.length)];
    const bucket = buckets[index % buckets.length];
    if (timeline === undefined || bucket === undefined) break;
    const figures = figuresOf(timeline, bucket.spans, world.options.from, now, request.outboundThreshold);
    rows.push(renderRow(timeline.agent, bucket.label, figures, zone));
  }
  return rows;
}

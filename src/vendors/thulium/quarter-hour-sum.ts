import { instantsOfLabel, QUARTER_HOUR } from './local-time.ts';
import type { WorkReportRow } from './work-report-row.ts';
import { durationSeconds } from './work-report-row.ts';

const MINUTE = 60_000;

/** One minute row with the instant its period label was resolved to (by position, see resolveMinuteLabels). */
export interface ResolvedMinuteRow {
  readonly minuteStart: number;
  readonly row: WorkReportRow;
}

/** A count and a duration (seconds) summed over minutes. */
export interface CountedSum {
  readonly count: number;
  readonly seconds: number;
}

/**
 * One agent's figures of one UTC quarter-hour, summed over its minute rows. Averages and `calls_per_hour` are not
 * summable and are left out (recompute them from sums and counts). `loginAt`/`logoutAt` are the first login and
 * the last logout inside the quarter-hour (epoch ms), null when none.
 */
export interface QuarterHourFigures {
  readonly start: number;
  readonly end: number;
  readonly minutes: number;
  readonly inbound: { readonly count: number; readonly answered: number; readonly notAnswered: number; readonly transferred: number; readonly seconds: number; readonly waitSeconds: number };
  readonly chat: { readonly closed: number; readonly responded: number };
  readonly ticket: { readonly closed: number; readonly responded: number; readonly totalResponded: number };
  readonly outboundAbove: CountedSum;
  readonly outboundBelow: CountedSum;
  /** Pause items by id (`all`, `free`, and numeric reason ids as text). */
  readonly pauses: ReadonlyMap<string, CountedSum>;
  readonly loginAt: number | null;
  readonly logoutAt: number | null;
}

/** Why minute rows cannot be summed. */
export class QuarterHourSumError extends Error {}

function secondsOf(text: string, where: string): number {
  const s = durationSeconds(text);
  if (s === undefined) throw new QuarterHourSumError(`${where}: ${JSON.stringify(text)} is not a duration HH:MM:SS`);
  return s;
}

/** The instant of a `login_date`/`logout_date` label inside its row's minute [minuteStart, minuteStart + 1 min). */
function instantInMinute(label: string, minuteStart: number, zone: string, where: string): number {
  const instant = instantsOfLabel(label, zone).find((t) => t >= minuteStart && t < minuteStart + MINUTE);
  if (instant === undefined) throw new QuarterHourSumError(`${where}: ${JSON.stringify(label)} is not inside the row's minute`);
  return instant;
}

/**
 * Sums one agent's minute rows of one UTC quarter-hour [start, start + 15 min). Every row's minute must lie in that
 * quarter-hour and appear once; throws {@link QuarterHourSumError} otherwise or for a duration that is no `HH:MM:SS`.
 */
export function sumQuarterHour(start: number, rows: readonly ResolvedMinuteRow[], zone: string): QuarterHourFigures {
  const end = start + QUARTER_HOUR;
  const inbound = { count: 0, answered: 0, notAnswered: 0, transferred: 0, seconds: 0, waitSeconds: 0 };
  const chat = { closed: 0, responded: 0 };
  const ticket = { closed: 0, responded: 0, totalResponded: 0 };
  const above = { count: 0, seconds: 0 };
  const below = { count: 0, seconds: 0 };
  const pauses = new Map<string, { count: number; seconds: number }>();
  const seen = new Set<number>();
  let loginAt: number | null = null;
  let logoutAt: number | null = null;
  for (const { minuteStart, row } of rows) {
    const where = `minute ${new Date(minuteStart).toISOString()}`;
    if (minuteStart < start || minuteStart >= end || minuteStart % MINUTE !== 0) throw new QuarterHourSumError(`${where} is not a minute of the quarter-hour ${new Date(start).toISOString()}`);
    if (seen.has(minuteStart)) throw new QuarterHourSumError(`${where} appears twice`);
    seen.add(minuteStart);
    inbound.count += row.inbound.count;
    inbound.answered += row.inbound.answered_count;
    inbound.notAnswered += row.inbound.not_answered_count;
    inbound.transferred += row.inbound.transferred_count;
    inbound.seconds += secondsOf(row.inbound.sum, `${where} inbound.sum`);
    inbound.waitSeconds += row.inbound.wait_sum;
    chat.closed += row.chat.closed;
    chat.responded += row.chat.responded;
    ticket.closed += row.ticket.closed;
    ticket.responded += row.ticket.responded;
    ticket.totalResponded += row.ticket.total_responded;
    above.count += row.outbound_above_threshold.count;
    above.seconds += secondsOf(row.outbound_above_threshold.sum, `${where} outbound_above_threshold.sum`);
    below.count += row.outbound_below_threshold.count;
    below.seconds += secondsOf(row.outbound_below_threshold.sum, `${where} outbound_below_threshold.sum`);
    for (const pause of row.pauses) {
      const id = String(pause.id);
      const total = pauses.get(id) ?? { count: 0, seconds: 0 };
      total.count += pause.count;
      total.seconds += secondsOf(pause.sum, `${where} pauses[${id}].sum`);
      pauses.set(id, total);
    }
    if (row.login_date !== null) {
      const at = instantInMinute(row.login_date, minuteStart, zone, `${where} login_date`);
      if (loginAt === null || at < loginAt) loginAt = at;
    }
    if (row.logout_date !== null) {
      const at = instantInMinute(row.logout_date, minuteStart, zone, `${where} logout_date`);
      if (logoutAt === null || at > logoutAt) logoutAt = at;
    }
  }
  return { start, end, minutes: seen.size, inbound, chat, ticket, outboundAbove: above, outboundBelow: below, pauses, loginAt, logoutAt };
}

/** Groups resolved minute rows by the UTC quarter-hour they fall in, in time order. */
export function byQuarterHour<T extends { readonly minuteStart: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of [...rows].sort((a, b) => a.minuteStart - b.minuteStart)) {
    const start = Math.floor(row.minuteStart / QUARTER_HOUR) * QUARTER_HOUR;
    const list = out.get(start) ?? [];
    list.push(row);
    out.set(start, list);
  }
  return out;
}

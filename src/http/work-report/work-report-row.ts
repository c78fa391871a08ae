import type { PublishedMetrics } from '../../core/statistic/published-metrics.ts';

/** A duration as Thulium writes it: `HH:MM:SS`, hours unbounded (`123:04:05`). */
export type ThuliumDuration = string;

export interface WorkReportPause {
  readonly id: 'all' | 'free';
  readonly count: number | null;
  readonly sum: ThuliumDuration | null;
  readonly average: ThuliumDuration | null;
}

/** One row of Thulium's `agents_work_report`, keys in Thulium's order (seed 002). null = unknown to agent-timelines. */
export interface WorkReportRow {
  readonly agent: { readonly login: string; readonly name: string | null; readonly surname: null };
  readonly period: string;
  readonly inbound: {
    readonly count: null;
    readonly answered_count: number | null;
    readonly not_answered_count: null;
    readonly transferred_count: null;
    readonly sum: ThuliumDuration | null;
    readonly average: ThuliumDuration | null;
    readonly wait_sum: null;
    readonly wait_average: null;
    readonly calls_per_hour: null;
  };
  readonly chat: { readonly closed: number | null; readonly responded: null };
  readonly ticket: { readonly closed: number | null; readonly responded: null; readonly total_responded: null };
  readonly outbound_above_threshold: { readonly count: number | null; readonly sum: ThuliumDuration | null; readonly average: ThuliumDuration | null };
  readonly outbound_below_threshold: { readonly count: null; readonly sum: null; readonly average: null };
  readonly login_date: null;
  readonly logout_date: null;
  readonly pauses: readonly [WorkReportPause, WorkReportPause];
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** Whole seconds as `HH:MM:SS` with unbounded hours. */
export function formatSeconds(seconds: number): ThuliumDuration {
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** Milliseconds rounded to the nearest whole second (halves up), as `HH:MM:SS`; null stays null. */
export function formatDuration(ms: number | null): ThuliumDuration | null {
  return ms === null ? null : formatSeconds(Math.round(ms / 1000));
}

/**
 * `sum / count` rounded to the nearest second, `00:00:00` when count is 0 (as Thulium); null when either is unknown.
 * Computed from the millisecond sum, so it is not the rounded sum divided again.
 */
export function formatAverage(ms: number | null, count: number | null): ThuliumDuration | null {
  if (ms === null || count === null) return null;
  return count === 0 ? formatSeconds(0) : formatSeconds(Math.round(ms / count / 1000));
}

/**
 * The Thulium row of one agent and period from its canonical statistic (`metrics`: the period's published
 * agentStatistic fields; null when the store holds no quarter-hour of the agent in the period, so every figure is
 * unknown). Only fields the canonical statistic defines are filled (docs/http-api.md gives each field's source):
 * inbound.answered_count/sum/average ← countOfHandledCallIn/callInDuration; chat.closed ← countOfHandledChatIn;
 * ticket.closed ← countOfHandledEmailIn; outbound_above_threshold ← countOfHandledCallOut/callOutDuration (threshold
 * 0: connected calls); pauses[all].sum ← pauseDuration; pauses[free].sum ← freeDuration. A field null in `metrics`
 * (the source cannot supply it) stays null; everything the statistic has no figure for is null, never 0.
 */
export function workReportRow(login: string, name: string | null, period: string, metrics: Readonly<PublishedMetrics> | null): WorkReportRow {
  const m = (field: keyof PublishedMetrics): number | null => (metrics === null ? null : metrics[field]);
  return {
    agent: { login, name, surname: null },
    period,
    inbound: {
      count: null,
      answered_count: m('countOfHandledCallIn'),
      not_answered_count: null,
      transferred_count: null,
      sum: formatDuration(m('callInDuration')),
      average: formatAverage(m('callInDuration'), m('countOfHandledCallIn')),
      wait_sum: null,
      wait_average: null,
      calls_per_hour: null,
    },
    chat: { closed: m('countOfHandledChatIn'), responded: null },
    ticket: { closed: m('countOfHandledEmailIn'), responded: null, total_responded: null },
    outbound_above_threshold: {
      count: m('countOfHandledCallOut'),
      sum: formatDuration(m('callOutDuration')),
      average: formatAverage(m('callOutDuration'), m('countOfHandledCallOut')),
    },
    outbound_below_threshold: { count: null, sum: null, average: null },
    login_date: null,
    logout_date: null,
    pauses: [
      { id: 'all', count: null, sum: formatDuration(m('pauseDuration')), average: null },
      { id: 'free', count: null, sum: formatDuration(m('freeDuration')), average: null },
    ],
  };
}

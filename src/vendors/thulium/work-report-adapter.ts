import type { WindowReport } from '../../core/events/window-report.ts';
import type { AdaptResult, SourceAdapter } from '../../core/source/source-adapter.ts';
import type { MetricField } from '../../core/statistic/agent-statistic-fields.ts';
import { QUARTER_HOUR_MS } from '../../core/windows/quarter-hour.ts';
import type { QuarterHourFigures, ResolvedMinuteRow } from './quarter-hour-sum.ts';
import { sumQuarterHour } from './quarter-hour-sum.ts';
import type { WorkReportRow } from './work-report-row.ts';
import { parseWorkReportRow } from './work-report-row.ts';

/** The `source` of the Thulium work-report poll watermarks on control.poll-watermarks (one per committed chunk). */
export const THULIUM_WORK_REPORT_WATERMARK_SOURCE = 'thulium/agents-work-report';

type Raw = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A pause item as the raw topic carries it (a missing `average` is null there) back in the vendor's shape. */
function vendorShape(minute: Raw): Raw {
  const pauses = minute['pauses'];
  if (!Array.isArray(pauses)) return minute;
  return { ...minute, pauses: pauses.map((item: unknown) => (isObject(item) && item['average'] === null ? Object.fromEntries(Object.entries(item).filter(([key]) => key !== 'average')) : item)) };
}

/** agentStatistic fields of the summed figures (docs/metrics.md, "Fields by vendor", Thulium column). */
function metricsOf(q: QuarterHourFigures): Partial<Record<MetricField, number>> {
  return {
    pauseDuration: (q.pauses.get('all')?.seconds ?? 0) * 1000,
    freeDuration: (q.pauses.get('free')?.seconds ?? 0) * 1000,
    callInDuration: q.inbound.seconds * 1000,
    callOutDuration: (q.outboundAbove.seconds + q.outboundBelow.seconds) * 1000,
    countOfHandledCallIn: q.inbound.answered,
    countOfHandledCallOut: q.outboundAbove.count,
    countOfHandledChatIn: q.chat.closed,
    countOfHandledEmailIn: q.ticket.closed,
  };
}

/**
 * The figures with no agentStatistic field, kept as `extraFields` (milliseconds for durations): per-reason pauses,
 * below-threshold outbound calls, unanswered and transferred inbound calls, callers' waiting, chat and ticket responses.
 */
function extrasOf(q: QuarterHourFigures): Record<string, number> {
  const extras: Record<string, number> = {
    inboundCount: q.inbound.count,
    inboundNotAnsweredCount: q.inbound.notAnswered,
    inboundTransferredCount: q.inbound.transferred,
    inboundCallerWaitDuration: Math.round(q.inbound.waitSeconds * 1000),
    outboundBelowThresholdCount: q.outboundBelow.count,
    outboundBelowThresholdDuration: q.outboundBelow.seconds * 1000,
    chatResponded: q.chat.responded,
    ticketResponded: q.ticket.responded,
    ticketTotalResponded: q.ticket.totalResponded,
    pauseCount: q.pauses.get('all')?.count ?? 0,
  };
  const reasons = [...q.pauses.keys()].filter((id) => /^\d+$/.test(id)).sort((a, b) => Number(a) - Number(b));
  for (const reason of reasons) {
    const figures = q.pauses.get(reason);
    extras[`pauseReason${reason}Duration`] = (figures?.seconds ?? 0) * 1000;
    extras[`pauseReason${reason}Count`] = figures?.count ?? 0;
  }
  return extras;
}

function agentName(rows: readonly WorkReportRow[]): string {
  for (const { agent } of rows) {
    const parts = [agent.name, agent.surname].filter((part): part is string => part !== null && part !== '');
    if (parts.length > 0) return parts.join(' ');
  }
  return '';
}

/**
 * Maps one raw work-report record (schemas/thulium-agents-work-report.avsc: one agent's minute rows of one UTC
 * quarter-hour as the vendor served them, each with its resolved `minuteStart`) onto one WindowReport: the rows'
 * figures summed by {@link sumQuarterHour}, seconds → milliseconds.
 *
 * Never throws; checks run in a fixed order: `not-an-object`, `missing-agentLogin`, `misaligned-window`,
 * `missing-polledAt`, `missing-minutes`, `bad-row` (a minute that is not the vendor's row shape), `bad-figure` (a
 * minute outside the window or twice, a duration that is not `HH:MM:SS`, a login time outside its minute).
 */
export function adaptThuliumWorkReport(input: unknown): AdaptResult {
  if (!isObject(input)) return { rejection: 'not-an-object' };
  const login = input['agentLogin'];
  if (typeof login !== 'string' || login === '') return { rejection: 'missing-agentLogin' };
  const windowStart = input['windowStart'];
  if (typeof windowStart !== 'number' || !Number.isSafeInteger(windowStart) || windowStart % QUARTER_HOUR_MS !== 0) return { rejection: 'misaligned-window' };
  const polledAt = input['polledAt'];
  if (typeof polledAt !== 'number' || !Number.isSafeInteger(polledAt)) return { rejection: 'missing-polledAt' };
  const minutes = input['minutes'];
  if (!Array.isArray(minutes) || !minutes.every(isObject)) return { rejection: 'missing-minutes' };
  const zone = typeof input['timeZone'] === 'string' ? input['timeZone'] : 'UTC';
  const rows: ResolvedMinuteRow[] = [];
  for (const minute of minutes as Raw[]) {
    const parsed = parseWorkReportRow(vendorShape(minute));
    const minuteStart = minute['minuteStart'];
    if ('problem' in parsed || typeof minuteStart !== 'number') return { rejection: 'bad-row' };
    rows.push({ minuteStart, row: parsed.row });
  }
  let figures: QuarterHourFigures;
  try {
    figures = sumQuarterHour(windowStart, rows, zone);
  } catch {
    return { rejection: 'bad-figure' };
  }
  const report: WindowReport = {
    userId: login,
    userName: agentName(rows.map((r) => r.row)),
    windowStart,
    changeTime: polledAt,
    metrics: metricsOf(figures),
    extras: extrasOf(figures),
  };
  return { events: [], reports: [report] };
}

/** The Thulium work-report adapter (raw topic raw.thulium.agents-work-report). */
export const thuliumWorkReportAdapter: SourceAdapter = {
  source: 'thulium',
  adapt: (record) => adaptThuliumWorkReport(record),
};

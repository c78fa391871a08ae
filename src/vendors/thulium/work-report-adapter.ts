import type { WindowReport } from '../../core/events/window-report.ts';
import type { AdaptResult, SourceAdapter } from '../../core/source/source-adapter.ts';
import type { MetricField } from '../../core/statistic/agent-statistic-fields.ts';
import { QUARTER_HOUR_MS } from '../../core/windows/quarter-hour.ts';
import { parseThuliumDuration } from './thulium-duration.ts';

/** The `source` of the Thulium work-report poll watermarks on control.poll-watermarks (one per committed chunk). */
export const THULIUM_WORK_REPORT_WATERMARK_SOURCE = 'thulium/agents-work-report';

type Raw = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Sums of one quarter-hour's minute rows; `bad` names the first figure that did not parse. */
class Sums {
  readonly values = new Map<string, number>();
  bad: string | null = null;

  add(key: string, amount: number | undefined): void {
    if (amount === undefined) {
      this.bad ??= key;
      return;
    }
    this.values.set(key, (this.values.get(key) ?? 0) + amount);
  }

  seconds(key: string, value: unknown): void {
    this.add(key, parseThuliumDuration(value));
  }

  get(key: string): number {
    return this.values.get(key) ?? 0;
  }
}

function addRow(sums: Sums, row: Raw): void {
  const inbound = isObject(row['inbound']) ? row['inbound'] : {};
  sums.add('inbound.count', count(inbound['count']));
  sums.add('inbound.answered', count(inbound['answered_count']));
  sums.add('inbound.notAnswered', count(inbound['not_answered_count']));
  sums.add('inbound.transferred', count(inbound['transferred_count']));
  sums.seconds('inbound.sum', inbound['sum']);
  const wait = inbound['wait_sum'];
  sums.add('inbound.waitSum', typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? wait : undefined);
  const chat = isObject(row['chat']) ? row['chat'] : {};
  sums.add('chat.closed', count(chat['closed']));
  sums.add('chat.responded', count(chat['responded']));
  const ticket = isObject(row['ticket']) ? row['ticket'] : {};
  sums.add('ticket.closed', count(ticket['closed']));
  sums.add('ticket.responded', count(ticket['responded']));
  sums.add('ticket.totalResponded', count(ticket['total_responded']));
  for (const side of ['above', 'below'] as const) {
    const outbound = row[`outbound_${side}_threshold`];
    const figures = isObject(outbound) ? outbound : {};
    sums.add(`outbound.${side}.count`, count(figures['count']));
    sums.seconds(`outbound.${side}.sum`, figures['sum']);
  }
  const pauses = row['pauses'];
  if (!Array.isArray(pauses)) {
    sums.bad ??= 'pauses';
    return;
  }
  for (const pause of pauses as unknown[]) {
    if (!isObject(pause)) {
      sums.bad ??= 'pauses';
      continue;
    }
    const id = pause['id'];
    const name = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : typeof id === 'string' && /^(all|free|\d+)$/.test(id) ? id : undefined;
    if (name === undefined) {
      sums.bad ??= 'pauses.id';
      continue;
    }
    sums.add(`pause.${name}.count`, count(pause['count']));
    sums.seconds(`pause.${name}.sum`, pause['sum']);
  }
}

/** agentStatistic fields from the summed figures (docs/metrics.md, "Fields by vendor", Thulium column). */
function metricsOf(sums: Sums): Partial<Record<MetricField, number>> {
  return {
    pauseDuration: sums.get('pause.all.sum') * 1000,
    freeDuration: sums.get('pause.free.sum') * 1000,
    callInDuration: sums.get('inbound.sum') * 1000,
    callOutDuration: (sums.get('outbound.above.sum') + sums.get('outbound.below.sum')) * 1000,
    countOfHandledCallIn: sums.get('inbound.answered'),
    countOfHandledCallOut: sums.get('outbound.above.count'),
    countOfHandledChatIn: sums.get('chat.closed'),
    countOfHandledEmailIn: sums.get('ticket.closed'),
  };
}

/**
 * The figures with no agentStatistic field, kept as `extraFields` (milliseconds for durations): per-reason pauses,
 * below-threshold outbound calls, unanswered and transferred inbound calls, callers' waiting, chat and ticket responses.
 */
function extrasOf(sums: Sums): Record<string, number> {
  const extras: Record<string, number> = {
    inboundCount: sums.get('inbound.count'),
    inboundNotAnsweredCount: sums.get('inbound.notAnswered'),
    inboundTransferredCount: sums.get('inbound.transferred'),
    inboundCallerWaitDuration: sums.get('inbound.waitSum') * 1000,
    outboundBelowThresholdCount: sums.get('outbound.below.count'),
    outboundBelowThresholdDuration: sums.get('outbound.below.sum') * 1000,
    chatResponded: sums.get('chat.responded'),
    ticketResponded: sums.get('ticket.responded'),
    ticketTotalResponded: sums.get('ticket.totalResponded'),
    pauseCount: sums.get('pause.all.count'),
  };
  const reasons = [...sums.values.keys()].filter((key) => /^pause\.\d+\.sum$/.test(key)).map((key) => key.split('.')[1] as string);
  for (const reason of reasons.sort((a, b) => Number(a) - Number(b))) {
    extras[`pauseReason${reason}Duration`] = sums.get(`pause.${reason}.sum`) * 1000;
    extras[`pauseReason${reason}Count`] = sums.get(`pause.${reason}.count`);
  }
  return extras;
}

function agentName(rows: readonly Raw[]): string {
  for (const row of rows) {
    const agent = row['agent'];
    if (!isObject(agent)) continue;
    const parts = [agent['name'], agent['surname']].filter((part): part is string => typeof part === 'string' && part !== '');
    if (parts.length > 0) return parts.join(' ');
  }
  return '';
}

/**
 * Maps one raw work-report record (schemas/thulium-agents-work-report.avsc: one agent's minute rows of one UTC
 * quarter-hour, as the vendor served them) onto one WindowReport: the rows' figures summed, seconds → milliseconds.
 *
 * Never throws; checks run in a fixed order: `not-an-object`, `missing-agentLogin`, `misaligned-window`,
 * `missing-polledAt`, `missing-rows`, `bad-figure` (a duration that is not `HH:MM:SS`, a negative or fractional
 * count, a pause without a valid id).
 */
export function adaptThuliumWorkReport(input: unknown): AdaptResult {
  if (!isObject(input)) return { rejection: 'not-an-object' };
  const login = input['agentLogin'];
  if (typeof login !== 'string' || login === '') return { rejection: 'missing-agentLogin' };
  const windowStart = input['windowStart'];
  if (typeof windowStart !== 'number' || !Number.isSafeInteger(windowStart) || windowStart % QUARTER_HOUR_MS !== 0) return { rejection: 'misaligned-window' };
  const polledAt = input['polledAt'];
  if (typeof polledAt !== 'number' || !Number.isSafeInteger(polledAt)) return { rejection: 'missing-polledAt' };
  const rows = input['rows'];
  if (!Array.isArray(rows) || !rows.every(isObject)) return { rejection: 'missing-rows' };
  const sums = new Sums();
  for (const row of rows as Raw[]) addRow(sums, row);
  if (sums.bad !== null) return { rejection: 'bad-figure' };
  const report: WindowReport = {
    userId: login,
    userName: agentName(rows as Raw[]),
    windowStart,
    changeTime: polledAt,
    metrics: metricsOf(sums),
    extras: extrasOf(sums),
  };
  return { events: [], reports: [report] };
}

/** The Thulium work-report adapter (raw topic raw.thulium.agents-work-report). */
export const thuliumWorkReportAdapter: SourceAdapter = {
  source: 'thulium',
  adapt: (record) => adaptThuliumWorkReport(record),
};

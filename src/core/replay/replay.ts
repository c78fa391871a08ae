import type { DirectContact } from '../direct/direct-contact.ts';
import { directContactProblem } from '../direct/direct-contact.ts';
import type { AgentEvent } from '../events/agent-event.ts';
import type { PeriodAggregate } from '../rollup/rollup.ts';
import { rollUp } from '../rollup/rollup.ts';
import type { TimeCategory } from '../rollup/period.ts';
import { isTimeCategory, isValidTimeZone } from '../rollup/period.ts';
import type { SourceAdapter } from '../source/source-adapter.ts';
import type { SourceId } from '../source/source-id.ts';
import type { MetricField } from '../statistic/agent-statistic-fields.ts';
import type { PublishedMetrics } from '../statistic/published-metrics.ts';
import { publishCovered } from '../statistic/published-metrics.ts';
import type { HistoryPart } from '../statistic/history-part.ts';
import { publishedParts } from '../statistic/history-part.ts';
import type { EventTimeLimits } from '../time/time-limits.ts';
import { DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_MAX_EVENT_LEAD_MS, eventTimeRejection } from '../time/time-limits.ts';
import type { WindowReport } from '../events/window-report.ts';
import { sourceProfile } from '../source/source-profiles.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';
import { aggregateReports } from './report-aggregation.ts';
import { formatUtc } from '../time/timestamp.ts';
import { aggregateQuarterHours } from './quarter-hour-aggregation.ts';

export type { TimeCategory } from '../rollup/period.ts';

export interface ReplayOptions {
  /** Aggregation level; default quarterHour. */
  timeCategory?: TimeCategory;
  /** IANA zone for roll-up periods and labels; default 'UTC'. */
  timeZone?: string;
  /** Exclusive horizon in epoch ms; default the maximum eventTime of the input. */
  until?: number;
  /** A session with no event for this long ends that long after its last event (session-bounds.ts). */
  sessionMaxIdleMs?: number;
  /** Event times more than this before / after their record's changeTimestamp are rejected (time-limits.ts). */
  maxEventAgeMs?: number;
  maxEventLeadMs?: number;
  /** Adds each row's agentHistory `breakdown` (history-part.ts); default false. */
  breakdown?: boolean;
  /**
   * The input holds the source's direct-contact feed (Sinch RAI: the routed direct contacts of raw.sinch.contacts,
   * docs/metrics.md "Direct contacts"): `replay()` joins them to the call runs as the live engine does, and the Direct
   * fields are known. Default false: the Direct fields are null (unknown: without the contact records no call is known
   * to be direct or not), and direct-contact records are ignored. The streaming replay (streaming-replay.ts) never
   * joins them: its Direct fields are always null.
   */
  directContacts?: boolean;
}

/**
 * One agentStatistic row: labels, then the metric fields (null where the source cannot supply them), then
 * maxChangeTimestamp (ISO UTC).
 */
export interface AgentStatisticRow extends PublishedMetrics {
  /** The source of the row's records; several sorted, comma-separated, when a roll-up spans sources. */
  source: string;
  /** Fields left null because only some summed components supplied them; absent when none (rollup.ts). */
  partialFields?: MetricField[];
  /** Vendor figures without an agentStatistic field, summed per key (window-report.ts); absent when none. */
  extraFields?: Record<string, number>;
  /** With the `breakdown` option: the row by profile and campaign, parts with content ordered by key (history-part.ts). */
  breakdown?: HistoryPart[];
  userId: string;
  userName: string;
  timeCategory: string;
  intervalStart: string;
  intervalEnd: string;
  maxChangeTimestamp: string;
}

export interface ReplayResult {
  /** Sorted by userId, then intervalStart. */
  rows: AgentStatisticRow[];
  /**
   * Rejected input records by reason code. A record whose every event is ordered after its
   * session's end event (or duplicates such an event) is rejected `after-session-end`.
   */
  rejected: Record<string, number>;
  /** Input records accepted (exact duplicates included): accepted + Σ rejected = input length. */
  accepted: number;
  /** Accepted events that duplicated an earlier one and counted once. */
  duplicates: number;
}

/** The `source` of a row rolled up from `sources` (distinct, sorted): one id, or several joined with commas. */
export function sourceLabel(sources: readonly SourceId[]): string {
  return sources.join(',');
}

/** The engine's checks of a record's window reports that do not need streaming state (timeline-engine.ts). */
function reportRejection(reports: readonly WindowReport[], limits: EventTimeLimits): string | null {
  for (const report of reports) {
    if (!Number.isSafeInteger(report.windowStart) || report.windowStart % QUARTER_HOUR_MS !== 0) return 'misaligned-window';
    const skew = eventTimeRejection(report.windowStart, report.changeTime, limits);
    if (skew !== null) return skew;
  }
  return null;
}

function bump(counter: Record<string, number>, reason: string): void {
  counter[reason] = (counter[reason] ?? 0) + 1;
}

/**
 * Batch replay of raw vendor records, mapped onto canonical events by `adapter`, into agentStatistic rows. Pure and
 * order-independent: shuffled or duplicated input gives the same rows. Throws RangeError for an
 * invalid time category or zone.
 */
export function replay(records: readonly unknown[], adapter: SourceAdapter, options: ReplayOptions = {}): ReplayResult {
  const category = options.timeCategory ?? 'quarterHour';
  const zone = options.timeZone ?? 'UTC';
  if (!isTimeCategory(category)) throw new RangeError(`invalid time category: ${String(category)}`);
  if (!isValidTimeZone(zone)) throw new RangeError(`invalid time zone: ${zone}`);
  if (options.until !== undefined && !Number.isFinite(options.until)) throw new RangeError('invalid until');
  const limits = { maxEventAgeMs: options.maxEventAgeMs ?? DEFAULT_MAX_EVENT_AGE_MS, maxEventLeadMs: options.maxEventLeadMs ?? DEFAULT_MAX_EVENT_LEAD_MS };

  const rejected: Record<string, number> = {};
  const events: AgentEvent[] = [];
  const perRecord: (readonly AgentEvent[])[] = [];
  const reports: WindowReport[] = [];
  let reportRecords = 0;
  const withDirect = options.directContacts === true;
  const directContacts: DirectContact[] = [];
  let directRecords = 0;
  const fromReports = sourceProfile(adapter.source).statistics === 'reports';
  for (const record of records) {
    const result = adapter.adapt(record, limits);
    if ('rejection' in result) {
      bump(rejected, result.rejection);
      continue;
    }
    const recordReports = result.reports ?? [];
    if (recordReports.length > 0) {
      const rejection = !fromReports ? 'not-a-reporting-source' : result.events.length > 0 ? 'mixed-record' : reportRejection(recordReports, limits);
      if (rejection !== null) bump(rejected, rejection);
      else {
        reports.push(...recordReports);
        reportRecords++;
      }
      continue;
    }
    const recordContacts = result.directContacts ?? [];
    if (withDirect && recordContacts.length > 0) {
      const rejection = result.events.length > 0 ? 'mixed-record' : recordContacts.map(directContactProblem).find((p) => p !== null) ?? null;
      if (rejection !== null) bump(rejected, rejection);
      else {
        directContacts.push(...recordContacts);
        directRecords++;
      }
      continue;
    }
    perRecord.push(result.events);
    for (const event of result.events) events.push(event);
  }

  const outcome = aggregateQuarterHours(events, options.until, options.sessionMaxIdleMs, adapter.source, withDirect ? directContacts : null);
  const quarterHours = fromReports ? aggregateReports(reports, adapter.source) : outcome.quarterHours;
  let accepted = perRecord.length + reportRecords + directRecords;
  if (outcome.notApplied.size > 0) {
    for (const recordEvents of perRecord) {
      if (recordEvents.every((e) => outcome.notApplied.has(e))) {
        accepted--;
        bump(rejected, 'after-session-end');
      }
    }
  }

  const rows = rollUp(quarterHours, category, zone, options.breakdown === true).map(statisticRow);
  return { rows, rejected, accepted, duplicates: outcome.duplicates };
}

/** A rolled-up period as the agentStatistic row that replay publishes (batch and streaming-replay.ts). */
export function statisticRow(p: PeriodAggregate): AgentStatisticRow {
  const { metrics, partialFields } = publishCovered(p.vector, p.coverage);
  const row: AgentStatisticRow = {
    timeCategory: p.label,
    userId: p.userId,
    userName: p.userName,
    intervalStart: formatUtc(p.start),
    intervalEnd: formatUtc(p.end),
    ...metrics,
    maxChangeTimestamp: formatUtc(p.maxChangeTime),
    source: sourceLabel(p.sources),
  };
  if (partialFields.length > 0) row.partialFields = partialFields;
  if (p.extras !== undefined) row.extraFields = p.extras;
  if (p.parts !== undefined) row.breakdown = publishedParts(p.parts, p.coverage);
  return row;
}

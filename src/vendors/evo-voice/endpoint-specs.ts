import type { TimeRange } from '../../ingest/time-range.ts';
import { parseAgentStateWorkbook } from './agent-state-workbook.ts';
import { parseBillingWorkbook } from './billing-workbook.ts';
import type { ReportRoute } from './evo-voice-client.ts';
import type { RowRejection } from './workbook-sheet.ts';

const DAY = 86_400_000;

/** What a report request needs to know about the tenant. */
export interface ReportRequestSettings {
  readonly accountId: string;
  readonly timeZoneId: string;
  readonly includeCustomerIds: boolean;
  /** Where the vendor POSTs on completion, when the tenant has a webhook receiver. */
  readonly webhookUrl?: string;
}

/** One workbook row, ready to publish: its partition key, its row time, its content (the record-key basis). */
export interface ReportRow {
  readonly sheetRow: number;
  readonly partitionKey: string;
  /** Agent state: the interval's start; billing: the row's date (UTC midnight). Epoch ms. */
  readonly time: number;
  /** The row as the workbook rendered it, normalised (the fields of the raw contract that come from the sheet). */
  readonly content: Readonly<Record<string, unknown>>;
}

/** Poll metadata added to every raw record of one committed workbook. */
export interface ReportEnvelope {
  readonly reportId: string;
  readonly window: TimeRange;
  readonly tenant: string;
  readonly pollId: string;
  readonly receivedAt: number;
}

/**
 * How one Evo Voice report kind is requested, parsed and published: route, raw topic and schema, source, window
 * length, whether its windows emit a poll watermark, and the request body of a window.
 */
export interface ReportKindSpec {
  /** Metric label and checkpoint-key endpoint; equal to `source`. */
  readonly endpoint: string;
  /** `source` of raw records and of the watermark. */
  readonly source: string;
  /** Logical raw topic and its schema (schemas/<schema>.avsc). */
  readonly topic: string;
  readonly schema: string;
  readonly route: ReportRoute;
  /** `ReportInfo.name` of this kind's reports (used to recognise our own reports when cleaning up). */
  readonly reportName: string;
  readonly emitWatermark: boolean;
  /** Fixed window length, or undefined when the tenant's `windowMs` applies. */
  readonly fixedWindowMs: number | undefined;
  requestBody(window: TimeRange, settings: ReportRequestSettings): Record<string, string | boolean>;
  parse(bytes: Uint8Array, settings: ReportRequestSettings): Promise<{ rows: ReportRow[]; rejections: readonly RowRejection[]; unknownHeaders: readonly string[] }>;
  /** The Avro value (the raw contract) of a row. */
  value(row: ReportRow, envelope: ReportEnvelope, settings: ReportRequestSettings): Record<string, unknown>;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function webhook(settings: ReportRequestSettings): Record<string, string> {
  return settings.webhookUrl === undefined ? {} : { webhookUrl: settings.webhookUrl };
}

/**
 * Agent-state report: one row per state interval that STARTS in [window start, window end). The window is requested
 * as UTC instants (`Z`), so the TimeZoneId only renders the times. Partition key agentId.
 */
export const AGENT_STATE_REPORT: ReportKindSpec = {
  endpoint: 'evo-voice/agent-state',
  source: 'evo-voice/agent-state',
  topic: 'raw.evovoice.agent-states',
  schema: 'evo-voice-agent-state',
  route: 'agent-state',
  reportName: 'Agent State Report',
  emitWatermark: true,
  fixedWindowMs: undefined,
  requestBody: (window, settings) => ({
    accountId: settings.accountId,
    startDate: new Date(window.start).toISOString(),
    endDate: new Date(window.end).toISOString(),
    timeZoneId: settings.timeZoneId,
    ...webhook(settings),
  }),
  parse: async (bytes) => {
    const parsed = await parseAgentStateWorkbook(bytes);
    const rows = parsed.rows.map((r) => ({ sheetRow: r.sheetRow, partitionKey: r.row.agentId, time: r.start, content: { ...r.row } }));
    return { rows, rejections: parsed.rejections, unknownHeaders: parsed.unknownHeaders };
  },
  value: (row, envelope, settings) => ({
    ...row.content,
    reportId: envelope.reportId,
    accountId: settings.accountId,
    timeZoneId: settings.timeZoneId,
    windowStart: envelope.window.start,
    windowEnd: envelope.window.end,
    sheetRow: row.sheetRow,
    tenant: envelope.tenant,
    source: 'evo-voice/agent-state',
    pollId: envelope.pollId,
    receivedAt: envelope.receivedAt,
  }),
};

/**
 * Billing report: one row per (date, customer, service) of the UTC days in the window; one window is one day (the
 * vendor uses only the date portion). Partition key `accountId|date`. Emits no watermark (billing feeds no timeline).
 */
export const BILLING_REPORT: ReportKindSpec = {
  endpoint: 'evo-voice/billing',
  source: 'evo-voice/billing',
  topic: 'raw.evovoice.billing',
  schema: 'evo-voice-billing',
  route: 'billing',
  reportName: 'Billing Report',
  emitWatermark: false,
  fixedWindowMs: DAY,
  requestBody: (window, settings) => ({
    accountId: settings.accountId,
    startDate: isoDate(window.start),
    endDate: isoDate(window.end),
    includeCustomerIds: settings.includeCustomerIds,
    ...webhook(settings),
  }),
  parse: async (bytes, settings) => {
    const parsed = await parseBillingWorkbook(bytes);
    const rows = parsed.rows.map((r) => ({ sheetRow: r.sheetRow, partitionKey: `${settings.accountId}|${r.row.date}`, time: r.day, content: { ...r.row } }));
    return { rows, rejections: parsed.rejections, unknownHeaders: parsed.unknownHeaders };
  },
  value: (row, envelope, settings) => ({
    ...row.content,
    reportId: envelope.reportId,
    accountId: settings.accountId,
    includeCustomerIds: settings.includeCustomerIds,
    windowStart: envelope.window.start,
    windowEnd: envelope.window.end,
    sheetRow: row.sheetRow,
    tenant: envelope.tenant,
    source: 'evo-voice/billing',
    pollId: envelope.pollId,
    receivedAt: envelope.receivedAt,
  }),
};

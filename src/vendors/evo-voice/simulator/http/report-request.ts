import { DateTime } from 'luxon';
import type { EvoAccount, EvoUser } from '../model/tenant.ts';
import { reachableAccounts } from '../model/tenant.ts';
import { datePortion, isIanaZone, parseReportTime } from './report-time.ts';
import type { RequestFields } from './request-fields.ts';
import { fieldError, forbidden, missingField } from './service-stack-error.ts';

/** What every report request carries (ReportRequest). */
interface ReportRequestBase {
  readonly accountId: string;
  readonly emailAddressToNotify: string | null;
  readonly webhookUrl: string | null;
}

/** An AgentStateReport: the window [start, end) in UTC ms, rendered in `timeZoneId`. */
export interface AgentStateReportRequest extends ReportRequestBase {
  readonly kind: 'agent-state';
  readonly start: number;
  readonly end: number;
  readonly timeZoneId: string;
}

/** A BillingReport: the dates [startDate, endDate) as `YYYY-MM-DD`. */
export interface BillingReportRequest extends ReportRequestBase {
  readonly kind: 'billing';
  readonly dates: readonly string[];
  readonly includeCustomerIds: boolean;
}

export type ReportRequest = AgentStateReportRequest | BillingReportRequest;

const DAY = 86_400_000;
const MAX_AGENT_STATE_RANGE_MS = 31 * DAY;
const MAX_BILLING_DAYS = 366;

/** The account a request is for: the named one (403 when the user cannot reach it), or the user's only one (else 400). */
export function resolveAccount(named: string | undefined, user: EvoUser, accounts: readonly EvoAccount[]): string {
  const reachable = reachableAccounts(user, accounts);
  if (named === undefined) {
    const only = reachable.length === 1 ? reachable[0] : undefined;
    if (only === undefined) throw fieldError('AccountId', 'NotEmpty', `'Account Id' must not be empty: this user reaches ${reachable.length} accounts`);
    return only.id;
  }
  if (!reachable.some((a) => a.id === named)) throw forbidden(`You do not have access to account ${named}`);
  return named;
}

function base(fields: RequestFields, user: EvoUser, accounts: readonly EvoAccount[]): ReportRequestBase {
  const webhookUrl = fields.text('webhookUrl') ?? null;
  if (webhookUrl !== null) {
    let protocol = '';
    try {
      protocol = new URL(webhookUrl).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw fieldError('WebhookUrl', 'ArgumentException', `WebhookUrl '${webhookUrl}' is not an absolute http(s) URL`);
  }
  return { accountId: resolveAccount(fields.text('accountId'), user, accounts), emailAddressToNotify: fields.text('emailAddressToNotify') ?? null, webhookUrl };
}

/** Validates an AgentStateReport request (400 with the failing field's name, 403 for an account out of reach). */
export function agentStateReportRequest(fields: RequestFields, user: EvoUser, accounts: readonly EvoAccount[]): AgentStateReportRequest {
  const timeZoneId = fields.text('timeZoneId') ?? 'UTC';
  if (!isIanaZone(timeZoneId)) throw fieldError('TimeZoneId', 'ArgumentException', `TimeZoneId '${timeZoneId}' is not an IANA time zone id (e.g. Europe/Helsinki)`);
  const time = (name: 'StartDate' | 'EndDate', label: string): number => {
    const text = fields.text(name);
    if (text === undefined) throw missingField(name, label);
    const ms = parseReportTime(text, timeZoneId);
    if (ms === null) throw fieldError(name, 'ArgumentException', `${name} '${text}' is not YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.fff]] with an optional Z or ±HH:MM`);
    return ms;
  };
  const start = time('StartDate', 'Start Date');
  const end = time('EndDate', 'End Date');
  if (end <= start) throw fieldError('EndDate', 'ArgumentException', 'EndDate must be after StartDate (EndDate is exclusive)');
  if (end - start > MAX_AGENT_STATE_RANGE_MS) throw fieldError('EndDate', 'ArgumentException', 'The report range must not exceed 31 days');
  return { kind: 'agent-state', ...base(fields, user, accounts), start, end, timeZoneId };
}

/** Validates a BillingReport request: only the date portion of StartDate/EndDate is used, EndDate exclusive. */
export function billingReportRequest(fields: RequestFields, user: EvoUser, accounts: readonly EvoAccount[]): BillingReportRequest {
  const date = (name: 'StartDate' | 'EndDate', label: string): DateTime => {
    const text = fields.text(name);
    if (text === undefined) throw missingField(name, label);
    const portion = datePortion(text);
    if (portion === null) throw fieldError(name, 'ArgumentException', `${name} '${text}' does not start with a YYYY-MM-DD date`);
    return DateTime.fromISO(portion, { zone: 'UTC' });
  };
  const start = date('StartDate', 'Start Date');
  const end = date('EndDate', 'End Date');
  const days = Math.round(end.diff(start, 'days').days);
  if (days <= 0) throw fieldError('EndDate', 'ArgumentException', 'EndDate must be after StartDate (EndDate is exclusive)');
  if (days > MAX_BILLING_DAYS) throw fieldError('EndDate', 'ArgumentException', `The report range must not exceed ${MAX_BILLING_DAYS} days`);
  const includeCustomerIds = fields.boolean('includeCustomerIds', 'IncludeCustomerIds', false);
  const dates = Array.from({ length: days }, (_, i) => start.plus({ days: i }).toISODate() ?? '');
  return { kind: 'billing', ...base(fields, user, accounts), dates, includeCustomerIds };
}

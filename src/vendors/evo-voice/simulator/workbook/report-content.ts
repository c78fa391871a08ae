import { billingLines } from '../model/billing.ts';
import type { AccountWorld, EvoWorld } from '../model/evo-world.ts';
import type { ReportRequest } from '../http/report-request.ts';
import { agentStateRows, agentStateWorkbook } from './agent-state-workbook.ts';
import { billingRows, billingWorkbook } from './billing-workbook.ts';

/** A finished report: its rows (webhook keys) and its workbook. */
export interface ReportContent {
  readonly rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>;
  readonly workbook: Buffer;
}

const DAY = 86_400_000;

/**
 * The report as it runs at simulated time `now`. Agent-state: the intervals starting in the window and before now.
 * Billing: the requested dates that have begun by now (UTC), one row per (date, customer, service).
 */
export async function reportContent(world: EvoWorld, account: AccountWorld, request: ReportRequest, now: number): Promise<ReportContent> {
  if (request.kind === 'agent-state') {
    const rows = agentStateRows(account.intervals, { start: request.start, end: request.end }, now, request.timeZoneId);
    return { rows, workbook: await agentStateWorkbook(rows) };
  }
  const today = new Date(Math.floor(now / DAY) * DAY).toISOString().slice(0, 10);
  const lines = billingLines(world.options.seed, account.account, account.customers, request.dates.filter((date) => date <= today));
  const rows = billingRows(lines, request.includeCustomerIds);
  return { rows, workbook: await billingWorkbook(rows, request.includeCustomerIds) };
}

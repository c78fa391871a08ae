import type { FastifyInstance } from 'fastify';
import { daysFromCivil } from '../../core/time/timestamp.ts';
import type { BillingRow } from '../../state/billing-store.ts';
import { BadRequest } from '../bad-request.ts';
import type { Params } from '../query-values.ts';
import { booleanParam, parseRaiQuery, tenantParam } from '../query-values.ts';
import type { ServerDeps } from '../server-deps.ts';
import { storeRead } from '../store-read.ts';

const PARAMETERS = new Set(['tenant', 'accountId', 'startDate', 'endDate', 'includeCustomerIds']);
const NO_FIELDS = new Set<string>();
/** The longest range one request may ask for (days). */
export const BILLING_MAX_DAYS = 366;
const ACCOUNT_ID = /^[^\s:|]{1,128}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

/** A date parameter: `YYYY-MM-DD`, or a date-time of which only the date portion is used (like the vendor's GetBilling). */
function dateParam(params: Params, name: string): string {
  const text = params.get(name);
  if (text === undefined || text === '') throw new BadRequest(`Missing required parameter: ${name}`);
  const match = DATE.exec(text);
  const date = text.slice(0, 10);
  if (match === null || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new BadRequest(`Invalid ${name}: '${text}' (expected a date YYYY-MM-DD)`);
  }
  return date;
}

const dayNumber = (date: string): number => daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));

/** A row as the billing report has it: its columns (Customer Id only when asked for) and the report it came from. */
function rowOut(row: BillingRow, includeCustomerIds: boolean): Record<string, string | number | null> {
  return {
    date: row.date,
    accountName: row.accountName,
    customerName: row.customerName,
    ...(includeCustomerIds ? { customerId: row.customerId } : {}),
    service: row.service,
    description: row.description,
    quantity: row.quantity,
    unit: row.unit,
    unitPrice: row.unitPrice,
    amount: row.amount,
    reportId: row.reportId,
  };
}

/**
 * `GET /billing?accountId&startDate&endDate[&includeCustomerIds][&tenant]`: the Evo Voice billing rows of one account
 * for the days [startDate, endDate) (dates; endDate exclusive, as the vendor's billing report), as the poller took
 * them from the vendor's workbooks, by date, customer name and service. `customerId` is present only with
 * includeCustomerIds=true (null for a row whose report ran without ids). 400 for a missing or invalid parameter,
 * endDate not after startDate, or more than {@link BILLING_MAX_DAYS} days.
 */
export function registerBillingRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/billing', async (request, reply) => {
    const { params } = parseRaiQuery(request.url, PARAMETERS, NO_FIELDS);
    const tenant = tenantParam(params, deps.tenant);
    const accountId = params.get('accountId');
    if (accountId === undefined || accountId === '') throw new BadRequest('Missing required parameter: accountId');
    if (!ACCOUNT_ID.test(accountId)) throw new BadRequest(`Invalid accountId: '${accountId}' (expected 1-128 characters without spaces, ":" or "|")`);
    const startDate = dateParam(params, 'startDate');
    const endDate = dateParam(params, 'endDate');
    const days = dayNumber(endDate) - dayNumber(startDate);
    if (days <= 0) throw new BadRequest(`Invalid endDate: '${endDate}' must be after startDate (endDate is exclusive)`);
    if (days > BILLING_MAX_DAYS) throw new BadRequest(`Invalid date range: ${days} days (at most ${BILLING_MAX_DAYS})`);
    const includeCustomerIds = booleanParam(params, 'includeCustomerIds', false);
    if (deps.billing === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('Not Found: this server has no billing store');
    const rows = await storeRead(deps.billing.read(tenant, accountId, startDate, endDate));
    return reply.send({ tenant, accountId, startDate, endDate, includeCustomerIds, rows: rows.map((row) => rowOut(row, includeCustomerIds)) });
  });
}

import type { BillingLine } from '../model/billing.ts';
import { writeSheet } from './write-sheet.ts';

export const BILLING_SHEET = 'Billing';

const COLUMNS = [
  ['Date', 'date'], ['Account Name', 'accountName'], ['Customer Name', 'customerName'], ['Customer Id', 'customerId'], ['Service', 'service'],
  ['Description', 'description'], ['Quantity', 'quantity'], ['Unit', 'unit'], ['Unit Price', 'unitPrice'], ['Amount', 'amount'],
] as const;

type BillingKey = (typeof COLUMNS)[number][1];
/** One billing workbook row by column key (customerId absent without includeCustomerIds). */
export type BillingRow = Readonly<Partial<Record<BillingKey, string | number>>>;

/** The sheet's columns as [header, key]: `Customer Id` only with includeCustomerIds. */
export function billingColumns(includeCustomerIds: boolean): ReadonlyArray<readonly [string, BillingKey]> {
  return COLUMNS.filter(([, key]) => includeCustomerIds || key !== 'customerId');
}

/** The rows of a billing report: one per line, without customerId unless includeCustomerIds. */
export function billingRows(lines: readonly BillingLine[], includeCustomerIds: boolean): BillingRow[] {
  const keys = billingColumns(includeCustomerIds).map(([, key]) => key);
  return lines.map((line) => Object.fromEntries(keys.map((key) => [key, line[key]])) as BillingRow);
}

/** The billing workbook of `rows`. */
export function billingWorkbook(rows: readonly BillingRow[], includeCustomerIds: boolean): Promise<Buffer> {
  const columns = billingColumns(includeCustomerIds);
  return writeSheet(BILLING_SHEET, columns.map(([header]) => header), columns.map(([, key]) => key), rows);
}

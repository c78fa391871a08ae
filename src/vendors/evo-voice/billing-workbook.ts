import { daysFromCivil } from '../../core/time/timestamp.ts';
import type { Cell, ParsedWorkbook, RowRejection, SheetLayout, SheetRow } from './workbook-sheet.ts';
import { idText, readSheet, rowJson } from './workbook-sheet.ts';

type BillingField = 'date' | 'accountName' | 'customerName' | 'customerId' | 'service' | 'description' | 'quantity' | 'unit' | 'unitPrice' | 'amount';

/**
 * Header text → field of the `Billing` sheet (docs/vendors/evo-voice-contract.md). `Customer Id` is present only
 * when the report ran with includeCustomerIds, so it is optional.
 */
export const BILLING_LAYOUT: SheetLayout<BillingField> = {
  sheet: 'Billing',
  headers: {
    Date: 'date',
    'Account Name': 'accountName',
    'Customer Name': 'customerName',
    'Customer Id': 'customerId',
    Service: 'service',
    Description: 'description',
    Quantity: 'quantity',
    Unit: 'unit',
    'Unit Price': 'unitPrice',
    Amount: 'amount',
  },
  fields: ['date', 'accountName', 'customerName', 'customerId', 'service', 'description', 'quantity', 'unit', 'unitPrice', 'amount'],
  required: ['date', 'service', 'quantity', 'amount'],
};

/** One billing line (date, customer, service) as the workbook renders it. */
export interface BillingRow {
  readonly date: string;
  readonly accountName: string | null;
  readonly customerName: string | null;
  readonly customerId: string | null;
  readonly service: string;
  readonly description: string | null;
  readonly quantity: number;
  readonly unit: string | null;
  readonly unitPrice: number | null;
  readonly amount: number;
}

export interface ParsedBillingRow {
  readonly sheetRow: number;
  /** The row's date as epoch ms (UTC midnight). */
  readonly day: number;
  readonly row: BillingRow;
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayOf(cell: Cell): { text: string; ms: number } | null {
  if (typeof cell !== 'string') return null;
  const m = DATE_TEXT.exec(cell.trim());
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = daysFromCivil(year, month, day) * 86_400_000;
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() + 1 !== month || back.getUTCDate() !== day) return null;
  return { text: cell.trim(), ms };
}

function number(cell: Cell): number | null | 'bad' {
  if (cell === null) return null;
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : 'bad';
}

function text(cell: Cell): string | null {
  return typeof cell === 'string' ? cell.trim() : idText(cell);
}

/** Validates one row; returns the row or the kebab-case reason it is rejected. */
export function validateBillingRow(row: SheetRow<BillingField>): ParsedBillingRow | string {
  const c = row.cells;
  const day = dayOf(c.date);
  if (day === null) return 'bad-date';
  const service = text(c.service);
  if (service === null || service === '') return 'missing-service';
  const quantity = number(c.quantity);
  if (quantity === null || quantity === 'bad') return 'bad-quantity';
  const unitPrice = number(c.unitPrice);
  if (unitPrice === 'bad') return 'bad-unit-price';
  const amount = number(c.amount);
  if (amount === null || amount === 'bad') return 'bad-amount';
  return {
    sheetRow: row.sheetRow,
    day: day.ms,
    row: {
      date: day.text,
      accountName: text(c.accountName),
      customerName: text(c.customerName),
      customerId: idText(c.customerId),
      service,
      description: text(c.description),
      quantity,
      unit: text(c.unit),
      unitPrice,
      amount,
    },
  };
}

/**
 * Parses a billing report workbook (sheet `Billing`, header-driven via {@link BILLING_LAYOUT}). Rows that fail
 * validation become rejections. Throws WorkbookError when the workbook as a whole is unusable.
 */
export async function parseBillingWorkbook(bytes: Uint8Array): Promise<ParsedWorkbook<ParsedBillingRow>> {
  const sheet = await readSheet(bytes, BILLING_LAYOUT);
  const rows: ParsedBillingRow[] = [];
  const rejections: RowRejection[] = [];
  for (const row of sheet.rows) {
    const result = validateBillingRow(row);
    if (typeof result === 'string') rejections.push({ sheetRow: row.sheetRow, reason: result, body: rowJson(row) });
    else rows.push(result);
  }
  return { rows, rejections, unknownHeaders: sheet.unknownHeaders };
}

import ExcelJS from 'exceljs';
import type { CellValue } from 'exceljs';
import { AgentTimelinesError } from '../../errors/agent-timelines-error.ts';

/** A cell as the row validators see it: text, a number, a boolean, a date (a date-typed cell), or null when blank. */
export type Cell = string | number | boolean | Date | null;

/** One data row of a sheet: its 1-based sheet row number and its cells by field name (missing columns are null). */
export interface SheetRow<F extends string> {
  readonly sheetRow: number;
  readonly cells: Readonly<Record<F, Cell>>;
}

/** How a sheet's header texts map to fields, and which fields a usable sheet must have. */
export interface SheetLayout<F extends string> {
  readonly sheet: string;
  /** Header text (compared trimmed, case- and space-insensitively) → field. Several texts may map to one field. */
  readonly headers: Readonly<Record<string, F>>;
  readonly fields: readonly F[];
  readonly required: readonly F[];
}

export interface ParsedSheet<F extends string> {
  readonly rows: readonly SheetRow<F>[];
  /** Header texts the layout does not know (their columns are ignored). */
  readonly unknownHeaders: readonly string[];
}

/**
 * A workbook that cannot be used as a whole. `VENDOR_MALFORMED_RESPONSE` (retriable): the bytes are not a readable
 * XLSX (a truncated download); download again. `SCHEMA_MISMATCH` (not retriable): the sheet or a required column is
 * missing, so the vendor changed its export and the header mapping needs a new entry.
 */
export class WorkbookError extends AgentTimelinesError {
  constructor(code: 'VENDOR_MALFORMED_RESPONSE' | 'SCHEMA_MISMATCH', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WorkbookError';
  }
}

function headerKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** An exceljs cell value as a {@link Cell}: rich text and hyperlinks become their text, formulas their result. */
export function cellOf(value: CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('richText' in value) return cellOf(value.richText.map((part) => part.text).join(''));
  if ('hyperlink' in value) return cellOf(value.text);
  if ('formula' in value || 'sharedFormula' in value) return cellOf((value.result ?? null) as CellValue);
  return null;
}

/**
 * Reads one sheet of an XLSX workbook with exceljs, header-driven: row 1 holds the headers, each mapped to a field
 * through `layout.headers`; every later row that is not entirely blank becomes a {@link SheetRow}. Throws
 * {@link WorkbookError} when the bytes are not a workbook or the sheet or a required header is missing.
 */
export async function readSheet<F extends string>(bytes: Uint8Array, layout: SheetLayout<F>): Promise<ParsedSheet<F>> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (cause) {
    throw new WorkbookError('VENDOR_MALFORMED_RESPONSE', `the workbook (${bytes.byteLength} bytes) is not a readable XLSX file: ${(cause as Error).message}`, { cause });
  }
  const sheet = workbook.getWorksheet(layout.sheet);
  if (sheet === undefined) {
    throw new WorkbookError('SCHEMA_MISMATCH', `the workbook has no sheet "${layout.sheet}" (sheets: ${workbook.worksheets.map((w) => w.name).join(', ') || 'none'})`);
  }
  const known = new Map(Object.entries(layout.headers).map(([text, field]) => [headerKey(text), field]));
  const columns = new Map<F, number>();
  const unknownHeaders: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: false }, (cell, column) => {
    const text = cellOf(cell.value);
    if (text === null) return;
    const field = known.get(headerKey(String(text)));
    if (field === undefined) unknownHeaders.push(String(text));
    else if (!columns.has(field)) columns.set(field, column);
  });
  const missing = layout.required.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    throw new WorkbookError('SCHEMA_MISMATCH', `sheet "${layout.sheet}" lacks the column(s) for ${missing.join(', ')}; its headers are not in the mapping table`);
  }
  const rows: SheetRow<F>[] = [];
  for (let number = 2; number <= sheet.rowCount; number++) {
    const row = sheet.getRow(number);
    const cells = {} as Record<F, Cell>;
    let blank = true;
    for (const field of layout.fields) {
      const column = columns.get(field);
      const cell = column === undefined ? null : cellOf(row.getCell(column).value);
      cells[field] = cell;
      if (cell !== null) blank = false;
    }
    if (!blank) rows.push({ sheetRow: number, cells });
  }
  return { rows, unknownHeaders };
}

/** A row that failed validation: a kebab-case reason and the row's cells as JSON (the dead letter's body). */
export interface RowRejection {
  readonly sheetRow: number;
  readonly reason: string;
  readonly body: string;
}

export interface ParsedWorkbook<R> {
  readonly rows: readonly R[];
  readonly rejections: readonly RowRejection[];
  readonly unknownHeaders: readonly string[];
}

/** Text of an identifier cell: text as is, a number as its digits (spreadsheets turn numeric ids into numbers). */
export function idText(cell: Cell): string | null {
  if (typeof cell === 'string') return cell.trim();
  if (typeof cell === 'number' && Number.isFinite(cell)) return String(cell);
  return null;
}

/** The cells of a row as JSON (dates as ISO text): the body of a rejected row's dead letter. */
export function rowJson<F extends string>(row: SheetRow<F>): string {
  return JSON.stringify({ sheetRow: row.sheetRow, ...row.cells });
}

import ExcelJS from 'exceljs';

export const AGENT_STATE_HEADERS = ['Agent Id', 'Agent Name', 'Extension', 'State', 'Reason', 'Start Time', 'End Time', 'Duration (s)'];
export const BILLING_HEADERS = ['Date', 'Account Name', 'Customer Name', 'Customer Id', 'Service', 'Description', 'Quantity', 'Unit', 'Unit Price', 'Amount'];

/** An XLSX workbook with one sheet: the header row, then the rows as given (null = blank cell). */
export async function workbook(sheet: string, headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(sheet);
  ws.addRow([...headers]);
  for (const row of rows) ws.addRow(row.map((cell) => cell ?? undefined));
  return new Uint8Array(await book.xlsx.writeBuffer());
}

/** A closed interval row of the agent-state sheet in UTC (`Z` offsets). */
export function intervalRow(agentId: string, state: string, startMs: number, endMs: number | null, reason: string | null = null): Array<string | number | null> {
  return [agentId, `Agent ${agentId}`, `10${agentId.slice(-1)}`, state, reason, new Date(startMs).toISOString(), endMs === null ? null : new Date(endMs).toISOString(), endMs === null ? null : (endMs - startMs) / 1000];
}

import ExcelJS from 'exceljs';

/** The XLSX bytes of a sheet with `headers` in row 1 and one row per entry of `rows` (keys in header order). */
export async function writeSheet(sheetName: string, headers: readonly string[], keys: readonly string[], rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'agent-timelines Evo Voice simulator';
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...headers]);
  for (const row of rows) sheet.addRow(keys.map((key) => row[key] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

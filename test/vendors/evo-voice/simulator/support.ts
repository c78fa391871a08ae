import ExcelJS from 'exceljs';
import type { EvoSimulatorOptions, ReportInfo, RunningEvoSimulator } from '../../../../src/vendors/evo-voice/simulator/index.ts';
import { startEvoSimulator } from '../../../../src/vendors/evo-voice/simulator/index.ts';

export const FROM = Date.parse('2026-11-02T00:00:00.000Z');
export const TO = Date.parse('2026-11-04T00:00:00.000Z');
export const CREDENTIALS = { username: 'evo-user', password: 's3cret' };
export const AUTHORIZATION = basic(CREDENTIALS.username, CREDENTIALS.password);

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A historical simulator with fast jobs (10 ms queued, 20 ms running). */
export function simulator(overrides: Partial<EvoSimulatorOptions> = {}): Promise<RunningEvoSimulator> {
  return startEvoSimulator({ seed: 7, agents: 6, from: FROM, to: TO, clock: { mode: 'historical' }, credentials: CREDENTIALS, jobs: { queuedMs: 10, runningMs: 20 }, ...overrides });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

/** One request under the simulator's base URL: Basic-authorized, Accept JSON, unless `init.headers` overrides. */
export async function call(sim: RunningEvoSimulator, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, { method, headers: { authorization: AUTHORIZATION, accept: 'application/json', ...init.headers }, body: init.body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POST a JSON body. */
export function postJson(sim: RunningEvoSimulator, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  return call(sim, 'POST', path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Submits an agent-state report and returns its ReportInfo (fails on a non-200). */
export async function submitAgentState(sim: RunningEvoSimulator, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ReportInfo> {
  const answer = await postJson(sim, '/reports/agent-state', body, headers);
  if (answer.status !== 200) throw new Error(`submit: ${answer.status} ${answer.text}`);
  return answer.json as unknown as ReportInfo;
}

/** The report as listed, or undefined. */
export async function listed(sim: RunningEvoSimulator, id: string, headers: Record<string, string> = {}): Promise<ReportInfo | undefined> {
  const answer = await call(sim, 'GET', '/reports', { headers });
  if (answer.status !== 200) throw new Error(`list: ${answer.status} ${answer.text}`);
  return (answer.json?.['reports'] as ReportInfo[]).find((r) => r.id === id);
}

/** Polls the list until the report's status is one of `statuses`; fails after `deadlineMs`. */
export async function waitForStatus(sim: RunningEvoSimulator, id: string, statuses: readonly string[], deadlineMs = 20_000, headers: Record<string, string> = {}): Promise<ReportInfo> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const report = await listed(sim, id, headers);
    if (report !== undefined && statuses.includes(report.status)) return report;
    if (Date.now() > deadline) throw new Error(`report ${id} did not reach ${statuses.join('|')} in ${deadlineMs} ms (last: ${report?.status ?? 'absent'})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Downloads the workbook bytes (fails on a non-200). */
export async function download(sim: RunningEvoSimulator, id: string): Promise<Buffer> {
  const response = await fetch(`${sim.url}/reports/${id}.xlsx`, { headers: { authorization: AUTHORIZATION, accept: '*/*' } });
  if (response.status !== 200) throw new Error(`download: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The sheet's rows as arrays of cell values (row 1 = headers; a blank cell is null), parsed with exceljs. */
export async function sheetRows(bytes: Buffer, sheetName: string): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(sheetName);
  if (sheet === undefined) throw new Error(`no sheet ${sheetName}; sheets: ${workbook.worksheets.map((w) => w.name).join(', ')}`);
  const width = sheet.getRow(1).cellCount;
  const out: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = row.values as unknown[];
    out.push(Array.from({ length: width }, (_, i) => values[i + 1] ?? null));
  });
  return out;
}

/** Submits, waits for Completed and returns the sheet's rows. */
export async function runAgentState(sim: RunningEvoSimulator, body: Record<string, unknown>): Promise<unknown[][]> {
  const info = await submitAgentState(sim, body);
  await waitForStatus(sim, info.id, ['Completed']);
  return sheetRows(await download(sim, info.id), 'Agent States');
}

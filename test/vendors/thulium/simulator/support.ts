import type { RunningThuliumSimulator, ThuliumSimulatorOptions } from '../../../../src/vendors/thulium/simulator/index.ts';
import { startThuliumSimulator } from '../../../../src/vendors/thulium/simulator/index.ts';

/** A range around the Europe/Warsaw fall-back day 2026-10-25 (25 local hours). */
export const FALL_FROM = Date.parse('2026-10-23T22:00:00.000Z');
export const FALL_TO = Date.parse('2026-10-26T23:00:00.000Z');
export const CREDENTIALS = { username: 'api_user', password: 'api_pass' };

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A historical simulator (now = to) over the fall-back range, 5 agents, seed 7. */
export function simulator(overrides: Partial<ThuliumSimulatorOptions> = {}): Promise<RunningThuliumSimulator> {
  return startThuliumSimulator({ seed: 7, agents: 5, from: FALL_FROM, to: FALL_TO, clock: { mode: 'historical' }, credentials: CREDENTIALS, ...overrides });
}

export interface Answer {
  status: number;
  headers: Headers;
  json: unknown;
}

/** GET `path` under the simulator, Basic-authorized as CREDENTIALS unless `headers` overrides. */
export async function get(sim: RunningThuliumSimulator, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, { headers: { authorization: basic(CREDENTIALS.username, CREDENTIALS.password), accept: 'application/json', ...headers } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

/** A work-report row as served (only the fields tests read are typed). */
export interface Row {
  agent: { login: string; name: string; surname: string };
  period: string;
  inbound: { count: number; answered_count: number; not_answered_count: number; transferred_count: number; sum: string; average: string; wait_sum: number; wait_average: string; calls_per_hour: number };
  chat: { closed: number; responded: number };
  ticket: { closed: number; responded: number; total_responded: number };
  outbound_above_threshold: { count: number; sum: string; average: string };
  outbound_below_threshold: { count: number; sum: string; average: string };
  login_date: string | null;
  logout_date: string | null;
  pauses: Array<{ id: string | number; count: number; sum: string; average?: string }>;
}

/** Query string of a work report; `params` values may be lists (sent as `name[]=…`). */
export function reportQuery(params: Record<string, string | number | readonly string[]>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value as readonly string[]) search.append(`${name}[]`, v);
    else search.append(name, String(value));
  }
  return `/api/agents_work_report?${search.toString()}`;
}

/** Every row of a report, paging by `limit` (default 100) until a short or empty page. */
export async function allRows(sim: RunningThuliumSimulator, params: Record<string, string | number | readonly string[]>, limit = 100): Promise<Row[]> {
  const rows: Row[] = [];
  for (;;) {
    const answer = await get(sim, reportQuery({ ...params, limit, offset: rows.length }));
    if (answer.status !== 200) throw new Error(`report: ${answer.status} ${JSON.stringify(answer.json)}`);
    const page = answer.json as Row[];
    rows.push(...page);
    if (page.length < limit) return rows;
  }
}

/** Seconds of an `HH:MM:SS` duration (hours unbounded). */
export function seconds(text: string): number {
  const match = /^(\d+):(\d{2}):(\d{2})$/.exec(text);
  if (match === null) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * 3_600 + Number(match[2]) * 60 + Number(match[3]);
}

/** The pause item `id` of a row. */
export function pause(row: Row, id: string | number): { count: number; sum: string; average?: string } {
  const item = row.pauses.find((p) => p.id === id);
  if (item === undefined) throw new Error(`no pause ${String(id)}`);
  return item;
}

import type { RunningSimulator, SimulatorOptions } from '../../../../src/vendors/sinch/simulator/index.ts';
import { startSimulator } from '../../../../src/vendors/sinch/simulator/index.ts';

export const FROM = Date.parse('2024-03-04T00:00:00.000Z');
export const TO = Date.parse('2024-03-05T00:00:00.000Z');
export const CREDENTIALS = { username: 'rai-user', password: 's3cret' };
export const AUTHORIZATION = `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`;

export function simulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return startSimulator({ seed: 7, agents: 16, from: FROM, to: TO, clock: { mode: 'historical' }, credentials: CREDENTIALS, ...overrides });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** GET `path` (with query) under the simulator's base URL, authorized and asking for JSON unless overridden. */
export async function get(sim: RunningSimulator, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, { headers: { authorization: AUTHORIZATION, accept: 'application/json', ...headers } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** GET and parse a 200 JSON array; fails with the body otherwise. */
export async function rows(sim: RunningSimulator, path: string): Promise<Array<Record<string, unknown>>> {
  const answer = await get(sim, path);
  if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text) as Array<Record<string, unknown>>;
}

/** All pages of `path` (which must not set offset/limit) with limit 1000. */
export async function allRows(sim: RunningSimulator, path: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await rows(sim, `${path}&offset=${offset}&limit=1000`);
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

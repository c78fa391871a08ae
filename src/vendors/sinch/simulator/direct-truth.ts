import { writeFile } from 'node:fs/promises';
import type { GeneratedDay } from './model/generated-day.ts';
import type { SimContact } from './model/sim-contact.ts';

const QUARTER_HOUR = 900_000;

/**
 * One line of the Sinch simulator's Direct truth (`simulate --export-truth FILE` writes them to `FILE.direct.ndjson`):
 * per agent and quarter-hour (intervalStart ISO-8601 UTC) with a direct call, the agentStatistic Direct fields as the
 * model states them. A direct call is one no queue routed (the model's `direct`), connected to the agent: it is
 * handled over [connect, disconnect), which the durations split at quarter-hours; its count goes to the quarter-hour of
 * its last handled millisecond (disconnect − 1), where countOfHandledCallIn/Out count a call. Internal direct calls
 * count too: the agent handled them. Computed from the model's contacts only, never from what the simulator serves.
 */
export interface DirectTruthLine {
  readonly userId: string;
  readonly intervalStart: string;
  readonly callInDirectDuration: number;
  readonly countOfHandledCallInDirect: number;
  readonly callOutDirectDuration: number;
  readonly countOfHandledCallOutDirect: number;
}

function isDirectCall(contact: SimContact): boolean {
  return contact.direct && contact.user !== undefined && contact.connect !== null && contact.disconnect > contact.connect && (contact.type === 'CallIn' || contact.type === 'CallOut');
}

/** The day's Direct truth: by userId, then intervalStart. */
export function directTruthRecords(day: GeneratedDay): DirectTruthLine[] {
  const cells = new Map<string, { userId: string; start: number; inMs: number; inCount: number; outMs: number; outCount: number }>();
  const cell = (userId: string, start: number) => {
    const key = `${userId}|${start}`;
    let found = cells.get(key);
    if (found === undefined) cells.set(key, (found = { userId, start, inMs: 0, inCount: 0, outMs: 0, outCount: 0 }));
    return found;
  };
  for (const { contact } of day.contacts) {
    if (!isDirectCall(contact)) continue;
    const userId = contact.user!.userId;
    const inbound = contact.type === 'CallIn';
    for (let at = contact.connect!; at < contact.disconnect; ) {
      const start = Math.floor(at / QUARTER_HOUR) * QUARTER_HOUR;
      const end = Math.min(contact.disconnect, start + QUARTER_HOUR);
      const c = cell(userId, start);
      if (inbound) c.inMs += end - at;
      else c.outMs += end - at;
      at = end;
    }
    const last = cell(userId, Math.floor((contact.disconnect - 1) / QUARTER_HOUR) * QUARTER_HOUR);
    if (inbound) last.inCount++;
    else last.outCount++;
  }
  return [...cells.values()]
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.start - b.start))
    .map((c) => ({
      userId: c.userId, intervalStart: new Date(c.start).toISOString(),
      callInDirectDuration: c.inMs, countOfHandledCallInDirect: c.inCount, callOutDirectDuration: c.outMs, countOfHandledCallOutDirect: c.outCount,
    }));
}

/** The file the Direct truth goes to, beside the state intervals' `file`. */
export function directTruthFile(file: string): string {
  return `${file}.direct.ndjson`;
}

/** Writes the day's Direct truth to {@link directTruthFile}; returns how many lines. */
export async function exportDirectTruth(file: string, day: GeneratedDay): Promise<number> {
  const lines = directTruthRecords(day);
  await writeFile(directTruthFile(file), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return lines.length;
}

import { writeFile } from 'node:fs/promises';
import type { GeneratedDay } from './model/generated-day.ts';
import type { Presence } from './model/state-intervals.ts';

/**
 * One line of a simulator's truth export: an interval of an agent's true state. The format every simulator of the
 * project writes: times ISO-8601 UTC with milliseconds (`start` inclusive, `end` exclusive), `presence` one of
 * Ready/NotReady/Pause (null where a vendor has no presence), `handling` a Sinch handling status name or null.
 */
export interface TruthRecord {
  readonly agentId: string;
  readonly agentName: string;
  readonly start: string;
  readonly end: string;
  readonly presence: Presence | null;
  readonly handling: string | null;
}

/** The day's true state intervals in the export format, by agentId, then start. */
export function truthRecords(day: GeneratedDay): TruthRecord[] {
  return day.stateIntervals.map((i) => ({
    agentId: i.agentId,
    agentName: i.agentName,
    start: new Date(i.start).toISOString(),
    end: new Date(i.end).toISOString(),
    presence: i.presence,
    handling: i.handling,
  }));
}

/** Writes the day's truth intervals to `file`, one JSON line each; returns how many. */
export async function exportTruth(file: string, day: GeneratedDay): Promise<number> {
  const records = truthRecords(day);
  await writeFile(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return records.length;
}

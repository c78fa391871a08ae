import { writeFile } from 'node:fs/promises';
import type { TruthLine } from '../../../core/truth/truth-line.ts';
import { truthLine, truthNdjson } from '../../../core/truth/truth-line.ts';
import type { GeneratedDay } from './model/generated-day.ts';

/**
 * The day's true state intervals as truth-export lines (src/core/truth/truth-line.ts), by agentId, then start. Every
 * Sinch session ends inside the generated range, so `end` is never null here.
 */
export function truthRecords(day: GeneratedDay): TruthLine[] {
  return day.stateIntervals.map(truthLine);
}

/** Writes the day's truth intervals to `file`, one JSON line each; returns how many. */
export async function exportTruth(file: string, day: GeneratedDay): Promise<number> {
  const lines = truthRecords(day);
  await writeFile(file, truthNdjson(lines));
  return lines.length;
}

import { writeFile } from 'node:fs/promises';
import type { TruthInterval, TruthLine } from '../../../core/truth/truth-line.ts';
import { truthLine, truthNdjson } from '../../../core/truth/truth-line.ts';
import type { SimCall } from './model/call-model.ts';
import { isListed, workShownAt } from './model/call-record.ts';

/**
 * The truth lines at simulated time `now`, from the model (never from what the API serves): for every answered call
 * the API lists at `now`, one line per stretch between two interactions from Answer to Hangup (talk, hold and
 * transfer alike are handling of the call: Talking_Inbound or Talking_Outbound by its type), then its after-call work
 * [Hangup, Hangup + work) as Wrap once the work time is recorded. Presence is null: HostedSuite has none. By agent,
 * then start.
 */
export function truthLines(calls: readonly SimCall[], now: number): TruthLine[] {
  const intervals: TruthInterval[] = [];
  for (const call of calls) {
    if (call.operator === null || !isListed(call, now)) continue;
    const agent = call.operator;
    const handling = call.type === 'Incoming' ? 'Talking_Inbound' : 'Talking_Outbound';
    const steps = call.interactions;
    for (let i = 0; i + 1 < steps.length; i++) {
      const a = steps[i];
      const b = steps[i + 1];
      if (a === undefined || b === undefined || b.at <= a.at) continue;
      intervals.push({ agentId: agent, agentName: agent, start: a.at, end: b.at, presence: null, handling });
    }
    const work = workShownAt(call, now);
    if (work > 0) intervals.push({ agentId: agent, agentName: agent, start: call.hangupAt, end: call.hangupAt + work, presence: null, handling: 'Wrap' });
  }
  intervals.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.start - b.start));
  return intervals.map(truthLine);
}

/** Writes the truth lines at `now` to `file`; returns how many. */
export async function exportTruth(file: string, calls: readonly SimCall[], now: number): Promise<number> {
  const lines = truthLines(calls, now);
  await writeFile(file, truthNdjson(lines));
  return lines.length;
}

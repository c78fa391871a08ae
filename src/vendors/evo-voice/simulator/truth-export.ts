import { writeFile } from 'node:fs/promises';
import type { TruthLine } from '../../../core/truth/truth-line.ts';
import { truthLine, truthNdjson } from '../../../core/truth/truth-line.ts';
import { CANONICAL_STATE } from './model/canonical-state.ts';
import type { EvoWorld } from './model/evo-world.ts';
import { visibleAt } from './model/visible-interval.ts';

/**
 * The truth lines of every account at simulated time `now`: one per interval that has started and is not LoggedOut,
 * mapped by the contract's table, `end` null while open at `now`; by agentId, then start. These are exactly the
 * logged-in rows of the agent-state workbooks of any windows covering [from, now) run at `now`.
 */
export function truthLines(world: EvoWorld, now: number): TruthLine[] {
  const lines: TruthLine[] = [];
  for (const { intervals } of world.accounts) {
    for (const interval of intervals) {
      const canonical = CANONICAL_STATE[interval.state];
      const visible = visibleAt(interval, now);
      if (canonical === null || visible === null) continue;
      lines.push(truthLine({ agentId: visible.agentId, agentName: visible.agentName, start: visible.start, end: visible.end, ...canonical }));
    }
  }
  return lines.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Writes the truth lines at `now` to `file`; returns how many. */
export async function exportTruth(file: string, world: EvoWorld, now: number): Promise<number> {
  const lines = truthLines(world, now);
  await writeFile(file, truthNdjson(lines));
  return lines.length;
}

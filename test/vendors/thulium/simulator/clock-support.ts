import { DateTime } from 'luxon';
import type { ThuliumWorld } from '../../../../src/vendors/thulium/simulator/index.ts';

/** The status object of `login` at `now`, read straight from the model's status runs (test code, not the server's). */
export function runAtForTest(world: ThuliumWorld, login: string, now: number): { login: string; status: string; pause_id: number | null; last_change: string } {
  const timeline = world.timelines.find((t) => t.agent.login === login);
  const run = timeline?.runs.find((r) => r.start <= now && now < r.end);
  if (run === undefined) throw new Error(`no run of ${login} at ${now}`);
  return { login, status: run.status, pause_id: run.status === 'PAUSED' ? run.pauseId : null, last_change: DateTime.fromMillis(run.start, { zone: world.options.zone }).toFormat('yyyy-MM-dd HH:mm:ss') };
}

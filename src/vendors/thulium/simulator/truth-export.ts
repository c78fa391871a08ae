import { writeFile } from 'node:fs/promises';
import type { TruthLine } from '../../../core/truth/truth-line.ts';
import { truthLine, truthNdjson } from '../../../core/truth/truth-line.ts';
import { canonicalState } from './model/canonical-state.ts';
import type { ThuliumWorld } from './model/thulium-world.ts';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The truth lines at simulated time `now`: one per model segment (not OFF) overlapping [from, now), clipped to it,
 * `end` null while open at `now`; by agentId (the login), then start. Consecutive lines may map alike.
 */
export function truthLines(world: ThuliumWorld, now: number): TruthLine[] {
  const lines: TruthLine[] = [];
  for (const { agent, segments } of world.timelines) {
    for (const s of segments) {
      const canonical = canonicalState(s.status, s.activity);
      if (canonical === null || s.end <= world.options.from || s.start >= now) continue;
      lines.push(truthLine({ agentId: agent.login, agentName: `${agent.name} ${agent.surname}`, start: Math.max(s.start, world.options.from), end: s.end > now ? null : s.end, ...canonical }));
    }
  }
  return lines;
}

/** A line of `<FILE>.thulium.ndjson`: a status run or a count event, times ISO-8601 UTC. */
export type VendorModelLine =
  | { type: 'status'; agentId: string; start: string; end: string | null; status: string; pauseId: number | null }
  | { type: 'event'; agentId: string; kind: string; at: string; talkSeconds?: number; pauseId?: number; seconds?: number };

/**
 * The vendor-level model at `now` (contract: status runs, OFF included, clipped to [from, now) with `end` null while
 * open; then the count events in [from, now), and outbound calls that connected earlier but still talk after `from`), per agent in login order. Straight from the model, not the served API.
 */
export function vendorModelLines(world: ThuliumWorld, now: number): VendorModelLine[] {
  const lines: VendorModelLine[] = [];
  const { from } = world.options;
  for (const { agent, runs, events } of world.timelines) {
    for (const run of runs) {
      if (run.end <= from || run.start >= now) continue;
      lines.push({ type: 'status', agentId: agent.login, start: iso(Math.max(run.start, from)), end: run.end > now ? null : iso(run.end), status: run.status, pauseId: run.pauseId });
    }
    for (const e of events) {
      // an outbound call that connected before `from` still talks into the range: its talk time is reported there
      const talkEnd = e.kind === 'outboundCall' ? e.at + (e.talkSeconds ?? 0) * 1000 : e.at;
      if ((e.at < from && talkEnd <= from) || e.at >= now) continue;
      lines.push({
        type: 'event', agentId: agent.login, kind: e.kind, at: iso(e.at),
        ...(e.talkSeconds === undefined ? {} : { talkSeconds: e.talkSeconds }),
        ...(e.pauseId === undefined ? {} : { pauseId: e.pauseId }),
        ...(e.seconds === undefined ? {} : { seconds: e.seconds }),
      });
    }
  }
  return lines;
}

/** Writes the truth lines to `file` and the vendor-level model to `<file>.thulium.ndjson`; returns the counts. */
export async function exportTruth(file: string, world: ThuliumWorld, now: number): Promise<{ truth: number; vendor: number }> {
  const truth = truthLines(world, now);
  const vendor = vendorModelLines(world, now);
  await writeFile(file, truthNdjson(truth));
  await writeFile(`${file}.thulium.ndjson`, vendor.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return { truth: truth.length, vendor: vendor.length };
}

/**
 * The truth export every simulator of the project writes (`simulate --export-truth FILE`): one line per interval in
 * which an agent is logged in, stated by the simulator's model, never derived from what it serves. End-to-end tests
 * compute their expectations from these lines with code written apart from the pipeline.
 *
 * Lives in core because it is a vendor-neutral data contract that every vendor's simulator must produce and no
 * vendor folder may import another; it is pure (formatting only), so the file writing stays with each simulator.
 */

/** Presence in the canonical model (Sinch's userStatus names); null where a vendor has no presence. */
export type TruthPresence = 'Ready' | 'NotReady' | 'Pause';

/**
 * One line of the export. `start` inclusive, `end` exclusive, both ISO-8601 UTC with milliseconds
 * (`2026-11-29T08:15:03.250Z`); `end` null while the interval is still open at the simulator's now. `handling` is a
 * Sinch handling status name (Waiting, Preview, Wrap, Talking_Inbound, …) or null where the vendor has none.
 * `profileId`, `profile` and `profileReason` name the presence profile in force (the agent's latest profile change),
 * `campaignId` the outbound campaign the agent serves; each is null where unknown or absent (no profile reported, no
 * campaign joined, a vendor without either). Consecutive lines of one agent may carry the same values throughout (a
 * new vendor interval): consumers must not assume each line is a change.
 */
export interface TruthLine {
  readonly agentId: string;
  readonly agentName: string;
  readonly start: string;
  readonly end: string | null;
  readonly presence: TruthPresence | null;
  readonly handling: string | null;
  readonly profileId: string | null;
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly campaignId: string | null;
}

/** An interval in epoch ms, as a simulator's model holds it (`end` null: open; a profile or campaign field absent: null). */
export interface TruthInterval {
  readonly agentId: string;
  readonly agentName: string;
  readonly start: number;
  readonly end: number | null;
  readonly presence: TruthPresence | null;
  readonly handling: string | null;
  readonly profileId?: string | null;
  readonly profile?: string | null;
  readonly profileReason?: string | null;
  readonly campaignId?: string | null;
}

/** The export line of an interval, keys in the export's order. */
export function truthLine(interval: TruthInterval): TruthLine {
  return {
    agentId: interval.agentId,
    agentName: interval.agentName,
    start: new Date(interval.start).toISOString(),
    end: interval.end === null ? null : new Date(interval.end).toISOString(),
    presence: interval.presence,
    handling: interval.handling,
    profileId: interval.profileId ?? null,
    profile: interval.profile ?? null,
    profileReason: interval.profileReason ?? null,
    campaignId: interval.campaignId ?? null,
  };
}

/** The export file's text: one JSON object per line, each line ending in `\n`. */
export function truthNdjson(lines: readonly TruthLine[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/**
 * The agentHistory breakdown (RAI `/agentHistory` with showProfile / showCampaign) computed from a simulator's TRUTH
 * LINES, for the independent end-to-end check. Like truth-statistics.ts (whose field rules it reuses) it shares no
 * code with src/core: the rules are restated here from the Sinch document and the engine's contract.
 *
 * Every counted millisecond of an agent (counted and valued as in truth-statistics.ts) belongs to one PART:
 *   profile, profileReason   those of the line it lies in: the session's latest user-status row (null when that row
 *                            names no profile, as the first row of a Sinch session);
 *   campaignId               the line's campaign: OutboundServing of the latest OBJoin until an OBUnJoin (else null).
 * A handled-contact count belongs to the part of its run's last counted millisecond (in that ms's UTC quarter-hour),
 * even when the run crossed a profile or campaign change. The parts of an agent's quarter-hour sum to its
 * truthStatistics() row. profileId is not a dimension: the engine reads agentStatusHistory, which names a profile but
 * carries no id.
 */
import type { TruthField, TruthLine, TruthOptions } from './truth-statistics.ts';
import { groupedTruth, TRUTH_FIELDS } from './truth-statistics.ts';

export interface TruthPartDims {
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly campaignId: string | null;
}

/** One agent's values in one period and part. */
export interface TruthHistoryRow extends TruthPartDims {
  readonly agentId: string;
  readonly userName: string;
  /** The period's start, ISO UTC with ms. */
  readonly intervalStart: string;
  readonly values: Record<TruthField, number>;
}

const DAY = 86_400_000;

/** The part of a line, as a comparable key: `[profile, profileReason, campaignId]` as JSON. */
export function truthPartKey(dims: { readonly profile?: string | null; readonly profileReason?: string | null; readonly campaignId?: string | null }): string {
  return JSON.stringify([dims.profile ?? null, dims.profileReason ?? null, dims.campaignId ?? null]);
}

function dimsOf(key: string): TruthPartDims {
  const [profile, profileReason, campaignId] = JSON.parse(key) as [string | null, string | null, string | null];
  return { profile, profileReason, campaignId };
}

/** The key of a breakdown row: `agentId|intervalStart|part key`. */
export function truthHistoryKey(row: { readonly agentId: string; readonly intervalStart: string } & TruthPartDims): string {
  return `${row.agentId}|${row.intervalStart}|${truthPartKey(row)}`;
}

export interface HistoryViewOptions extends TruthOptions {
  /** quarterHour (default) or day: UTC periods. */
  readonly period?: 'quarterHour' | 'day';
  /** Only the parts of this campaign (compared case-insensitively); parts without a campaign drop out. */
  readonly campaignId?: string;
}

/**
 * The breakdown per agent, UTC period and part, keyed by {@link truthHistoryKey}; only rows with time or a count.
 * A day is the sum of its quarter-hours, part by part.
 */
export function truthHistory(lines: readonly TruthLine[], options: HistoryViewOptions = {}): Map<string, TruthHistoryRow> {
  const rows = new Map<string, TruthHistoryRow>();
  const wanted = options.campaignId?.toUpperCase();
  for (const [agentId, { name, quarters }] of groupedTruth(lines, truthPartKey, options)) {
    for (const [quarter, parts] of quarters) {
      const start = options.period === 'day' ? Math.floor(quarter / DAY) * DAY : quarter;
      for (const [part, values] of parts) {
        const dims = dimsOf(part);
        if (wanted !== undefined && dims.campaignId?.toUpperCase() !== wanted) continue;
        const row: TruthHistoryRow = { agentId, userName: name, intervalStart: new Date(start).toISOString(), ...dims, values: Object.fromEntries(TRUTH_FIELDS.map((f) => [f, 0])) as Record<TruthField, number> };
        const key = truthHistoryKey(row);
        const into = rows.get(key) ?? row;
        for (const field of TRUTH_FIELDS) into.values[field] += values[field];
        rows.set(key, into);
      }
    }
  }
  return rows;
}

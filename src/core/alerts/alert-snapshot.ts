import type { AgentFacts } from './agent-facts.ts';
import type { AlertEpisode } from './alert-episode.ts';

/** The version of {@link AlertSnapshot} this code writes and reads. */
export const ALERT_SNAPSHOT_FORMAT = 1;

/**
 * Everything a tenant's evaluator knows, as plain JSON: restoring it and evaluating the same inputs gives the same
 * transitions as an evaluator that never stopped. Rules are not part of it (they come from the configuration).
 */
export interface AlertSnapshot {
  readonly format: number;
  readonly tenant: string;
  readonly agents: readonly AgentFacts[];
  readonly episodes: readonly AlertEpisode[];
}

/** Thrown by restore for a snapshot this release cannot read. */
export class AlertSnapshotError extends Error {
  override readonly name = 'AlertSnapshotError';
}

/** Checks the envelope of a parsed snapshot (its format and its arrays); throws {@link AlertSnapshotError}. */
export function checkAlertSnapshot(value: unknown, tenant: string): AlertSnapshot {
  if (typeof value !== 'object' || value === null) throw new AlertSnapshotError('alert snapshot is not an object');
  const snapshot = value as Partial<AlertSnapshot>;
  if (snapshot.format !== ALERT_SNAPSHOT_FORMAT) throw new AlertSnapshotError(`alert snapshot format ${String(snapshot.format)} is not ${ALERT_SNAPSHOT_FORMAT}`);
  if (snapshot.tenant !== tenant) throw new AlertSnapshotError(`alert snapshot of tenant ${String(snapshot.tenant)} restored into ${tenant}`);
  if (!Array.isArray(snapshot.agents) || !Array.isArray(snapshot.episodes)) throw new AlertSnapshotError('alert snapshot without agents or episodes');
  return snapshot as AlertSnapshot;
}

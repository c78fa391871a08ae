/**
 * The evaluator's record of the latest episode of one rule for one agent (or for the tenant): open while the
 * predicate holds with the same start; kept closed afterwards so that an episode never starts twice (a later
 * episode must start after it).
 */
export interface AlertEpisode {
  readonly ruleId: string;
  readonly ruleKind: 'state-duration' | 'ready-below';
  readonly agentId: string | null;
  readonly since: number;
  open: boolean;
  /** Null until it fires. */
  firedAt: number | null;
  userName: string | null;
  userStatus: string | null;
  handlingStatus: string | null;
  reason: string | null;
  readyCount: number | null;
}

/** The map key of a rule's episode for an agent (null: tenant-wide). */
export function episodeKey(ruleId: string, agentId: string | null): string {
  return agentId === null ? `${ruleId}\u0000` : `${ruleId}\u0000${agentId}`;
}

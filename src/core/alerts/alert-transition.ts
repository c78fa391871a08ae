/** A step in an alert's lifecycle: an episode starts `firing` once and is `resolved` once. */
export interface AlertTransition {
  /** {@link alertId}: the same for both transitions of an episode, and on every evaluation of the same input. */
  readonly id: string;
  readonly status: 'firing' | 'resolved';
  readonly tenant: string;
  readonly ruleId: string;
  readonly ruleKind: 'state-duration' | 'ready-below';
  /** Null for a tenant-wide rule. */
  readonly agentId: string | null;
  readonly userName: string | null;
  /** Start of the episode: when the agent entered the state, or when the Ready count fell below the floor. */
  readonly since: number;
  /** When the evaluator decided the episode fires (its clock). */
  readonly firedAt: number;
  /** When the evaluator decided it is resolved; null while firing. */
  readonly resolvedAt: number | null;
  /** The state at firing: presence, handling status and reason (profile, else profileReason); null for tenant rules or where unknown. */
  readonly userStatus: string | null;
  readonly handlingStatus: string | null;
  readonly reason: string | null;
  /** Ready agents at firing (tenant-wide rules); null for agent rules. */
  readonly readyCount: number | null;
}

/**
 * The stable id of an episode: `tenant/rule/agent/since` (the agent id URI-encoded), or `tenant/rule/since` for a
 * tenant-wide rule. Tenant and rule ids contain no `/`, so the id is unambiguous.
 */
export function alertId(tenant: string, ruleId: string, agentId: string | null, since: number): string {
  return agentId === null ? `${tenant}/${ruleId}/${since}` : `${tenant}/${ruleId}/${encodeURIComponent(agentId)}/${since}`;
}

import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AgentSnapshot } from '../core/live/agent-snapshot.ts';
import type { Disagreement } from '../core/live/reconcile.ts';
import { confirmedDisagreement } from '../core/live/reconcile.ts';
import type { AgentStateRow } from '../state/store-types.ts';

const METRIC = 'agent_timelines_agent_status_disagreements_total';
/** How many disagreements one server remembers having counted (the oldest are forgotten first). */
const REMEMBERED = 10_000;

/**
 * Applies the reconciliation rule of /agentStatus (docs/http-api.md, "Reconciliation"): an agent whose newest vendor
 * snapshot disagrees with the history's state for longer than the grace period ({@link confirmedDisagreement}) is
 * served with the snapshot's login state, userStatus and handling status (and their since times), and each distinct
 * disagreement (tenant, agent, kind, the vendor's change time) is counted once per server in
 * `agent_timelines_agent_status_disagreements_total{kind}` and logged once. The timeline and the statistics are not
 * changed: they follow the history, which a late row corrects.
 *
 * Lifecycle: one per server; {@link resolve} any number of times, concurrently.
 */
export class AgentStatusReconciliation {
  readonly #graceMs: number;
  readonly #logger: Logger;
  readonly #counter: Counter<'kind'>;
  readonly #seen = new Set<string>();

  constructor(options: { graceMs: number; registry: Registry; logger: Logger }) {
    this.#graceMs = options.graceMs;
    this.#logger = options.logger.child({ component: 'agent-status-reconciliation' });
    this.#counter = (options.registry.getSingleMetric(METRIC) as Counter<'kind'> | undefined)
      ?? new Counter({ name: METRIC, help: 'Agents whose vendor snapshot disagreed with the state built from the status history for longer than AGENT_STATUS_RECONCILE_GRACE_MS, by kind (each counted once per server)', labelNames: ['kind'], registers: [options.registry] });
  }

  /** The state to serve for `state` given the agent's newest snapshot, and the disagreement when one was resolved. */
  resolve(tenant: string, state: AgentStateRow, snapshot: AgentSnapshot | undefined, completeUpTo: number | null): { state: AgentStateRow; disagreement: Disagreement | null } {
    const changes = [state.userStatusSince, state.handlingStatusSince].filter((t): t is number => t !== null);
    const history = { ...state, lastChange: changes.length === 0 ? state.asOf : Math.max(...changes), completeUpTo };
    const disagreement = confirmedDisagreement(history, snapshot, this.#graceMs);
    if (disagreement === null) return { state, disagreement };
    this.#count(tenant, state, disagreement, completeUpTo);
    const { view } = disagreement;
    const resolved: AgentStateRow = view.loggedIn
      ? { ...state, loggedIn: true, userStatus: view.userStatus, userStatusSince: view.userStatusSince, handlingStatus: view.handlingStatus, handlingStatusSince: view.handlingStatusSince }
      : { ...state, loggedIn: false, userStatus: 'LoggedOut', userStatusSince: view.userStatusSince, handlingStatus: 'LoggedOut', handlingStatusSince: view.userStatusSince, profile: null, profileReason: null, campaignId: null };
    return { state: resolved, disagreement };
  }

  #count(tenant: string, state: AgentStateRow, disagreement: Disagreement, completeUpTo: number | null): void {
    const key = `${tenant}|${state.userId}|${disagreement.kind}|${disagreement.vendorSince}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#seen.size > REMEMBERED) this.#seen.delete(this.#seen.values().next().value!);
    this.#counter.inc({ kind: disagreement.kind });
    this.#logger.warn(
      { tenant, userId: state.userId, kind: disagreement.kind, vendorSince: new Date(disagreement.vendorSince).toISOString(), historyAsOf: new Date(state.asOf).toISOString(), historyCompleteUpTo: completeUpTo === null ? null : new Date(completeUpTo).toISOString(), history: { loggedIn: state.loggedIn, userStatus: state.userStatus, handlingStatus: state.handlingStatus }, vendor: disagreement.view },
      'the vendor snapshot disagrees with the status history beyond the grace period; serving the snapshot\'s status',
    );
  }
}

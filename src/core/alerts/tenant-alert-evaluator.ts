import type { AgentFacts } from './agent-facts.ts';
import type { AlertEpisode } from './alert-episode.ts';
import { episodeKey } from './alert-episode.ts';
import type { AlertRule, ReadyBelowRule, StateDurationRule } from './alert-rule.ts';
import { isReady, matchingSince } from './alert-rule.ts';
import type { AlertSnapshot } from './alert-snapshot.ts';
import { ALERT_SNAPSHOT_FORMAT, checkAlertSnapshot } from './alert-snapshot.ts';
import type { AlertTransition } from './alert-transition.ts';
import { alertId } from './alert-transition.ts';

/**
 * Evaluates one tenant's alert rules over its agents' current states. Pure: `now` (epoch ms) comes with every call.
 *
 * A state-duration episode is a stretch in which the agent matches the rule with one start (`since`); it fires when
 * `now - since > longerThanMs` (on a tick while nothing arrives, or at once for a state that arrives already older),
 * and resolves when the agent's state no longer matches with that start. A ready-below episode fires when a state
 * change leaves fewer than `minReady` agents Ready and resolves when the count is back. Each episode fires at most
 * once and resolves at most once; an episode never starts at or before the start of the previous one of its rule
 * and agent, so ids never repeat. A rule removed from the configuration resolves its firing episodes at the next tick.
 *
 * Lifecycle: construct (empty) or {@link TenantAlertEvaluator.restore} → apply / tick, in any mix → snapshot at any
 * time (plain JSON).
 */
export class TenantAlertEvaluator {
  readonly tenant: string;
  #rules: readonly AlertRule[];
  readonly #agents = new Map<string, AgentFacts>();
  readonly #episodes = new Map<string, AlertEpisode>();

  constructor(tenant: string, rules: readonly AlertRule[]) {
    this.tenant = tenant;
    this.#rules = rules;
  }

  static restore(snapshot: unknown, tenant: string, rules: readonly AlertRule[]): TenantAlertEvaluator {
    const checked = checkAlertSnapshot(snapshot, tenant);
    const evaluator = new TenantAlertEvaluator(tenant, rules);
    for (const facts of checked.agents) evaluator.#agents.set(facts.userId, { ...facts });
    for (const episode of checked.episodes) evaluator.#episodes.set(episodeKey(episode.ruleId, episode.agentId), { ...episode });
    return evaluator;
  }

  snapshot(): AlertSnapshot {
    return { format: ALERT_SNAPSHOT_FORMAT, tenant: this.tenant, agents: [...this.#agents.values()].map((facts) => ({ ...facts })), episodes: [...this.#episodes.values()].map((episode) => ({ ...episode })) };
  }

  /** Episodes that fired and are not resolved, oldest first. */
  firing(): AlertTransition[] {
    return [...this.#episodes.values()].filter((episode) => episode.open && episode.firedAt !== null).map((episode) => this.#transition(episode, 'firing', null)).sort((a, b) => a.since - b.since);
  }

  /** Takes an agent's new state (ignored when older than the one kept: a smaller `asOf`) and evaluates every rule on it. */
  apply(facts: Readonly<AgentFacts>, now: number): AlertTransition[] {
    const known = this.#agents.get(facts.userId);
    if (known !== undefined && facts.asOf < known.asOf) return [];
    this.#agents.set(facts.userId, { ...facts });
    const out: AlertTransition[] = [];
    for (const rule of this.#rules) {
      if (rule.kind === 'state-duration') this.#evaluateAgent(rule, facts, known ?? facts, now, out);
      else this.#evaluateTenant(rule, facts.userStatusSince ?? facts.asOf, now, out);
    }
    return out;
  }

  /** Evaluates every rule at `now`: fires the episodes that have become long enough, resolves those of removed rules. */
  tick(now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const ruleIds = new Set(this.#rules.map((rule) => rule.id));
    for (const [key, episode] of this.#episodes) {
      if (ruleIds.has(episode.ruleId)) continue;
      if (episode.open && episode.firedAt !== null) out.push(this.#transition(episode, 'resolved', now));
      this.#episodes.delete(key);
    }
    for (const rule of this.#rules) {
      if (rule.kind === 'ready-below') this.#evaluateTenant(rule, now, now, out);
      else for (const facts of this.#agents.values()) this.#evaluateAgent(rule, facts, facts, now, out);
    }
    return out;
  }

  /** Replaces the rules (a configuration reload); episodes of rules that are gone resolve at the next tick. */
  setRules(rules: readonly AlertRule[]): void {
    this.#rules = rules;
  }

  /**
   * `previous`: the agent's facts before `facts` (the same on a tick). An episode that ends before it fired on the
   * clock (no tick came in time: the evaluator was down or behind) fires as it resolves when the new state says it
   * lasted longer than the threshold: it ended at the new state's start, which is known and later than the threshold.
   */
  #evaluateAgent(rule: StateDurationRule, facts: Readonly<AgentFacts>, previous: Readonly<AgentFacts>, now: number, out: AlertTransition[]): void {
    const key = episodeKey(rule.id, facts.userId);
    let episode = this.#episodes.get(key);
    const since = matchingSince(rule, facts);
    if (episode?.open === true && episode.since !== since) {
      episode.open = false;
      const ended = rule.dimension === 'presence' ? facts.userStatusSince : facts.handlingStatusSince;
      if (episode.firedAt === null && ended !== null && ended - episode.since > rule.longerThanMs) this.#fire(episode, previous, now, out);
      if (episode.firedAt !== null) out.push(this.#transition(episode, 'resolved', now));
    }
    if (since !== null && (episode === undefined || since > episode.since)) {
      episode = { ruleId: rule.id, ruleKind: rule.kind, agentId: facts.userId, since, open: true, firedAt: null, userName: null, userStatus: null, handlingStatus: null, reason: null, readyCount: null };
      this.#episodes.set(key, episode);
    }
    if (episode?.open === true && episode.firedAt === null && now - episode.since > rule.longerThanMs) this.#fire(episode, facts, now, out);
  }

  #fire(episode: AlertEpisode, facts: Readonly<AgentFacts>, now: number, out: AlertTransition[]): void {
    Object.assign(episode, { firedAt: now, userName: facts.userName, userStatus: facts.userStatus, handlingStatus: facts.handlingStatus, reason: facts.profile ?? facts.profileReason });
    out.push(this.#transition(episode, 'firing', null));
  }

  #evaluateTenant(rule: ReadyBelowRule, at: number, now: number, out: AlertTransition[]): void {
    if (this.#agents.size === 0) return;
    const key = episodeKey(rule.id, null);
    const episode = this.#episodes.get(key);
    let ready = 0;
    for (const facts of this.#agents.values()) if (isReady(facts)) ready++;
    const below = ready < rule.minReady;
    if (episode?.open === true && !below) {
      episode.open = false;
      out.push(this.#transition(episode, 'resolved', now));
    } else if (below && episode?.open !== true) {
      const since = episode === undefined ? at : Math.max(at, episode.since + 1);
      const opened: AlertEpisode = { ruleId: rule.id, ruleKind: rule.kind, agentId: null, since, open: true, firedAt: now, userName: null, userStatus: null, handlingStatus: null, reason: null, readyCount: ready };
      this.#episodes.set(key, opened);
      out.push(this.#transition(opened, 'firing', null));
    }
  }

  #transition(episode: Readonly<AlertEpisode>, status: 'firing' | 'resolved', resolvedAt: number | null): AlertTransition {
    const firedAt = episode.firedAt;
    if (firedAt === null) throw new Error(`episode ${episode.ruleId} of ${String(episode.agentId)} has not fired: it has no transition`);
    return {
      id: alertId(this.tenant, episode.ruleId, episode.agentId, episode.since),
      status, tenant: this.tenant, ruleId: episode.ruleId, ruleKind: episode.ruleKind, agentId: episode.agentId, userName: episode.userName,
      since: episode.since, firedAt, resolvedAt,
      userStatus: episode.userStatus, handlingStatus: episode.handlingStatus, reason: episode.reason, readyCount: episode.readyCount,
    };
  }
}

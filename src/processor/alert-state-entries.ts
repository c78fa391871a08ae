import type { AgentFacts } from '../core/alerts/agent-facts.ts';
import type { AlertEpisode } from '../core/alerts/alert-episode.ts';
import type { AlertSnapshot } from '../core/alerts/alert-snapshot.ts';
import { ALERT_SNAPSHOT_FORMAT } from '../core/alerts/alert-snapshot.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { OutgoingRecord } from './output-records.ts';

/**
 * One record of `state.alert-evaluator-changelog` (schemas/alert-evaluator-state.avsc), keyed `tenant|entry`:
 * `agent:<userId>` holds an agent's facts and its episodes, `tenant` a tenant's tenant-wide episodes, and the
 * entry `positions` of tenant '' the next input offset of every partition of `out.agent-state`. An agent per
 * record keeps each record small however large a tenant grows, and a transaction writes only what changed.
 */
export interface AlertStateEntry {
  readonly tenant: string;
  readonly entry: string;
  readonly format: number;
  /** JSON. */
  readonly state: string;
}

const POSITIONS = 'positions';
const TENANT = 'tenant';
const AGENT = 'agent:';

export function alertEntryKey(entry: Pick<AlertStateEntry, 'tenant' | 'entry'>): string {
  return `${entry.tenant}|${entry.entry}`;
}

/** The entries of one tenant's snapshot: one per agent and one for its tenant-wide episodes. */
export function tenantEntries(snapshot: AlertSnapshot): AlertStateEntry[] {
  const byAgent = new Map<string, AlertEpisode[]>();
  const tenantWide: AlertEpisode[] = [];
  for (const episode of snapshot.episodes) {
    if (episode.agentId === null) tenantWide.push(episode);
    else byAgent.set(episode.agentId, [...(byAgent.get(episode.agentId) ?? []), episode]);
  }
  const entry = (name: string, value: unknown): AlertStateEntry => ({ tenant: snapshot.tenant, entry: name, format: snapshot.format, state: JSON.stringify(value) });
  return [entry(TENANT, { episodes: tenantWide }), ...snapshot.agents.map((facts) => entry(`${AGENT}${facts.userId}`, { facts, episodes: byAgent.get(facts.userId) ?? [] }))];
}

export function positionsEntry(positions: ReadonlyMap<number, number>): AlertStateEntry {
  return { tenant: '', entry: POSITIONS, format: ALERT_SNAPSHOT_FORMAT, state: JSON.stringify(Object.fromEntries([...positions].sort(([a], [b]) => a - b))) };
}

/** The evaluator state the entries hold: a snapshot per tenant and the input positions. Throws STATE_RESTORE_FAILED for an entry of an unknown format. */
export function assembleAlertState(entries: Iterable<AlertStateEntry>): { snapshots: Map<string, AlertSnapshot>; positions: Map<number, number> } {
  const agents = new Map<string, AgentFacts[]>();
  const episodes = new Map<string, AlertEpisode[]>();
  const positions = new Map<number, number>();
  for (const entry of entries) {
    if (entry.format !== ALERT_SNAPSHOT_FORMAT) throw new AgentTimelinesError('STATE_RESTORE_FAILED', `alert state entry ${alertEntryKey(entry)} has format ${entry.format}; this release reads ${ALERT_SNAPSHOT_FORMAT}`);
    const state = JSON.parse(entry.state) as { facts?: AgentFacts; episodes?: AlertEpisode[] } & Record<string, number>;
    if (entry.tenant === '' && entry.entry === POSITIONS) {
      for (const [partition, offset] of Object.entries(state)) positions.set(Number(partition), Number(offset));
      continue;
    }
    if (entry.entry.startsWith(AGENT) && state.facts !== undefined) agents.set(entry.tenant, [...(agents.get(entry.tenant) ?? []), state.facts]);
    else if (entry.entry !== TENANT) continue;
    episodes.set(entry.tenant, [...(episodes.get(entry.tenant) ?? []), ...(state.episodes ?? [])]);
  }
  const tenants = new Set([...agents.keys(), ...episodes.keys()]);
  const snapshots = new Map([...tenants].map((tenant): [string, AlertSnapshot] => [tenant, { format: ALERT_SNAPSHOT_FORMAT, tenant, agents: agents.get(tenant) ?? [], episodes: episodes.get(tenant) ?? [] }]));
  return { snapshots, positions };
}

/**
 * What the changelog holds (restored, then every committed entry): `diff` gives the records of the entries that
 * differ from it, `accept` takes them as written once their transaction committed.
 * Lifecycle: restored baseline → (diff → commit → accept | diff → abort → a new tracker from the restored state)*.
 */
export class AlertChangelog {
  readonly #topic: string;
  readonly #written = new Map<string, string>();
  #pending = new Map<string, string>();

  constructor(topic: string, restored: Iterable<AlertStateEntry>) {
    this.#topic = topic;
    for (const entry of restored) this.#written.set(alertEntryKey(entry), entry.state);
  }

  diff(entries: readonly AlertStateEntry[]): OutgoingRecord[] {
    this.#pending = new Map();
    const records: OutgoingRecord[] = [];
    for (const entry of entries) {
      const key = alertEntryKey(entry);
      if (this.#written.get(key) === entry.state) continue;
      this.#pending.set(key, entry.state);
      records.push({ topic: this.#topic, key, value: entry });
    }
    return records;
  }

  accept(): void {
    for (const [key, state] of this.#pending) this.#written.set(key, state);
    this.#pending = new Map();
  }
}

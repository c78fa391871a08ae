import type { EngineSnapshot, SessionSnapshot, UserSnapshot } from '../core/engine/engine-types.ts';

export type StateEntryKind = 'partition' | 'engine' | 'user' | 'session';

/** The value of a `partition` entry: where the next input record of the partition starts. */
export interface PartitionEntryState {
  nextOffset: number;
}

/** The value of an `engine` entry: everything of one tenant's snapshot except users and sessions. */
export type EngineEntryState = Omit<EngineSnapshot, 'users' | 'sessions'>;

/** One piece of a partition's state, addressed by kind, tenant and id; `json` is its serialized value. */
export interface StateEntry {
  readonly kind: StateEntryKind;
  readonly tenant: string;
  readonly id: string;
  readonly json: string;
}

/** The changelog key of an entry; also the identity used to diff successive states. */
export function stateEntryKey(inputTopic: string, partition: number, entry: Pick<StateEntry, 'kind' | 'tenant' | 'id'>): string {
  return `${inputTopic}|${partition}|${entry.tenant}|${entry.kind}|${entry.id}`;
}

/** Splits one tenant's engine snapshot into per-user and per-session entries plus its engine entry. */
export function snapshotEntries(tenant: string, snapshot: EngineSnapshot): StateEntry[] {
  const { users, sessions, ...engine } = snapshot;
  const entries: StateEntry[] = [{ kind: 'engine', tenant, id: '', json: JSON.stringify(engine) }];
  for (const user of users) entries.push({ kind: 'user', tenant, id: user.userId, json: JSON.stringify(user) });
  for (const session of sessions) entries.push({ kind: 'session', tenant, id: session.sessionId, json: JSON.stringify(session) });
  return entries;
}

/** The partition-level entry holding the input position. */
export function partitionEntry(nextOffset: number): StateEntry {
  const state: PartitionEntryState = { nextOffset };
  return { kind: 'partition', tenant: '', id: '', json: JSON.stringify(state) };
}

export interface AssembledState {
  readonly nextOffset: number | null;
  readonly engines: ReadonlyMap<string, EngineSnapshot>;
}

const byId = <T>(id: (value: T) => string) => (a: T, b: T): number => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

/**
 * Reassembles the latest entries of a partition (as restored from the changelog) into engine snapshots per tenant.
 * Users and sessions are ordered by id so a restore is deterministic. A tenant with users or sessions but no
 * engine entry is impossible by construction (they are written in one transaction) and throws.
 */
export function assembleState(entries: Iterable<StateEntry>): AssembledState {
  let nextOffset: number | null = null;
  const parts = new Map<string, { engine?: EngineEntryState; users: UserSnapshot[]; sessions: SessionSnapshot[] }>();
  const of = (tenant: string) => {
    let part = parts.get(tenant);
    if (part === undefined) {
      part = { users: [], sessions: [] };
      parts.set(tenant, part);
    }
    return part;
  };
  for (const entry of entries) {
    if (entry.kind === 'partition') nextOffset = (JSON.parse(entry.json) as PartitionEntryState).nextOffset;
    else if (entry.kind === 'engine') of(entry.tenant).engine = JSON.parse(entry.json) as EngineEntryState;
    else if (entry.kind === 'user') of(entry.tenant).users.push(JSON.parse(entry.json) as UserSnapshot);
    else of(entry.tenant).sessions.push(JSON.parse(entry.json) as SessionSnapshot);
  }
  const engines = new Map<string, EngineSnapshot>();
  for (const [tenant, part] of parts) {
    if (part.engine === undefined) throw new Error(`state of tenant ${tenant} has users or sessions but no engine entry`);
    engines.set(tenant, {
      ...part.engine,
      users: part.users.sort(byId((u) => u.userId)),
      sessions: part.sessions.sort(byId((s) => s.sessionId)),
    });
  }
  return { nextOffset, engines };
}

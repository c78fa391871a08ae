import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/** What a batch of idempotent upserts did: how many changed the store, how many it skipped as not newer. */
export interface WriteTally {
  readonly written: number;
  readonly stale: number;
}

/** A pipeline's answers (ioredis `exec()`), each an upsert script's 1 (written) or 0 (stale). */
export type PipelineAnswers = [Error | null, unknown][] | null;

/**
 * Runs `writeTenant` once per tenant of `items`, concurrently (a tenant's keys share a hash tag, so each call can be
 * one pipeline in one slot), and sums what they did.
 */
export async function writePerTenant<T>(items: readonly T[], tenantOf: (item: T) => string, writeTenant: (tenant: string, items: readonly T[]) => Promise<WriteTally>): Promise<WriteTally> {
  const byTenant = new Map<string, T[]>();
  for (const item of items) {
    const tenant = tenantOf(item);
    const group = byTenant.get(tenant);
    if (group === undefined) byTenant.set(tenant, [item]);
    else group.push(item);
  }
  const tallies = await Promise.all([...byTenant].map(([tenant, group]) => writeTenant(tenant, group)));
  return { written: tallies.reduce((sum, t) => sum + t.written, 0), stale: tallies.reduce((sum, t) => sum + t.stale, 0) };
}

/** Counts a pipeline of upsert scripts; the first failed command fails it all with REDIS_WRITE_FAILED (`what` names the upsert). */
export function tallyUpserts(answers: PipelineAnswers, what: string): WriteTally {
  let written = 0;
  let stale = 0;
  for (const [error, value] of answers ?? []) {
    if (error !== null) throw new AgentTimelinesError('REDIS_WRITE_FAILED', `${what} failed: ${error.message}`, { cause: error });
    if (value === 1) written++;
    else stale++;
  }
  return { written, stale };
}

import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { EvoAgent } from './agent-roster.ts';
import { agentRoster } from './agent-roster.ts';
import { agentDay } from './agent-day.ts';
import type { EvoStateInterval } from './agent-states.ts';
import type { EvoCustomer } from './billing.ts';
import { customersOf } from './billing.ts';
import type { EvoAccount } from './tenant.ts';

export interface EvoWorldOptions {
  readonly seed: number;
  /** Agents per account. */
  readonly agents: number;
  /** The simulated range [from, to), epoch ms. */
  readonly from: number;
  readonly to: number;
  /** IANA zone the agents' shifts follow (their local working hours); default UTC. */
  readonly zone?: string;
  /** The tenant's accounts; default one account derived from the seed. */
  readonly accounts?: readonly EvoAccount[];
}

/** One account's simulated data. */
export interface AccountWorld {
  readonly account: EvoAccount;
  readonly agents: readonly EvoAgent[];
  /** Every agent's intervals, sorted by start, then agentId; each agent's are contiguous from `from`. */
  readonly intervals: readonly EvoStateInterval[];
  readonly customers: readonly EvoCustomer[];
}

/** The whole simulated tenant. */
export interface EvoWorld {
  readonly options: Required<Omit<EvoWorldOptions, 'accounts'>>;
  readonly accounts: readonly AccountWorld[];
}

/** The default tenant: one account whose id follows from the seed. */
export function defaultAccounts(seed: number): EvoAccount[] {
  return [{ id: new Prng(deriveSeed(seed, 'evo-account', 0)).hex(24), name: 'Northwind Support' }];
}

/** Orders intervals by start, then agentId (the workbook's row order). */
export function byStartThenAgent(a: EvoStateInterval, b: EvoStateInterval): number {
  return a.start - b.start || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);
}

/** Generates the tenant: pure, a function of the options only. */
export function generateWorld(options: EvoWorldOptions): EvoWorld {
  if (!(options.to > options.from)) throw new RangeError('generateWorld: to must be after from');
  const zone = options.zone ?? 'UTC';
  const accounts = options.accounts ?? defaultAccounts(options.seed);
  return {
    options: { seed: options.seed, agents: options.agents, from: options.from, to: options.to, zone },
    accounts: accounts.map((account) => {
      const agents = agentRoster(options.seed, account.id, options.agents);
      const intervals = agents.flatMap((agent) => agentDay(options.seed, agent, zone, options.from, options.to)).sort(byStartThenAgent);
      return { account, agents, intervals, customers: customersOf(options.seed, account) };
    }),
  };
}

/** A customer account of the Evo Voice tenant (an Evo Voice "account": the unit reports run for). */
export interface EvoAccount {
  /** 24 lowercase hex digits (a MongoDB ObjectId). */
  readonly id: string;
  readonly name: string;
}

/** The roles a report request requires any of (seed 000: "Requires any of the roles"). */
export const REPORT_ROLES: ReadonlySet<string> = new Set(['SystemAdministrator', 'Manager', 'Customer']);

/** A login of the simulated tenant. */
export interface EvoUser {
  readonly userName: string;
  readonly password: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  /** The accounts the user's roles grant; a SystemAdministrator reaches every account whatever this says. */
  readonly accountIds: readonly string[];
}

/** The accounts `user` can reach, in the tenant's order. */
export function reachableAccounts(user: EvoUser, accounts: readonly EvoAccount[]): EvoAccount[] {
  if (user.roles.includes('SystemAdministrator')) return [...accounts];
  return accounts.filter((a) => user.accountIds.includes(a.id));
}

/** Whether `user` holds one of the roles reports require. */
export function mayRunReports(user: EvoUser): boolean {
  return user.roles.some((role) => REPORT_ROLES.has(role));
}

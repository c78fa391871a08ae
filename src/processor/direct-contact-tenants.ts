import type { Config } from '../config/config.ts';
import type { EngineConfig } from '../core/engine/engine-types.ts';
import type { ProcessorSource } from './processor-source.ts';

/**
 * The engine settings of a processor, for every tenant alike, plus the tenants whose direct contacts are fed
 * (EngineConfig.directContacts is set per tenant from it; absent: none).
 */
export type ProcessorEngineConfig = Omit<EngineConfig, 'tenant' | 'directContacts'> & { readonly directContactTenants?: ReadonlySet<string> };

/** The engine config of one tenant: its Direct fields are known only when its direct contacts are fed. */
export function tenantEngineConfig(engine: ProcessorEngineConfig, tenant: string): EngineConfig {
  const { directContactTenants, ...rest } = engine;
  return { ...rest, tenant, directContacts: directContactTenants?.has(tenant) === true };
}

/**
 * The tenants whose direct contacts reach the processor of `source` (docs/metrics.md, "Direct contacts"): the source has
 * a direct-contact route (Sinch RAI) and the tenant's SINCH_TENANTS entry polls `contacts` (contactHistory). Every
 * other tenant publishes the Direct fields as null (unknown: no contact record of it is read), also a tenant the
 * processor's SINCH_TENANTS does not list.
 */
export function directContactTenants(config: Pick<Config, 'sinch'>, source: Pick<ProcessorSource, 'directContacts'>): ReadonlySet<string> {
  if (source.directContacts === undefined) return new Set();
  return new Set(config.sinch.tenants.filter((tenant) => tenant.endpoints.includes('contacts')).map((tenant) => tenant.id));
}

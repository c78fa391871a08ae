import { BadRequest } from './bad-request.ts';
import type { Params } from './query-values.ts';

/** A `&field=value` filter; `*` matches any run of characters and `?` one character, case-insensitively. */
export interface FieldFilter {
  readonly field: string;
  readonly pattern: RegExp;
}

export interface RaiQuery {
  readonly params: Params;
  readonly filters: readonly FieldFilter[];
}

function patternOf(value: string): RegExp {
  const source = [...value].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'is');
}

/**
 * Splits a query string into documented parameters and field filters. A name that is neither a
 * parameter of the endpoint nor one of its fields, or a repeated name, is a 400.
 */
export function parseRaiQuery(search: URLSearchParams, parameters: ReadonlySet<string>, fields: ReadonlySet<string>): RaiQuery {
  const params = new Map<string, string>();
  const filters: FieldFilter[] = [];
  const seen = new Set<string>();
  for (const [name, value] of search) {
    if (seen.has(name)) throw new BadRequest(`Repeated parameter: ${name}`);
    seen.add(name);
    if (parameters.has(name)) params.set(name, value);
    else if (fields.has(name)) filters.push({ field: name, pattern: patternOf(value) });
    else throw new BadRequest(`Unknown parameter: ${name}`);
  }
  return { params, filters };
}

/** True when the row has every filtered field and each value matches its pattern. */
export function matchesFilters(row: Readonly<Record<string, unknown>>, filters: readonly FieldFilter[]): boolean {
  for (const filter of filters) {
    const value = row[filter.field];
    if (value === undefined || value === null || !filter.pattern.test(String(value))) return false;
  }
  return true;
}

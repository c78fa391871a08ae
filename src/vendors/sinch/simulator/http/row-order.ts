import { BadRequest } from './bad-request.ts';
import type { Params } from './query-values.ts';

/** The row limit of every RAI collection: a query never returns rows beyond its first 10000 matches. */
export const ROW_LIMIT = 10_000;
export const DEFAULT_PAGE_LIMIT = 100;

type Row = Readonly<Record<string, unknown>>;

function compareValues(a: unknown, b: unknown, collator: Intl.Collator | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  if (collator !== undefined) return collator.compare(x, y);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Sorts by `sort` (`field`, `-field` for descending, optional `,LOCALE-xx` collation) or by
 * `defaultField` ascending. Stable: ties keep the endpoint's natural order. Rows lacking the field
 * come last. 400 for a field the endpoint does not have or a bad locale.
 */
export function sortRows<T extends Row>(rows: T[], params: Params, fields: ReadonlySet<string>, defaultField: string): T[] {
  const text = params.get('sort') ?? defaultField;
  const [spec = '', localePart, ...rest] = text.split(',');
  const descending = spec.startsWith('-');
  const field = descending ? spec.slice(1) : spec;
  if (!fields.has(field) || rest.length > 0) throw new BadRequest(`Invalid sort: '${text}'`);
  let collator: Intl.Collator | undefined;
  if (localePart !== undefined) {
    const match = /^LOCALE-([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$/.exec(localePart);
    if (match === null) throw new BadRequest(`Invalid sort locale: '${localePart}'`);
    try {
      collator = new Intl.Collator(match[1]);
    } catch {
      throw new BadRequest(`Invalid sort locale: '${localePart}'`);
    }
  }
  const sign = descending ? -1 : 1;
  return rows.sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
    return sign * compareValues(x, y, collator);
  });
}

export interface Paging {
  readonly offset: number;
  readonly limit: number;
}

/**
 * The page [offset, offset + limit) of the first ROW_LIMIT matches. `repeat` > 0 (a fault) also
 * serves the `repeat` rows just before `offset` again, as if the offsets had shifted.
 */
export function pageOf<T>(rows: readonly T[], paging: Paging, repeat = 0): T[] {
  const capped = rows.length > ROW_LIMIT ? rows.slice(0, ROW_LIMIT) : rows;
  const start = Math.max(0, paging.offset - repeat);
  return capped.slice(start, paging.offset + paging.limit);
}

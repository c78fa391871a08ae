import { formatUtc } from '../core/time/timestamp.ts';
import { BadRequest } from './bad-request.ts';
import type { FieldFilter, Params } from './query-values.ts';
import { limitParam, offsetParam } from './query-values.ts';

/** An output row: RAI field names to JSON values. */
export type Row = Readonly<Record<string, RowValue>>;

/**
 * A JSON value of a row field; a list only for annotations such as `partialFields` (filtered as its joined text), a
 * map only for `extraFields` (neither filterable nor sortable).
 */
export type RowValue = string | number | boolean | null | readonly string[] | Readonly<Record<string, number>>;

/** How one request wants its rows: filters, order and page, validated before any data is read. */
export interface RowSelection {
  readonly filters: readonly FieldFilter[];
  readonly sortField: string;
  readonly descending: boolean;
  readonly collator: Intl.Collator | undefined;
  readonly offset: number;
  readonly limit: number;
}

/**
 * Reads `sort` (`field`, `-field` for descending, optional `,LOCALE-xx` collation; `defaultSort` ascending when
 * absent), `offset` and `limit`. {@link BadRequest} for a field the endpoint does not have, a bad locale or paging.
 */
export function rowSelection(params: Params, filters: readonly FieldFilter[], fields: ReadonlySet<string>, defaultSort: string): RowSelection {
  const text = params.get('sort') ?? defaultSort;
  const [spec = '', localePart, ...rest] = text.split(',');
  const descending = spec.startsWith('-');
  const sortField = descending ? spec.slice(1) : spec;
  if (!fields.has(sortField) || rest.length > 0) throw new BadRequest(`Invalid sort: '${text}' (expected a field name, "-" before it for descending, optional ",LOCALE-xx")`);
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
  return { filters, sortField, descending, collator, offset: offsetParam(params), limit: limitParam(params) };
}

/** True when the row has every filtered field and each value matches its pattern. */
export function matchesFilters(row: Row, filters: readonly FieldFilter[]): boolean {
  for (const filter of filters) {
    const value = row[filter.field];
    if (value === undefined || value === null || !filter.pattern.test(String(value))) return false;
  }
  return true;
}

function compareValues(a: Exclude<RowValue, null>, b: Exclude<RowValue, null>, collator: Intl.Collator | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  if (collator !== undefined) return collator.compare(x, y);
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface SelectedRows<T> {
  readonly page: T[];
  /** Matching rows before paging. */
  readonly total: number;
}

/**
 * Filters, then sorts (stable: ties keep the endpoint's natural order; rows lacking the field come last), then
 * returns the page [offset, offset + limit).
 */
export function selectRows<T extends Row>(rows: readonly T[], selection: RowSelection): SelectedRows<T> {
  const matching = rows.filter((row) => matchesFilters(row, selection.filters));
  const { page, total } = selectIndices(matching.map((row) => row[selection.sortField]), selection);
  return { page: page.map((index) => matching[index]!), total };
}

/**
 * The page of {@link selectRows} without filters, for rows known only by their values in the sort field (`keys`, in
 * the rows' natural order; undefined or null where a row lacks the field): the indices of the page's rows, in order.
 */
export function selectIndices(keys: readonly (RowValue | undefined)[], selection: RowSelection): SelectedRows<number> {
  const { descending, collator, offset, limit } = selection;
  const sign = descending ? -1 : 1;
  const order = Array.from(keys, (_, index) => index);
  order.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    const missingX = x === undefined || x === null;
    const missingY = y === undefined || y === null;
    if (missingX || missingY) return Number(missingX) - Number(missingY);
    return sign * compareValues(x, y, collator);
  });
  return { page: order.slice(offset, offset + limit), total: order.length };
}

/** The epoch ms whose formatUtc text has a four-digit year (0000–9999): there, text order is number order. */
const FOUR_DIGIT_YEARS = { from: Date.parse('0000-01-01T00:00:00.000Z'), to: Date.parse('9999-12-31T23:59:59.999Z') } as const;

/**
 * Sort keys for a timestamp field whose rows show formatUtc(ms) (null where ms is not finite): the numbers themselves
 * when they sort as the texts would (no collation, four-digit years), else the texts.
 */
export function timeSortKeys(times: readonly number[], selection: Pick<RowSelection, 'collator'>): (RowValue | undefined)[] {
  const keys = times.map((ms) => (Number.isFinite(ms) ? ms : null));
  if (selection.collator === undefined && keys.every((ms) => ms === null || (ms >= FOUR_DIGIT_YEARS.from && ms <= FOUR_DIGIT_YEARS.to))) return keys;
  return keys.map((ms) => (ms === null ? null : formatUtc(ms)));
}

/** formatUtc remembering its answers: period bounds repeat across a request's rows. */
export function memoFormatUtc(): (ms: number) => string {
  const known = new Map<number, string>();
  return (ms) => {
    let text = known.get(ms);
    if (text === undefined) known.set(ms, (text = formatUtc(ms)));
    return text;
  };
}

import type { RaiQuery } from './rai-query.ts';
import type { SimulatorData } from './simulator-data.ts';

export interface EndpointContext {
  /** The simulated now (epoch ms) when the request arrived. */
  readonly now: number;
  readonly data: SimulatorData;
}

/** One RAI collection: its documented query parameters, its fields, and its matching rows. */
export interface Endpoint {
  readonly path: string;
  readonly parameters: ReadonlySet<string>;
  /** Fields usable in `&field=value` filters and `sort`. */
  readonly fields: ReadonlySet<string>;
  /** Default sort field, or null when the endpoint has no `sort` parameter. */
  readonly defaultSort: string | null;
  /** All matches in the endpoint's natural order (before sort, row limit and paging). Throws BadRequest. */
  rows(query: RaiQuery, context: EndpointContext): Record<string, unknown>[];
}

export const PAGING_PARAMETERS = ['offset', 'limit'] as const;

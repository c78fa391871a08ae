import type { TimeRange } from './time-range.ts';

/** One time-range query of a vendor endpoint: every row of `range`, fetched `pageSize` at a time. */
export interface RangeQuery {
  readonly endpoint: string;
  readonly params: Readonly<Record<string, string>>;
  readonly range: TimeRange;
  readonly pageSize: number;
  /** Alignment the endpoint honours when a range must be split (1 for none). */
  readonly granularityMs: number;
  /** Most rows one query can yield (the vendor's documented cut-off); the source splits ranges that reach it. */
  readonly rowLimit?: number;
}

export interface FetchedRow {
  readonly row: unknown;
  readonly receivedAt: number;
}

export interface FetchedRange {
  readonly rows: readonly FetchedRow[];
  readonly requests: number;
  readonly splits: number;
  /** Pages shorter than the limit asked for that were not the last page: the vendor (or a gateway) caps pages. */
  readonly shortPages: number;
}

/**
 * A vendor API as the range and snapshot pollers see it: every row of one time range, in the vendor's order,
 * repeats included (the pollers drop them by record key). A vendor folder implements it over its own client and
 * paging rules; the pollers know no vendor.
 */
export interface RangeSource {
  fetchRange(query: RangeQuery, signal?: AbortSignal): Promise<FetchedRange>;
}

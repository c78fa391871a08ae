import { formatUtc } from '../core/time/timestamp.ts';
import type { RaiClient } from './rai-client.ts';
import type { TimeRange } from './time-range.ts';
import { splitRange } from './time-range.ts';

/** Documented for every RAI endpoint: a query never yields rows beyond its first 10000 matches. */
export const RAI_ROW_LIMIT = 10_000;

export interface RangeQuery {
  readonly endpoint: string;
  readonly params: Readonly<Record<string, string>>;
  readonly range: TimeRange;
  readonly pageSize: number;
  readonly granularityMs: number;
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
}

/**
 * Fetches every row of `range` with startTime/endTime, paging with offset/limit until a short page. When the
 * query reaches the row limit (a full page ends at offset rowLimit, so more rows may be cut off), its rows are discarded and
 * the range is split in two, recursively; sub-ranges are fetched in time order. Rows come back in API order.
 */
export async function fetchRange(client: RaiClient, query: RangeQuery, signal?: AbortSignal): Promise<FetchedRange> {
  const rowLimit = query.rowLimit ?? RAI_ROW_LIMIT;
  const limit = Math.min(query.pageSize, rowLimit);
  const pending: TimeRange[] = [query.range];
  const rows: FetchedRow[] = [];
  let requests = 0;
  let splits = 0;
  while (pending.length > 0) {
    const range = pending.shift() as TimeRange;
    const collected: FetchedRow[] = [];
    let truncated = false;
    for (let offset = 0; ; ) {
      const want = Math.min(limit, rowLimit - offset);
      const params = { ...query.params, startTime: formatUtc(range.start), endTime: formatUtc(range.end), offset: String(offset), limit: String(want) };
      const page = await client.get(query.endpoint, params, signal);
      requests++;
      for (const row of page.rows) collected.push({ row, receivedAt: page.receivedAt });
      if (page.rows.length < want) break;
      offset += want;
      if (offset >= rowLimit) {
        truncated = true;
        break;
      }
    }
    if (truncated) {
      splits++;
      pending.unshift(...splitRange(range, query.granularityMs));
    } else {
      rows.push(...collected);
    }
  }
  return { rows, requests, splits };
}

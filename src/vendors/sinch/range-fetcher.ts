import { formatUtc } from '../../core/time/timestamp.ts';
import type { FetchedRange, FetchedRow, RangeQuery } from '../../ingest/range-source.ts';
import type { RaiClient } from './rai-client.ts';
import type { TimeRange } from '../../ingest/time-range.ts';
import { splitRange } from '../../ingest/time-range.ts';

/** Documented for every RAI endpoint: a query never yields rows beyond its first 10000 matches. */
export const RAI_ROW_LIMIT = 10_000;

/**
 * How many leading rows of `page` repeat the last rows of `previous`: the offsets shifted between two requests
 * (rows inserted ahead of the offset), so the vendor served those rows again.
 */
function repeatedTail(previous: readonly string[], page: readonly string[]): number {
  for (let k = Math.min(previous.length, page.length); k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = previous[previous.length - k + i] === page[i];
    if (same) return k;
  }
  return 0;
}

/**
 * Fetches every row of `range` with startTime/endTime, paging with offset/limit. The RAI documents neither a total
 * nor that a page shorter than `limit` is the last one, so paging stops only at an empty page; a short page is
 * confirmed by requesting the next offset. The offset moves past the rows the page added: a page that starts with
 * the rows the previous page ended with moves it only past its new rows. When the query reaches the row limit
 * (offset rowLimit, so more rows may be cut off), its rows are discarded and the range is split in two,
 * recursively; sub-ranges are fetched in time order. Rows come back in API order, repeats included (the pollers
 * drop them by record key).
 */
export async function fetchRange(client: RaiClient, query: RangeQuery, signal?: AbortSignal): Promise<FetchedRange> {
  const rowLimit = query.rowLimit ?? RAI_ROW_LIMIT;
  const limit = Math.min(query.pageSize, rowLimit);
  const pending: TimeRange[] = [query.range];
  const rows: FetchedRow[] = [];
  let requests = 0;
  let splits = 0;
  let shortPages = 0;
  while (pending.length > 0) {
    const range = pending.shift() as TimeRange;
    const collected: FetchedRow[] = [];
    let truncated = false;
    let previous: string[] = [];
    let shortBefore = false;
    for (let offset = 0; ; ) {
      const want = Math.min(limit, rowLimit - offset);
      const params = { ...query.params, startTime: formatUtc(range.start), endTime: formatUtc(range.end), offset: String(offset), limit: String(want) };
      const page = await client.get(query.endpoint, params, signal);
      requests++;
      if (page.rows.length === 0) break;
      if (shortBefore) shortPages++;
      for (const row of page.rows) collected.push({ row, receivedAt: page.receivedAt });
      const serialised = page.rows.map((row) => JSON.stringify(row));
      const added = serialised.length - repeatedTail(previous, serialised);
      shortBefore = added < want;
      offset += added > 0 ? added : serialised.length;
      previous = serialised;
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
  return { rows, requests, splits, shortPages };
}

import { describe, expect, it } from 'vitest';
import { advanceCheckpoint, dedupRows, planPoll } from '../../src/ingest/checkpoint.ts';
import type { PollerCheckpoint } from '../../src/ingest/checkpoint.ts';
import { fetchRange } from '../../src/vendors/sinch/range-fetcher.ts';
import { chunkRange, splitRange } from '../../src/ingest/time-range.ts';
import { FakeClock } from './support/fake-clock.ts';
import { scriptedClient } from './support/quiet.ts';

describe('range splitting', () => {
  it('halves at an aligned midpoint and refuses a single granule', () => {
    expect(splitRange({ start: 0, end: 10 }, 1)).toEqual([{ start: 0, end: 5 }, { start: 5, end: 10 }]);
    expect(splitRange({ start: 0, end: 3_600_000 }, 900_000)).toEqual([{ start: 0, end: 1_800_000 }, { start: 1_800_000, end: 3_600_000 }]);
    expect(splitRange({ start: 0, end: 2 }, 1)).toEqual([{ start: 0, end: 1 }, { start: 1, end: 2 }]);
    expect(() => splitRange({ start: 5, end: 6 }, 1)).toThrow(expect.objectContaining({ code: 'VENDOR_ROW_LIMIT' }));
  });

  it('chunks a range', () => {
    expect(chunkRange({ start: 0, end: 25 }, 10)).toEqual([{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 25 }]);
  });

  it('pages with offset/limit and narrows ranges that hit the row limit', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => ({ t: i * 10 }));
    const calls: string[] = [];
    const impl = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      const start = Date.parse(url.searchParams.get('startTime') ?? '');
      const end = Date.parse(url.searchParams.get('endTime') ?? '');
      const offset = Number(url.searchParams.get('offset'));
      const limit = Number(url.searchParams.get('limit'));
      calls.push(`${start}-${end}@${offset}+${limit}`);
      const matches = rows.filter((r) => r.t >= start && r.t < end).slice(0, 10);
      return new Response(JSON.stringify(matches.slice(offset, offset + limit)), { status: 200 });
    }) as typeof fetch;
    const { client } = scriptedClient(new FakeClock(0), impl);
    const result = await fetchRange(client, { endpoint: 'agentStatusHistory', params: {}, range: { start: 0, end: 240 }, pageSize: 4, granularityMs: 1, rowLimit: 10 });
    expect(result.rows.map((r) => (r.row as { t: number }).t)).toEqual(rows.map((r) => r.t));
    expect(result.splits).toBeGreaterThanOrEqual(2);
    expect(calls[0]).toBe('0-240@0+4');
    expect(calls.slice(0, 3)).toEqual(['0-240@0+4', '0-240@4+4', '0-240@8+2']);
  });
});

describe('checkpoint planning and dedup', () => {
  const policy = { overlapMs: 100, safetyLagMs: 50, maxRangeMs: 1000, granularityMs: 1, initialStart: 1000 };
  const cp = (highMark: number, keys: Array<[string, number]> = []): PollerCheckpoint => ({ tenant: 't', endpoint: 'e', highMark, recentKeys: keys.map(([key, time]) => ({ key, time })), pollId: 'p', updatedAt: 0 });

  it('starts at the initial point without overlap, then overlaps, lags and caps', () => {
    expect(planPoll(undefined, 1500, policy)).toEqual({ range: { start: 1000, end: 1450 }, previousHighMark: 1000 });
    expect(planPoll(cp(1450), 1600, policy)).toEqual({ range: { start: 1350, end: 1550 }, previousHighMark: 1450 });
    expect(planPoll(cp(1450), 9000, policy)?.range).toEqual({ start: 1350, end: 2450 });
    expect(planPoll(cp(1450), 1500, policy)).toBeUndefined();
    expect(planPoll(cp(1450), 9000, { ...policy, stopAt: 1700 })?.range.end).toBe(1700);
  });

  it('drops remembered and repeated keys, flags late rows, and keeps only the overlap in the checkpoint', () => {
    const rows = [
      { key: 'a', time: 1360 },
      { key: 'b', time: 1400 },
      { key: 'b', time: 1400 },
      { key: 'c', time: 1500 },
    ];
    const previous = cp(1450, [['a', 1360]]);
    const { fresh, duplicates, late } = dedupRows(rows, previous.recentKeys, 1450);
    expect(fresh.map((r) => r.key)).toEqual(['b', 'c']);
    expect(duplicates).toBe(2);
    expect(late.map((r) => r.key)).toEqual(['b']);
    const next = advanceCheckpoint(previous, { tenant: 't', endpoint: 'e', pollId: 'q', now: 9 }, { range: { start: 1350, end: 1550 }, previousHighMark: 1450 }, rows, policy);
    expect(next.highMark).toBe(1550);
    expect(next.recentKeys).toEqual([{ key: 'c', time: 1500 }]);
  });
});

import { describe, expect, it } from 'vitest';
import type { AgentMetrics } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { emptyMetrics } from '../../../src/core/statistic/agent-statistic-fields.ts';
import type { PublishedMetrics } from '../../../src/core/statistic/published-metrics.ts';
import { formatAverage, formatDuration, workReportRow } from '../../../src/http/work-report/work-report-row.ts';

/** The example row of Thulium's documentation (seed 002), with its unquoted login quoted. */
const SEED_ROW = JSON.parse(`{ "agent": { "login": "jkowalski", "name": "Janko", "surname": "Walski" }, "period": "2019-12", "inbound": { "count": 0, "answered_count": 0, "not_answered_count": 0, "transferred_count": 0, "sum": "00:00:00", "average": "00:00:00", "wait_sum": 0, "wait_average": "00:00:00", "calls_per_hour": 0 }, "chat": { "closed": 0, "responded": 0 }, "ticket": { "closed": 0, "responded": 0, "total_responded": 0 }, "outbound_above_threshold": { "count": 0, "sum": "00:00:00", "average": "00:00:00" }, "outbound_below_threshold": { "count": 0, "sum": "00:00:00", "average": "00:00:00" }, "login_date": "2019-12-01 09:00:18", "logout_date": "2019-12-25 10:45:02", "pauses": [ { "id": "all", "count": 0, "sum": "00:00:00", "average": "00:00:00" }, { "id": "free", "count": 0, "sum": "00:00:00", "average": "00:00:00" }, { "id": 0, "count": 0, "sum": "00:00:00" }, { "id": 1, "count": 0, "sum": "00:00:00", "average": "00:00:00" }, { "id": 2, "count": 0, "sum": "00:00:00", "average": "00:00:00" }, { "id": 3, "count": 0, "sum": "00:00:00" }, { "id": 4, "count": 0, "sum": "00:00:00" } ] }`) as Record<string, unknown>;

/** Every key path of `value` in document order (array items by index). */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => keyPaths(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [`${path}.${key}`, ...keyPaths(child, `${path}.${key}`)]);
}

function metrics(values: Partial<AgentMetrics>, nulls: readonly (keyof AgentMetrics)[] = []): PublishedMetrics {
  const out: PublishedMetrics = { ...emptyMetrics(), ...values };
  for (const field of nulls) out[field] = null;
  return out;
}

describe('the Thulium row of a canonical statistic', () => {
  it('has exactly the seed row\'s keys, in the seed\'s order (pauses: all and free, no per-reason items)', () => {
    const row = workReportRow('jkowalski', 'Janko', '2019-12', metrics({}));
    const seedPaths = keyPaths({ ...SEED_ROW, pauses: (SEED_ROW['pauses'] as unknown[]).slice(0, 2) });
    expect(keyPaths(row)).toEqual(seedPaths);
    expect(row.pauses.map((pause) => pause.id)).toEqual(['all', 'free']);
    // a null row (no stored quarter-hour) has the same shape
    expect(keyPaths(workReportRow('jkowalski', null, '2019-12', null))).toEqual(seedPaths);
  });

  it('maps the canonical fields and leaves everything else null, never 0', () => {
    const row = workReportRow('AC083B34470B4164A6A5968DD031B5E5', 'Fox, John', '2024-01-15', metrics({
      callInDuration: 3_723_400, countOfHandledCallIn: 3, callOutDuration: 61_500, countOfHandledCallOut: 2,
      countOfHandledChatIn: 4, countOfHandledEmailIn: 5, pauseDuration: 360_000_000, freeDuration: 499,
    }));
    expect(row).toEqual({
      agent: { login: 'AC083B34470B4164A6A5968DD031B5E5', name: 'Fox, John', surname: null },
      period: '2024-01-15',
      inbound: { count: null, answered_count: 3, not_answered_count: null, transferred_count: null, sum: '01:02:03', average: '00:20:41', wait_sum: null, wait_average: null, calls_per_hour: null },
      chat: { closed: 4, responded: null },
      ticket: { closed: 5, responded: null, total_responded: null },
      outbound_above_threshold: { count: 2, sum: '00:01:02', average: '00:00:31' },
      outbound_below_threshold: { count: null, sum: null, average: null },
      login_date: null,
      logout_date: null,
      pauses: [
        { id: 'all', count: null, sum: '100:00:00', average: null },
        { id: 'free', count: null, sum: '00:00:00', average: null },
      ],
    });
  });

  it('keeps a field the source cannot supply null (an Evo Voice statistic)', () => {
    const row = workReportRow('65a0c0ffee0000000000abcd', 'Agent', '2024-01-15', metrics({ callOutDuration: 100_000, countOfHandledCallOut: 1 }, [
      'callInDuration', 'countOfHandledCallIn', 'countOfHandledChatIn', 'countOfHandledEmailIn', 'pauseDuration', 'freeDuration',
    ]));
    expect(row.inbound).toMatchObject({ answered_count: null, sum: null, average: null });
    expect(row.chat.closed).toBeNull();
    expect(row.ticket.closed).toBeNull();
    expect(row.pauses).toEqual([{ id: 'all', count: null, sum: null, average: null }, { id: 'free', count: null, sum: null, average: null }]);
    expect(row.outbound_above_threshold).toEqual({ count: 1, sum: '00:01:40', average: '00:01:40' });
  });

  it('rounds milliseconds to the nearest second, halves up; averages come from the millisecond sum', () => {
    expect(formatDuration(0)).toBe('00:00:00');
    expect(formatDuration(499)).toBe('00:00:00');
    expect(formatDuration(500)).toBe('00:00:01');
    expect(formatDuration(86_399_499)).toBe('23:59:59');
    expect(formatDuration(86_399_500)).toBe('24:00:00');
    expect(formatDuration(null)).toBeNull();
    expect(formatAverage(3_000, 0)).toBe('00:00:00');
    expect(formatAverage(2_999, 2)).toBe('00:00:01');
    expect(formatAverage(3_001, 2)).toBe('00:00:02');
    expect(formatAverage(null, 2)).toBeNull();
    expect(formatAverage(3_000, null)).toBeNull();
  });
});

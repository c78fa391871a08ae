import { describe, expect, it } from 'vitest';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import type { OutgoingRecord } from '../../../src/ingest/transactional-publisher.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import type { WorkReportQuery } from '../../../src/vendors/thulium/thulium-client.ts';
import { WorkReportPoller } from '../../../src/vendors/thulium/work-report-poller.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';
import { minuteRows } from './support/minute-rows.ts';

const TOPICS = { raw: 'raw', watermarks: 'wm', checkpoints: 'cp', deadLetter: 'dl' };
const WAW = 'Europe/Warsaw';
const START = Date.parse('2026-10-24T23:00:00Z');

function setup(answer: (query: WorkReportQuery, call: number) => unknown[]) {
  const commits: OutgoingRecord[][] = [];
  const queries: WorkReportQuery[] = [];
  const clock = new FakeClock(Date.parse('2026-10-25T06:00:00Z'));
  const metrics = createPollerMetrics();
  const client = {
    agentsGroups: async () => [{ id: 4 }, { id: 9 }],
    workReport: async (query: WorkReportQuery) => {
      queries.push(query);
      return { rows: answer(query, queries.length), requests: 1, shortPages: 1, receivedAt: clock.now() };
    },
  };
  const poller = new WorkReportPoller({ tenant: 'acme', client, publisher: { commit: async (records) => void commits.push([...records]) }, clock, metrics, logger: createLogger('silent'), topics: TOPICS }, { checkpointKey: 'acme|thulium/agents-work-report', timeZone: WAW, chunkMs: 3_600_000, safetyLagMs: 3_600_000, initialStart: START, agents: { allGroups: true }, outboundThreshold: 5, pageSize: 100 }, undefined);
  return { poller, commits, queries, metrics, clock };
}

describe('WorkReportPoller', () => {
  it('asks for each chunk by its local labels, with every group, and commits records, watermark and checkpoint together; idle when caught up', async () => {
    const chunks: Array<[number, number]> = [];
    const { poller, commits, queries } = setup((_q, call) => {
      const chunk = poller.checkpoint?.highMark ?? START;
      const end = [Date.parse('2026-10-25T00:00:00Z'), Date.parse('2026-10-25T02:00:00Z'), Date.parse('2026-10-25T03:00:00Z'), Date.parse('2026-10-25T04:00:00Z'), Date.parse('2026-10-25T05:00:00Z')][call - 1] as number;
      chunks.push([chunk, end]);
      return minuteRows(['anna', 'bob'], chunk, end, WAW);
    });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await poller.runOnce());
    expect(results.map((r) => r.kind)).toEqual(['committed', 'committed', 'committed', 'committed', 'committed', 'idle']);
    expect(queries.map((q) => [q.dateFrom, q.dateTo])).toEqual([
      ['2026-10-25 01:00:00', '2026-10-25 02:00:00'],
      ['2026-10-25 02:00:00', '2026-10-25 03:00:00'],
      ['2026-10-25 03:00:00', '2026-10-25 04:00:00'],
      ['2026-10-25 04:00:00', '2026-10-25 05:00:00'],
      ['2026-10-25 05:00:00', '2026-10-25 06:00:00'],
    ]);
    expect(queries.every((q) => q.aggregateBy === 'minute' && q.outboundThreshold === 5 && q.agentGroupIds?.join() === '4,9')).toBe(true);
    expect(commits[1]?.filter((r) => r.topic === 'raw').length).toBe(2 * 8);
    for (const [i, commit] of commits.entries()) {
      const end = chunks[i]?.[1];
      expect(commit.filter((r) => r.topic === 'wm').map((r) => (r.value as { watermark: number }).watermark)).toEqual([end]);
      expect(commit.some((r) => r.topic === 'cp' && (r.value as { highMark: number }).highMark === end)).toBe(true);
    }
  });

  it('fetches a chunk whose rows misfit once more, and dead-letters the agent whose rows still misfit, counting them', async () => {
    const { poller, commits, metrics } = setup((_q, call) => {
      const rows = minuteRows(['anna', 'bob'], START, START + 3_600_000, WAW);
      if (call === 1) return rows.slice(1);
      return rows.filter((r) => !((r['agent'] as { login: string }).login === 'bob' && r['period'] === '2026-10-25 01:30'));
    });
    const result = await poller.runOnce();
    expect(result).toMatchObject({ kind: 'committed', published: 4, rejected: 59 });
    const commit = commits[0] ?? [];
    const dead = commit.filter((r) => r.topic === 'dl').map((r) => r.value as { errorCode: string; reason: string; originalValue: Buffer });
    expect(dead.map((d) => d.errorCode)).toEqual(['label-sequence']);
    expect(dead[0]?.reason).toContain('agent bob');
    expect((JSON.parse(dead[0]?.originalValue.toString('utf8') ?? '[]') as unknown[]).length).toBe(59);
    expect(commit.filter((r) => r.topic === 'raw').every((r) => r.key === 'anna')).toBe(true);
    expect(metrics.total('dead_letters')).toBe(1);
    expect(metrics.total('rejected_rows')).toBe(59);
    expect(commit.some((r) => r.topic === 'wm')).toBe(true);
  });
});

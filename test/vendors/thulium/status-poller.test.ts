import { describe, expect, it } from 'vitest';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import type { OutgoingRecord } from '../../../src/ingest/transactional-publisher.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { StatusPoller } from '../../../src/vendors/thulium/status-poller.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';

const TOPICS = { raw: 'raw', watermarks: 'wm', checkpoints: 'cp', deadLetter: 'dl' };
const WAW = 'Europe/Warsaw';

function poller(answers: Array<{ rows: unknown[]; at: number }>) {
  const commits: OutgoingRecord[][] = [];
  const clock = new FakeClock(0);
  const metrics = createPollerMetrics();
  const client = {
    agentsStatuses: async () => {
      const next = answers.shift();
      if (next === undefined) throw new Error('no answer left');
      clock.current = next.at;
      return { rows: next.rows, receivedAt: next.at };
    },
  };
  const make = (restored: StatusPoller['checkpoint']) => new StatusPoller({ tenant: 'acme', client, publisher: { commit: async (records) => void commits.push([...records]) }, clock, metrics, logger: createLogger('silent'), topics: TOPICS }, { checkpointKey: 'acme|thulium/agent-statuses', timeZone: WAW }, restored);
  return { make, commits, metrics };
}

const free = (login: string, last: string) => ({ login, status: 'FREE', pause_id: null, last_change: last });

describe('StatusPoller', () => {
  it('publishes only changes of (status, pause_id, last_change), with a watermark and checkpoint in every commit, also after a restart', async () => {
    const t0 = Date.parse('2026-10-25T00:40:00Z');
    const { make, commits } = poller([
      { rows: [free('anna', '2026-10-25 02:10:00'), free('bob', '2026-10-25 02:20:00')], at: t0 },
      { rows: [free('anna', '2026-10-25 02:10:00'), { login: 'bob', status: 'PAUSED', pause_id: 2, last_change: '2026-10-25 02:45:00' }], at: t0 + 15 * 60_000 },
      { rows: [free('anna', '2026-10-25 02:10:00'), { login: 'bob', status: 'PAUSED', pause_id: 2, last_change: '2026-10-25 02:45:00' }], at: t0 + 30 * 60_000 },
      { rows: [free('anna', '2026-10-25 02:10:00'), free('bob', '2026-10-25 02:05:00')], at: t0 + 40 * 60_000 },
    ]);
    const first = make(undefined);
    expect((await first.pollOnce()).published).toBe(2);
    expect((await first.pollOnce()).published).toBe(1);
    const restarted = make(first.checkpoint);
    expect((await restarted.pollOnce()).published).toBe(0);
    expect((await restarted.pollOnce()).published).toBe(1);
    const raw = commits.flat().filter((r) => r.topic === 'raw').map((r) => r.value as Record<string, unknown>);
    expect(raw.map((v) => [v['login'], v['status'], v['pauseId'], v['lastChangeAt']])).toEqual([
      ['anna', 'FREE', null, Date.parse('2026-10-25T00:10:00Z')],
      ['bob', 'FREE', null, Date.parse('2026-10-25T00:20:00Z')],
      ['bob', 'PAUSED', 2, Date.parse('2026-10-25T00:45:00Z')],
      ['bob', 'FREE', null, Date.parse('2026-10-25T01:05:00Z')],
    ]);
    expect(raw[3]).toMatchObject({ tenant: 'acme', source: 'thulium/agent-statuses', lastChange: '2026-10-25 02:05:00', sampledAt: t0 + 40 * 60_000, vendorPoll: t0 + 40 * 60_000, vendorRow: 1, timeZone: WAW });
    for (const [i, commit] of commits.entries()) {
      expect(commit.filter((r) => r.topic === 'wm').map((r) => (r.value as { watermark: number; source: string }).watermark), `commit ${i}`).toEqual([t0 + [0, 15, 30, 40][i]! * 60_000]);
      expect(commit.some((r) => r.topic === 'cp' && r.key === 'acme|thulium/agent-statuses'), `commit ${i}`).toBe(true);
    }
  });

  it('dead-letters rows that are not statuses or whose last_change no instant has (text, a spring-forward gap label), and publishes the rest', async () => {
    const { make, commits, metrics } = poller([{ rows: [free('anna', '2026-03-29 02:30:00'), { login: 'bob' }, free('carl', 'yesterday'), free('dora', '2026-03-29 03:30:00')], at: Date.parse('2026-03-29T02:00:00Z') }]);
    const result = await make(undefined).pollOnce();
    expect(result).toEqual({ fetched: 4, published: 1, rejected: 3 });
    const dead = commits.flat().filter((r) => r.topic === 'dl').map((r) => (r.value as { errorCode: string }).errorCode);
    expect(dead).toEqual(['bad-last-change', 'bad-row', 'bad-last-change']);
    expect(metrics.total('dead_letters')).toBe(3);
    const raw = commits.flat().filter((r) => r.topic === 'raw').map((r) => (r.value as { lastChangeAt: number }).lastChangeAt);
    expect(raw).toEqual([Date.parse('2026-03-29T01:30:00Z')]);
  });
});

import { describe, expect, it } from 'vitest';
import type { PollerCheckpoint } from '../../../src/ingest/checkpoint.ts';
import type { CheckpointValue } from '../../../src/ingest/checkpoint-format.ts';
import { decodeCheckpoint } from '../../../src/ingest/checkpoint-format.ts';
import type { OutgoingRecord } from '../../../src/ingest/transactional-publisher.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import { AGENT_STATE_REPORT, BILLING_REPORT } from '../../../src/vendors/evo-voice/endpoint-specs.ts';
import type { ReportKindSpec } from '../../../src/vendors/evo-voice/endpoint-specs.ts';
import { JobWaker } from '../../../src/vendors/evo-voice/job-waker.ts';
import { ReportJobPoller } from '../../../src/vendors/evo-voice/report-job-poller.ts';
import type { ReportJobSettings } from '../../../src/vendors/evo-voice/report-job-poller.ts';
import { FakeClock } from '../../ingest/support/fake-clock.ts';
import { FakeEvoApi, intervalsOf } from './support/fake-evo-api.ts';
import { evoClient } from './support/scripted-client.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-29T06:00:00.000Z');
const TOPICS = { raw: 'raw', watermarks: 'wm', checkpoints: 'cp', deadLetter: 'dl' };

const SETTINGS: ReportJobSettings = {
  checkpointKey: 't1|evo-voice/agent-state',
  windowMs: HOUR,
  safetyLagMs: 300_000,
  initialStart: T0,
  request: { accountId: 'acc-1', timeZoneId: 'UTC', includeCustomerIds: true },
  jobPoll: { initialMs: 1000, maxMs: 8000 },
  maxWaitForJobMs: 60_000,
  maxDownloadAttempts: 3,
  retryBackoff: { baseMs: 1000, maxMs: 10_000 },
  dedupHorizonMs: 86_400_000,
  cleanupOrphans: true,
  cleanupIntervalMs: HOUR,
  clockCheck: { maxLeadMs: 300_000, lookbackMs: HOUR },
};

/** A poller over the fake API and a publisher that records each committed transaction (or fails when told to). */
function harness(api: FakeEvoApi, clock: FakeClock, spec: ReportKindSpec = AGENT_STATE_REPORT, settings: ReportJobSettings = SETTINGS) {
  const { client, metrics } = evoClient(clock, api.fetch, { maxAttempts: 2 });
  const commits: OutgoingRecord[][] = [];
  const failures: number[] = [];
  let attempts = 0;
  const publisher = {
    commit: async (records: readonly OutgoingRecord[]) => {
      attempts++;
      if (failures.includes(attempts)) throw new Error('broker unreachable');
      commits.push([...records]);
    },
  };
  const ctx = { tenant: 't1', client, publisher, clock, metrics, logger: createLogger('silent'), topics: TOPICS, waker: new JobWaker(clock), random: () => 0.5 };
  /** The checkpoint as the topic holds it after the committed transactions. */
  const committed = (): PollerCheckpoint | undefined => {
    const heads = commits.flat().filter((r) => r.topic === 'cp' && r.key === settings.checkpointKey);
    const last = heads[heads.length - 1];
    return last === undefined ? undefined : decodeCheckpoint(last.value as CheckpointValue, new Map()).checkpoint;
  };
  const poller = (restored = committed()) => new ReportJobPoller(spec, ctx, settings, restored);
  const rows = () => commits.flat().filter((r) => r.topic === 'raw').map((r) => r.value as Record<string, unknown>);
  const rowIds = () => rows().map((v) => `${String(v['agentId'])}@${String(v['startTime'])}`);
  const failCommit = (n: number) => failures.push(n);
  return { poller, commits, committed, metrics, rows, rowIds, failCommit };
}

async function runUntilIdle(poller: ReportJobPoller): Promise<number> {
  let committedWindows = 0;
  for (let i = 0; i < 50; i++) {
    const result = await poller.runOnce();
    if (result.kind === 'idle') return committedWindows;
    committedWindows++;
  }
  throw new Error('poller never became idle');
}

function truthIds(api: FakeEvoApi, from: number, to: number): string[] {
  return api.intervals.filter((i) => i.start >= from && i.start < to).map((i) => `${i.agentId}@${new Date(i.start).toISOString()}`);
}

const sorted = (ids: string[]) => [...ids].sort();

describe('ReportJobPoller', () => {
  it('publishes every due window once, in order, with the watermark b (the window end) and the checkpoint in one transaction, then deletes the job', async () => {
    const api = new FakeEvoApi(intervalsOf(3, T0, T0 + 4 * HOUR, 600_000));
    const clock = new FakeClock(T0 + 2 * HOUR + 300_000);
    const h = harness(api, clock);
    expect(await runUntilIdle(h.poller())).toBe(2);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + 2 * HOUR)));
    expect(api.submitted.map((s) => [s.body['startDate'], s.body['endDate'], s.body['timeZoneId']])).toEqual([
      ['2026-11-29T06:00:00.000Z', '2026-11-29T07:00:00.000Z', 'UTC'],
      ['2026-11-29T07:00:00.000Z', '2026-11-29T08:00:00.000Z', 'UTC'],
    ]);
    const windowCommits = h.commits.filter((c) => c.some((r) => r.topic === 'raw'));
    expect(windowCommits).toHaveLength(2);
    for (const [index, commit] of windowCommits.entries()) {
      const end = T0 + (index + 1) * HOUR;
      expect(commit.filter((r) => r.topic === 'wm').map((r) => r.value)).toEqual([expect.objectContaining({ tenant: 't1', source: 'evo-voice/agent-state', watermark: end })]);
      const checkpoint = commit.find((r) => r.topic === 'cp')?.value as CheckpointValue;
      expect(Number(checkpoint.highMark)).toBe(end);
      expect(checkpoint.reportJob).toBeNull();
      expect(commit.filter((r) => r.topic === 'raw').every((r) => (r.value as Record<string, unknown>)['windowEnd'] === end)).toBe(true);
    }
    expect(api.deleted).toEqual(api.submitted.map((s) => s.id));
    expect(h.committed()?.reportJobsToDelete).toEqual([api.submitted[1]?.id]);
    expect(h.metrics.total('report_jobs_submitted')).toBe(2);
    expect(h.metrics.total('report_jobs_completed')).toBe(2);
    expect(h.metrics.total('rows_published')).toBe(h.rows().length);
    clock.current += HOUR;
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + 3 * HOUR)));
  });

  it('dead-letters a job in Error, deletes a stuck one, and submits the window again: nothing lost, nothing doubled', async () => {
    const api = new FakeEvoApi(intervalsOf(2, T0, T0 + 2 * HOUR, 900_000));
    api.plans.push('error', 'stuck', 'ok');
    const h = harness(api, new FakeClock(T0 + HOUR + 300_000));
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + HOUR)));
    const [errored, stuck, ok] = api.submitted.map((s) => s.id);
    const deadLetters = h.commits.flat().filter((r) => r.topic === 'dl').map((r) => r.value as { errorCode: string; originalValue: Buffer; retriable: boolean });
    expect(deadLetters.map((d) => d.errorCode)).toEqual(['report-job-error']);
    expect(JSON.parse(deadLetters[0]?.originalValue.toString('utf8') ?? '{}')).toMatchObject({ id: errored, status: 'Error', statusMessage: expect.stringContaining('failed') });
    expect(sorted(api.deleted)).toEqual(sorted([errored, stuck, ok].map(String)));
    expect(api.reports.size).toBe(0);
    expect(h.metrics.total('report_jobs_errored')).toBe(1);
    expect(h.metrics.total('report_jobs_stuck')).toBe(1);
    expect(h.metrics.total('report_jobs_submitted')).toBe(3);
  });

  it('after five failed jobs in a row the run fails (so the loop reports it); the next run submits the window again', async () => {
    const api = new FakeEvoApi(intervalsOf(2, T0, T0 + 2 * HOUR, 900_000));
    api.plans.push('error', 'error', 'error', 'error', 'error', 'ok');
    const h = harness(api, new FakeClock(T0 + HOUR + 300_000));
    await expect(h.poller().runOnce()).rejects.toMatchObject({ code: 'VENDOR_UNAVAILABLE', retriable: true, message: expect.stringContaining('5 report jobs in a row') });
    expect(h.committed()).toMatchObject({ highMark: T0 });
    expect(h.committed()?.reportJob).toBeUndefined();
    expect(h.metrics.total('report_jobs_errored')).toBe(5);
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + HOUR)));
    expect(api.submitted).toHaveLength(6);
    expect(h.commits.flat().filter((r) => r.topic === 'dl')).toHaveLength(5);
  });

  it('downloads a truncated workbook again; one that stays unreadable makes it submit the window again', async () => {
    const api = new FakeEvoApi(intervalsOf(2, T0, T0 + 3 * HOUR, 900_000));
    api.truncateDownloads = 1;
    const clock = new FakeClock(T0 + HOUR + 300_000);
    const h = harness(api, clock);
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(h.metrics.total('report_downloads_retried')).toBe(1);
    expect(api.submitted).toHaveLength(1);
    api.truncateDownloads = SETTINGS.maxDownloadAttempts;
    clock.current += HOUR;
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(api.submitted).toHaveLength(3);
    expect(h.metrics.total('report_jobs_lost')).toBe(1);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + 2 * HOUR)));
    expect(api.reports.size).toBe(0);
  });

  it('a restart re-attaches to the job in flight instead of submitting the window again', async () => {
    const api = new FakeEvoApi(intervalsOf(2, T0, T0 + 2 * HOUR, 900_000));
    const h = harness(api, new FakeClock(T0 + HOUR + 300_000));
    h.failCommit(2);
    await expect(h.poller().runOnce()).rejects.toThrow('broker unreachable');
    expect(h.committed()?.reportJob).toMatchObject({ id: api.submitted[0]?.id, windowStart: T0, windowEnd: T0 + HOUR, attempt: 1 });
    expect(h.rows()).toEqual([]);
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(api.submitted).toHaveLength(1);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + HOUR)));
  });

  it('a crash between the commit and the delete publishes nothing twice; the delete is retried later', async () => {
    const api = new FakeEvoApi(intervalsOf(2, T0, T0 + 3 * HOUR, 900_000));
    const h = harness(api, new FakeClock(T0 + HOUR + 300_000));
    api.failDeletes = 2;
    expect(await h.poller().runOnce()).toMatchObject({ kind: 'committed', caughtUp: true });
    const first = api.submitted[0]?.id ?? '';
    expect(api.reports.has(first)).toBe(true);
    expect(h.committed()?.reportJobsToDelete).toEqual([first]);
    expect(h.metrics.total('report_job_deletes_failed')).toBe(1);
    const restarted = harness(api, new FakeClock(T0 + 2 * HOUR + 300_000));
    restarted.commits.push(...h.commits);
    expect(await runUntilIdle(restarted.poller())).toBe(1);
    expect(api.reports.size).toBe(0);
    expect(sorted(restarted.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + 2 * HOUR)));
  });

  it('a window run again publishes nothing twice (record keys remembered in the checkpoint)', async () => {
    const api = new FakeEvoApi(intervalsOf(2, T0, T0 + 2 * HOUR, 900_000));
    const h = harness(api, new FakeClock(T0 + HOUR + 300_000));
    expect(await runUntilIdle(h.poller())).toBe(1);
    const published = h.rows().length;
    const committed = h.committed() as PollerCheckpoint;
    expect(await h.poller({ ...committed, highMark: T0 }).runOnce()).toMatchObject({ kind: 'committed', published: 0, duplicates: published });
    expect(h.rows()).toHaveLength(published);
  });

  it('dead-letters rejected rows with their cells and drops rows that start outside the window', async () => {
    const api = new FakeEvoApi(intervalsOf(1, T0, T0 + HOUR, 900_000));
    api.extraRows.push(['agent-9', 'X', '109', 'Dancing', null, '2026-11-29T06:10:00.000Z', '2026-11-29T06:11:00.000Z', 60]);
    api.extraRows.push(['agent-8', 'Y', '108', 'Ready', null, '2026-11-29T07:00:00.000Z', '2026-11-29T07:01:00.000Z', 60]);
    const h = harness(api, new FakeClock(T0 + HOUR + 300_000));
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(sorted(h.rowIds())).toEqual(sorted(truthIds(api, T0, T0 + HOUR)));
    const deadLetters = h.commits.flat().filter((r) => r.topic === 'dl').map((r) => r.value as { errorCode: string; originalValue: Buffer });
    expect(deadLetters.map((d) => d.errorCode)).toEqual(['unknown-state']);
    expect(JSON.parse(deadLetters[0]?.originalValue.toString('utf8') ?? '{}')).toMatchObject({ agentId: 'agent-9', state: 'Dancing' });
    expect(h.metrics.total('rejected_rows')).toBe(1);
    expect(h.metrics.total('out_of_range_rows')).toBe(1);
  });

  it('cleans up finished reports of its own kind that no window needs, and leaves other reports alone', async () => {
    const api = new FakeEvoApi([]);
    const orphan = api.addReport('Agent State Report', 'Completed');
    const other = api.addReport('Billing Report', 'Completed');
    const h = harness(api, new FakeClock(T0 + 300_000));
    expect(await h.poller().runOnce()).toEqual({ kind: 'idle' });
    expect(api.deleted).toEqual([orphan]);
    expect(api.reports.has(other)).toBe(true);
  });

  it('billing: one UTC day per window, requested as dates, keyed accountId|date, without a watermark', async () => {
    const api = new FakeEvoApi([]);
    const day = Date.parse('2026-11-28T00:00:00Z');
    const settings = { ...SETTINGS, checkpointKey: 't1|evo-voice/billing', windowMs: 86_400_000, initialStart: day };
    const h = harness(api, new FakeClock(day + 86_400_000 + 300_000), BILLING_REPORT, settings);
    expect(await runUntilIdle(h.poller())).toBe(1);
    expect(api.submitted.map((s) => s.body)).toEqual([{ accountId: 'acc-1', startDate: '2026-11-28', endDate: '2026-11-29', includeCustomerIds: true }]);
    const raw = h.commits.flat().filter((r) => r.topic === 'raw');
    expect(raw.map((r) => r.key)).toEqual(['acc-1|2026-11-28', 'acc-1|2026-11-28']);
    expect(raw[0]?.value).toMatchObject({ source: 'evo-voice/billing', service: 'Call Minutes', amount: 0.1, accountId: 'acc-1', includeCustomerIds: true });
    expect(h.commits.flat().filter((r) => r.topic === 'wm')).toEqual([]);
  });
});

describe('JobWaker', () => {
  it('a wake cuts the wait for that job short, and a wake that came first makes the next wait return at once', async () => {
    const waker = new JobWaker({ now: () => Date.now(), sleep: (ms, signal) => new Promise((resolve, reject) => { const t = setTimeout(resolve, ms); signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason as Error); }); }) });
    const started = Date.now();
    const waiting = waker.wait('job-1', 30_000);
    expect(waker.wake('job-2')).toBe(false);
    expect(waker.wake('job-1')).toBe(true);
    await waiting;
    await waker.wait('job-2', 30_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const aborted = new AbortController();
    const cancelled = waker.wait('job-3', 30_000, aborted.signal);
    aborted.abort(new Error('shutdown'));
    await expect(cancelled).rejects.toThrow('shutdown');
  });
});

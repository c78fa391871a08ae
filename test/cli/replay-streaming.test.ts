/**
 * `agent-timelines replay` as a stream: NDJSON read chunk by chunk (stdin or a file stream), rows through the
 * external merge sort, against the batch `replay()` serialized as the command printed it before it streamed.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { replayCommand, serializePeriod, serializeRow } from '../../src/cli/replay.ts';
import type { ReplayIo } from '../../src/cli/replay.ts';
import { UserOrderSorter, JsonArrayWriter } from '../../src/cli/replay-output.ts';
import { aggregateQuarterHours } from '../../src/core/replay/quarter-hour-aggregation.ts';
import type { TimeCategory } from '../../src/core/replay/replay.ts';
import { replay, statisticRow } from '../../src/core/replay/replay.ts';
import { rollUp } from '../../src/core/rollup/rollup.ts';
import { sinchAgentStatusHistoryAdapter as adapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { historyArb } from '../core/generators/histories.ts';
import { fcParams } from '../core/properties/support.ts';

const temp = mkdtempSync(join(tmpdir(), 'replay-streaming-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** What `replay` printed before it streamed: the batch rows, serialized, as one array. */
function batchOutput(records: readonly unknown[], options: { timeCategory?: TimeCategory; timeZone?: string; until?: number } = {}): string {
  const lines = replay(records, adapter, options).rows.map(serializeRow);
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/** Splits text into chunks of bytes at `cuts` (mod length): lines and UTF-8 sequences cut anywhere. */
function* chunks(text: string, cuts: readonly number[]): Generator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const at = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const cut of at) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

async function run(argv: string[], input: { stdin?: Iterable<Uint8Array>; files?: Record<string, Iterable<Uint8Array>> }, extra: Partial<ReplayIo> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await replayCommand(argv, {
    stdin: (async function* () {
      yield* input.stdin ?? [];
    })(),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: () => Promise.reject(new Error('readFile is not used when openFile is given')),
    openFile: (path: string) =>
      (async function* () {
        const file = input.files?.[path];
        if (file === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
        yield* file;
      })(),
    tempDir: temp,
    ...extra,
  });
  return { code, stdout, stderr };
}

/** The earliest and latest eventTime of a record (junk: -Infinity). */
function eventTimes(record: unknown): [number, number] {
  const adapted = adapter.adapt(record, { maxEventAgeMs: 366 * 86_400_000, maxEventLeadMs: 3_600_000 });
  if ('rejection' in adapted || adapted.events.length === 0) return [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const times = adapted.events.map((e) => e.eventTime);
  return [Math.min(...times), Math.max(...times)];
}

/** Records sorted by their latest eventTime, and the disorder bound that then accepts them (their own spread). */
function ordered(records: readonly unknown[]): { records: unknown[]; bound: number } {
  const sorted = records.map((r, i) => ({ r, t: eventTimes(r), i })).sort((a, b) => a.t[1] - b.t[1] || a.i - b.i);
  const bound = Math.max(0, ...sorted.filter((x) => Number.isFinite(x.t[0])).map((x) => x.t[1] - x.t[0]));
  return { records: sorted.map((x) => x.r), bound };
}

const ndjson = (records: readonly unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('agent-timelines replay, streamed', () => {
  it('prints byte for byte what the batch replay printed, for every category, from stdin or a file, sorted through run files', async () => {
    const caseArb = fc.record({
      history: historyArb({ maxAgents: 6, maxSessions: 4 }),
      timeCategory: fc.constantFrom<TimeCategory>('quarterHour', 'hour', 'day', 'week', 'month', 'year', 'all'),
      timeZone: fc.constantFrom('UTC', 'Europe/Helsinki', 'Asia/Kolkata', 'America/St_Johns'),
      cuts: fc.array(fc.nat(), { maxLength: 8 }),
      sortBufferChars: fc.constantFrom(1, 2_000, 1 << 25),
      fromStdin: fc.boolean(),
    });
    let spilled = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { records, bound } = ordered(c.history.records);
        const text = ndjson(records);
        const argv = ['--time-category', c.timeCategory, '--time-zone', c.timeZone, '--max-disorder', `${bound}ms`];
        const input = c.fromStdin ? { stdin: chunks(text, c.cuts) } : { files: { 'in.ndjson': chunks(text, c.cuts) } };
        const { code, stdout } = await run([c.fromStdin ? '-' : 'in.ndjson', ...argv], input, { sortBufferChars: c.sortBufferChars });
        expect(code).toBe(0);
        expect(stdout).toBe(batchOutput(records, { timeCategory: c.timeCategory, timeZone: c.timeZone }));
        if (c.sortBufferChars < 10_000 && stdout.length > 100) spilled++;
      }),
      fcParams(120),
    );
    expect(spilled).toBeGreaterThan(10);
    expect(readdirSync(temp)).toEqual([]);
  }, 180_000);

  it('--order time prints the same rows as they become final: by intervalStart, then userId', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb({ maxAgents: 5 }), fc.constantFrom<TimeCategory>('quarterHour', 'hour', 'day', 'all'), async (history, timeCategory) => {
        const { records, bound } = ordered(history.records);
        const { code, stdout } = await run(['-', '--order', 'time', '--time-category', timeCategory, '--max-disorder', `${bound}ms`], { stdin: chunks(ndjson(records), [7]) });
        expect(code).toBe(0);
        const rows = JSON.parse(stdout) as { userId: string; intervalStart: string }[];
        const expected = JSON.parse(batchOutput(records, { timeCategory })) as { userId: string; intervalStart: string }[];
        const byTime = (a: { userId: string; intervalStart: string }, b: { userId: string; intervalStart: string }): number =>
          a.intervalStart < b.intervalStart ? -1 : a.intervalStart > b.intervalStart ? 1 : a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
        expect(rows).toEqual([...expected].sort(byTime));
      }),
      fcParams(60),
    );
  }, 120_000);

  it('refuses NDJSON out of event-time order beyond --max-disorder, naming the line; inf accepts it', async () => {
    const base = { sessionId: 'S1', userId: 'U1', userName: 'A' };
    const records = [
      { ...base, userStatus: 'Ready', userStatusTimeStamp: '2024-01-01 09:00:00.000', status: 'Waiting', statusTimestamp: '2024-01-01 09:00:00.000', changeTimeStamp: '2024-01-01 09:00:00.100' },
      { ...base, status: 'Talking_Inbound', statusTimestamp: '2024-01-01 09:20:00.000', changeTimeStamp: '2024-01-01 09:20:00.100' },
      { ...base, status: 'Wrap', statusTimestamp: '2024-01-01 09:10:00.000', changeTimeStamp: '2024-01-01 09:10:00.100' },
      { ...base, status: 'LoggedOut', statusTimestamp: '2024-01-01 09:30:00.000', changeTimeStamp: '2024-01-01 09:30:00.100' },
    ];
    const text = `${JSON.stringify(records[0])}\n\n${ndjson(records.slice(1))}`;
    const refused = await run(['-'], { stdin: [new TextEncoder().encode(text)] });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'agent-timelines replay: stdin: line 4: out of event-time order: its event at 2024-01-01T09:10:00.000Z (session S1) is before 2024-01-01T09:15:00.000Z, ' +
        'up to which the replay had already counted (events may be at most --max-disorder 5m behind the latest event read). ' +
        'Sort the input by event time, or raise --max-disorder (inf accepts any order, holding the input in memory).\n',
    );
    const within = await run(['-', '--max-disorder', '10m'], { stdin: [new TextEncoder().encode(text)] });
    const unbounded = await run(['-', '--max-disorder', 'inf'], { stdin: [new TextEncoder().encode(text)] });
    expect(within).toEqual({ code: 0, stdout: batchOutput(records), stderr: '' });
    expect(unbounded).toEqual(within);
    const strict = await run(['-', '--max-disorder', '0'], { stdin: [new TextEncoder().encode(ndjson([records[0], records[2]]))] });
    expect(strict).toEqual({ code: 0, stdout: batchOutput([records[0], records[2]]), stderr: '' });
  });

  it('refuses a record of a session it has forgotten (ended more than a day of event time before), naming the line', async () => {
    const s1 = { sessionId: 'S1', userId: 'U1', userName: 'A' };
    const s2 = { sessionId: 'S2', userId: 'U2', userName: 'B' };
    const records = [
      { ...s1, userStatus: 'Ready', userStatusTimeStamp: '2024-01-01 09:00:00.000', status: 'Waiting', statusTimestamp: '2024-01-01 09:00:00.000', changeTimeStamp: '2024-01-01 09:00:00.100' },
      { ...s1, status: 'LoggedOut', statusTimestamp: '2024-01-01 09:30:00.000', changeTimeStamp: '2024-01-01 09:30:00.100' },
      { ...s2, userStatus: 'Ready', userStatusTimeStamp: '2024-01-03 00:00:00.000', status: 'Waiting', statusTimestamp: '2024-01-03 00:00:00.000', changeTimeStamp: '2024-01-03 00:00:00.100' },
      { ...s2, status: 'Talking_Inbound', statusTimestamp: '2024-01-03 00:10:00.000', changeTimeStamp: '2024-01-03 00:10:00.100' },
      { ...s1, status: 'Waiting', statusTimestamp: '2024-01-03 00:20:00.000', changeTimeStamp: '2024-01-03 00:20:00.100' },
    ];
    const text = ndjson(records);
    const refused = await run(['-'], { stdin: [new TextEncoder().encode(text)] });
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'agent-timelines replay: stdin: line 5: its event at 2024-01-03T00:20:00.000Z (session S1) belongs to a session that had ended and had no event for 24h of event time, ' +
        'which the streaming replay no longer holds, so it cannot tell what the record means; --max-disorder inf replays such input in memory.\n',
    });
    const inMemory = await run(['-', '--max-disorder', 'inf'], { stdin: [new TextEncoder().encode(text)] });
    expect(inMemory).toEqual({ code: 0, stdout: batchOutput(records), stderr: 'agent-timelines replay: rejected 1 of 5 records: after-session-end=1\n' });
  });

  it('reads a JSON array whole, in any order, and reports its refusals by position when a bound is set', async () => {
    const base = { sessionId: 'S1', userId: 'U1', userName: 'A' };
    const records = [
      { ...base, status: 'LoggedOut', statusTimestamp: '2024-01-01 09:30:00.000', changeTimeStamp: '2024-01-01 09:30:00.100' },
      { ...base, userStatus: 'Ready', userStatusTimeStamp: '2024-01-01 09:00:00.000', status: 'Waiting', statusTimestamp: '2024-01-01 09:00:00.000', changeTimeStamp: '2024-01-01 09:00:00.100' },
    ];
    const text = JSON.stringify(records);
    expect(await run(['-'], { stdin: chunks(text, [3, 50]) })).toEqual({ code: 0, stdout: batchOutput(records), stderr: '' });
    const bounded = await run(['-', '--max-disorder', '1m'], { stdin: chunks(text, [3]) });
    expect(bounded.code).toBe(2);
    expect(bounded.stderr).toMatch(/^agent-timelines replay: stdin: record 2 of the array: out of event-time order/);
  });

  it('says which file it cannot read, and rejects bad new options', async () => {
    expect(await run(['nope.ndjson'], {})).toMatchObject({ code: 2, stdout: '', stderr: "agent-timelines replay: cannot read nope.ndjson: ENOENT: no such file or directory, open 'nope.ndjson'\n" });
    expect((await run(['-', '--max-disorder', 'soon'], {})).stderr.split('\n')[0]).toBe('agent-timelines replay: invalid --max-disorder "soon" (a duration such as 300s, 5m, 2h, or inf)');
    expect((await run(['-', '--order', 'random'], {})).stderr.split('\n')[0]).toBe('agent-timelines replay: invalid --order "random" (user or time)');
  });

  it('serializePeriod writes what serializeRow(statisticRow(…)) writes, partial fields included', () => {
    fc.assert(
      fc.property(historyArb(), fc.constantFrom<TimeCategory>('quarterHour', 'day', 'all'), fc.boolean(), (history, category, mixCoverage) => {
        const events = history.records.flatMap((r) => {
          const a = adapter.adapt(r, { maxEventAgeMs: 366 * 86_400_000, maxEventLeadMs: 3_600_000 });
          return 'rejection' in a ? [] : a.events;
        });
        const quarterHours = aggregateQuarterHours(events).quarterHours.map((q, i) =>
          // a mixed coverage: some components without the field, as a roll-up over two sources makes it
          mixCoverage && i % 2 === 1 ? { ...q, coverage: q.coverage.map((bits, f) => (f % 3 === 0 ? 2 : bits)) } : q,
        );
        for (const period of rollUp(quarterHours, category, 'Europe/Helsinki')) expect(serializePeriod(period)).toBe(serializeRow(statisticRow(period)));
      }),
      fcParams(100),
    );
  });
});

describe('UserOrderSorter', () => {
  it.each([7, 64, 1 << 18])('merges run files into userId, intervalStart order and removes them (read chunks of %i bytes)', async (chunkBytes) => {
    const dir = mkdtempSync(join(tmpdir(), 'sorter-test-'));
    try {
      const sorter = new UserOrderSorter(300, dir, chunkBytes);
      const rows: [string, number][] = [];
      for (let t = 0; t < 50; t++) for (const user of ['b', 'a', 'ü→x', 'c\t"q"']) rows.push([user, t * 900_000]);
      for (const [user, start] of rows) await sorter.add(user, start, JSON.stringify({ user, start, pad: 'é'.repeat(start % 7) }));
      expect(sorter.spilledRuns).toBeGreaterThan(5);
      let out = '';
      await sorter.finish(new JsonArrayWriter({ write: (s: string) => (out += s) }));
      const sorted = [...rows].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1]));
      expect((JSON.parse(out) as { user: string; start: number }[]).map((r) => [r.user, r.start])).toEqual(sorted);
      await sorter.dispose();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  });
});

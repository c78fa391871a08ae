import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replayCommand, serializeRow } from '../../src/cli/replay.ts';
import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../src/core/statistic/agent-statistic-fields.ts';
import { knownRows } from '../support/known-metrics.ts';

const FIXTURE = 'test/fixtures/sinch-seed-agent-status-history.json';
const seedText = readFileSync(new URL('../fixtures/sinch-seed-agent-status-history.json', import.meta.url), 'utf8');
const seed = JSON.parse(seedText) as unknown[];

async function run(argv: string[], files: Record<string, string> = {}, stdin: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await replayCommand(argv, {
    stdin: (async function* () {
      for (const chunk of stdin) yield new TextEncoder().encode(chunk);
    })(),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readFile: async (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
  });
  return { code, stdout, stderr };
}

describe('agent-timelines replay', () => {
  it('prints one JSON array of rows with the agentStatistic field order', async () => {
    const { code, stdout, stderr } = await run([FIXTURE], { [FIXTURE]: seedText });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    const keys = Object.keys(rows[0] ?? {});
    expect(keys.slice(0, 5)).toEqual(['timeCategory', 'userId', 'userName', 'intervalStart', 'intervalEnd']);
    expect(keys.slice(5, 12)).toEqual(['servingDuration', 'readyDuration', 'notReadyDuration', 'pauseDuration', 'freeDuration', 'waitingDuration', 'contactHandlingDuration']);
    expect(keys.indexOf('countOfHandledCallIn')).toBe(keys.indexOf('callInDuration') - 1);
    expect(keys.slice(-2)).toEqual(['maxChangeTimestamp', 'source']);
    expect(keys).toHaveLength(5 + 29 + 2);
    expect(rows[0]).toMatchObject({ timeCategory: '2019-12-03T07:15:00.000Z', servingDuration: 600_873, countOfHandledCallOut: 1, source: 'sinch-rai' });
  });

  it('prints null for what Sinch RAI cannot supply (resting, the Direct split) and numbers for the rest, in every time category', async () => {
    for (const argv of [[FIXTURE], [FIXTURE, '--time-category', 'day', '--time-zone', 'Europe/Helsinki']]) {
      const { code, stdout } = await run(argv, { [FIXTURE]: seedText });
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as Record<MetricField, number | null>[];
      expect(rows.length).toBeGreaterThan(0);
      expect(() => knownRows(rows)).not.toThrow();
      expect(rows[0]).toMatchObject({ restingDuration: null, callInDirectDuration: null, countOfHandledCallOutDirect: null, pauseDuration: 0 });
    }
  });

  it('gives identical output for NDJSON, stdin, shuffled and duplicated input', async () => {
    const expected = (await run([FIXTURE], { [FIXTURE]: seedText })).stdout;
    const ndjson = seed.map((r) => JSON.stringify(r)).join('\n') + '\n';
    expect((await run(['in.ndjson'], { 'in.ndjson': ndjson })).stdout).toBe(expected);
    expect((await run(['-'], {}, [ndjson.slice(0, 100), ndjson.slice(100)])).stdout).toBe(expected);
    const shuffled = [...seed].reverse().concat(seed.slice(3, 9));
    expect((await run(['x.json'], { 'x.json': JSON.stringify(shuffled) })).stdout).toBe(expected);
  });

  it('applies --time-category, --time-zone and --until (both flag forms)', async () => {
    const files = { [FIXTURE]: seedText };
    const day = JSON.parse((await run([FIXTURE, '--time-category', 'day', '--time-zone=Europe/Helsinki'], files)).stdout) as Record<string, unknown>[];
    expect(day).toMatchObject([{ timeCategory: '2019-12-03', intervalStart: '2019-12-02T22:00:00.000Z', servingDuration: 1_259_743 }]);
    const cut = JSON.parse((await run([FIXTURE, '--until', '2019-12-03T07:20:30.000Z'], files)).stdout) as Record<string, unknown>[];
    expect(cut).toMatchObject([{ servingDuration: 30_873 }]);
  });

  it('summarizes rejected records on stderr by reason', async () => {
    const input = JSON.stringify([...seed, { sessionId: 'x' }, 5, { ...(seed[0] as object), changeTimeStamp: 'never' }]);
    const { code, stdout, stderr } = await run(['in.json'], { 'in.json': input });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(2);
    expect(stderr).toBe('agent-timelines replay: rejected 3 of 24 records: bad-timestamp=1, missing-userId=1, not-an-object=1\n');
  });

  it('fails with one clear line and exit code 2 on bad input or usage', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['missing.json'], {}, /cannot read missing\.json: ENOENT/],
      [['bad.json'], { 'bad.json': '[{"a":1},' }, /bad\.json: invalid JSON/],
      [['bad.ndjson'], { 'bad.ndjson': '{"a":1}\n{oops}\n' }, /invalid JSON on line 2/],
      [['obj.json'], { 'obj.json': '[1' }, /invalid JSON/],
      [[FIXTURE, '--time-category', 'decade'], { [FIXTURE]: seedText }, /invalid --time-category "decade"/],
      [[FIXTURE, '--time-zone', 'Mars/Olympus'], { [FIXTURE]: seedText }, /invalid --time-zone "Mars\/Olympus"/],
      [[FIXTURE, '--until', 'tomorrow'], { [FIXTURE]: seedText }, /invalid --until "tomorrow"/],
      [[FIXTURE, '--verbose'], { [FIXTURE]: seedText }, /unknown option "--verbose"/],
      [[FIXTURE, '--until'], { [FIXTURE]: seedText }, /option --until needs a value/],
      [[], {}, /missing FILE/],
    ];
    for (const [argv, files, message] of cases) {
      const { code, stdout, stderr } = await run(argv, files);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.split('\n')[0]).toMatch(message);
    }
  });

  it('prints an empty array for empty input', async () => {
    expect(await run(['e.json'], { 'e.json': '' })).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('writes null, not 0, for a field the source cannot supply, and partialFields when a roll-up mixed sources', () => {
    const metrics = Object.fromEntries(METRIC_FIELDS.map((f) => [f, f === 'servingDuration' ? 900_000 : null]));
    const row = { ...metrics, timeCategory: 'all', userId: 'U1', userName: 'A', intervalStart: 'x', intervalEnd: 'y', maxChangeTimestamp: 'z', source: 'evo-voice,sinch-rai', partialFields: ['pauseDuration'] };
    const out = JSON.parse(serializeRow(row as Parameters<typeof serializeRow>[0])) as Record<string, unknown>;
    expect(out).toMatchObject({ servingDuration: 900_000, pauseDuration: null, callInDuration: null, source: 'evo-voice,sinch-rai', partialFields: ['pauseDuration'] });
    expect(Object.keys(out).slice(-3)).toEqual(['maxChangeTimestamp', 'source', 'partialFields']);
  });
});

import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineReader } from '../../src/http/server-deps.ts';
import { WildcardPattern } from '../../src/http/wildcard-match.ts';
import type { StoreFixture } from './support/http-fixture.ts';
import { agentState, createStoreFixture, EMPTY_READER, qh, testServer } from './support/http-fixture.ts';

const T0 = Date.UTC(2024, 5, 1, 9);
const AGENTS = 1000;
const userId = (i: number): string => `A${i.toString(16).toUpperCase().padStart(31, '0')}`;
/** 36-character names, so a 20-star pattern has about C(56, 20) ways to split one for a backtracking matcher. */
const userName = (i: number): string => `Agent-${String(i).padStart(4, '0')}-aaaaaaaaaaaaaaaaaaaaaaaaa`;
const TWENTY_STARS = `${'*a'.repeat(20)}!`;

const never: TimelineReader['readQuarterHours'] = () => new Promise(() => undefined);
let store: StoreFixture;

beforeAll(async () => {
  store = await createStoreFixture();
  const writes = Array.from({ length: AGENTS }, (_, i) => [
    { kind: 'agentState' as const, state: agentState(userId(i), { userName: userName(i), asOf: T0 }) },
    { kind: 'quarterHour' as const, row: { ...qh(userId(i), T0, 3_600_000), userName: userName(i) } },
  ]).flat();
  for (let i = 0; i < writes.length; i += 500) await store.write(writes.slice(i, i + 500));
}, 60_000);

afterAll(async () => store?.close());

describe('WildcardPattern', () => {
  it('matches * and ? case-insensitively over the whole value', () => {
    const cases: Array<[string, string, boolean]> = [
      ['fox*', 'Fox, John', true], ['*john', 'Fox, John', true], ['f?x, j*', 'Fox, John', true], ['*o*o*', 'Fox, John', true],
      ['fox', 'Fox, John', false], ['*x', 'Fox, John', false], ['?', '', false], ['*', '', true], ['', '', true], ['a*b*c', 'aXbYc', true],
      ['a*b*c', 'aXcYb', false], ['36*', '3600000', true], ['*.*', 'a.b', true], ['a.c', 'abc', false], ['[a]', '[A]', true], ['**?**', 'é', true],
    ];
    for (const [pattern, value, expected] of cases) expect([pattern, value, new WildcardPattern(pattern).test(value)]).toEqual([pattern, value, expected]);
  });
});

describe('hostile queries', () => {
  it('a 20-star filter over 1,000 agents answers in under 1 s while /healthz keeps answering in under 300 ms', async () => {
    const app = testServer(store.reader);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/healthz`);
      const hostile = async (url: string): Promise<{ ms: number; status: number; rows: number }> => {
        const started = performance.now();
        const response = await fetch(url);
        const rows = (await response.json() as unknown[]).length;
        return { ms: performance.now() - started, status: response.status, rows };
      };
      // warm-up (JIT, connections) outside the measured window, with patterns a backtracking matcher answers at once
      await hostile(`${base}/agentStatus?limit=10000&userName=Agent*`);
      const probes: number[] = [];
      let done = false;
      const probing = (async () => {
        while (!done || probes.length < 10) {
          const started = performance.now();
          await fetch(`${base}/healthz`);
          probes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      const answers = [];
      answers.push(await hostile(`${base}/agentStatus?limit=10000&userName=${encodeURIComponent(TWENTY_STARS)}`));
      answers.push(await hostile(`${base}/agentStatus?limit=10000&sessionId=${'*a'.repeat(20)}!`));
      done = true;
      await probing;
      // the roll-up of 1,000 quarter-hours holds the event loop for about 90 ms here with or without a filter, so
      // /agentStatistic is held to the answer time only
      answers.push(await hostile(`${base}/agentStatistic?startTime=2024-06-01T09:00:00Z&endTime=2024-06-01T10:00:00Z&limit=10000&userName=${encodeURIComponent(TWENTY_STARS)}`));
      answers.push(await hostile(`${base}/agentStatistic?startTime=2024-06-01T09:00:00Z&endTime=2024-06-01T10:00:00Z&limit=10000&servingDuration=${'*0'.repeat(40)}1`));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.rows).toBe(0);
        expect(answer.ms).toBeLessThan(1000);
      }
      const all = await hostile(`${base}/agentStatus?limit=10000&userName=${encodeURIComponent('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*')}`);
      expect(all.rows).toBe(AGENTS);
      // a backtracking matcher would hold the event loop for seconds; 300 ms leaves room for the test files vitest
      // runs beside this one on two cores (100 ms failed there at 117–119 ms with the matcher unchanged)
      expect(Math.max(...probes)).toBeLessThan(300);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('refuses a 50-year range with a 400 naming the maximum, and a filter value over 256 characters', async () => {
    const app = testServer(store.reader);
    const statistic = await app.inject('/agentStatistic?startTime=1970-01-01T00:00:00Z&endTime=2020-01-01T00:00:00Z');
    expect([statistic.statusCode, statistic.body]).toEqual([400, 'Invalid range: startTime to endTime spans 18262 days; at most 31 days per request (split the range into several requests)']);
    const open = await app.inject('/agentStatistic?startTime=1970-01-01T00:00:00Z');
    expect(open.statusCode).toBe(400);
    const timeline = await app.inject(`/agents/${userId(1)}/timeline?startTime=1970-01-01T00:00:00Z&endTime=2020-01-01T00:00:00Z`);
    expect(timeline.statusCode).toBe(400);
    expect((await app.inject('/agentStatistic?startTime=2024-05-01T09:00:00Z&endTime=2024-06-01T09:00:00Z')).statusCode).toBe(200);
    const long = await app.inject(`/agentStatus?userName=${'*'.repeat(257)}`);
    expect([long.statusCode, long.body]).toEqual([400, 'Invalid filter userName: 257 characters (at most 256)']);
    await app.close();
  });

  it('answers 503 at the query deadline, and runs /agentStatus under the same admission as /agentStatistic', async () => {
    const stuck: TimelineReader = { ...EMPTY_READER, readQuarterHours: never, readAgentStates: () => new Promise(() => undefined) };
    const app = testServer(stuck, { requestLimits: { queryTimeoutMs: 300 } });
    const started = Date.now();
    const late = await app.inject('/agentStatistic?startTime=2024-06-01T09:00:00Z&endTime=2024-06-01T10:00:00Z');
    expect([late.statusCode, late.body]).toEqual([503, 'Service Unavailable: the query did not finish within its deadline of 300 ms; narrow it (fewer users, a shorter range) or retry later']);
    expect(Date.now() - started).toBeLessThan(5000);
    await app.close();
    const busy = testServer(stuck, { requestLimits: { queryTimeoutMs: 60_000 } });
    const slots = Array.from({ length: 2 + 32 }, () => busy.inject('/agentStatistic?startTime=2024-06-01T09:00:00Z&endTime=2024-06-01T10:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await busy.inject('/agentStatus');
    expect([refused.statusCode, refused.body]).toEqual([503, 'Service Unavailable: too many concurrent statistic queries (2 running, 32 waiting); retry shortly']);
    void slots;
    await busy.close().catch(() => undefined);
  });

  it('20,000 requests with distinct invalid time zones, and 10,000 case variants of a valid one, leave the heap where it was', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // over HTTP, as in production: app.inject itself keeps about 10 KB per request reachable (light-my-request)
    const app = testServer(EMPTY_READER);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const ask = async (zone: string): Promise<number> => {
      const response = await fetch(`${base}/agentStatistic?startTime=2024-06-01T09:00:00Z&endTime=2024-06-01T09:15:00Z&limit=0&timeZone=${encodeURIComponent(zone)}`);
      await response.arrayBuffer();
      return response.status;
    };
    // half short enough to reach the zone check, half 2 KB as in the review's measurement (luxon kept both)
    const invalid = (i: number): string => `Nowhere/${String(i).padStart(6, '0')}_${'x'.repeat(i % 2 === 0 ? 48 : 2048)}`;
    const variant = (i: number): string => [...'europe/helsinki'].map((c, k) => ((i >> k) & 1 ? c.toUpperCase() : c)).join('');
    for (let i = 0; i < 2000; i++) await ask(invalid(1_000_000 + i));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20_000; i++) expect(await ask(invalid(i))).toBe(400);
    for (let i = 0; i < 10_000; i++) expect(await ask(variant(i))).toBe(200);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // luxon kept every name it was given, so before the fix these requests kept about 25 MB (10,000 × 2 KB names,
    // 10,000 short ones, 10,000 case variants each with a zone object); the bound leaves room for warm-up noise
    expect(grown).toBeLessThan(4 * 1024 * 1024);
    await app.close();
  }, 120_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/vendors/sinch/simulator/index.ts';
import type { RunningSimulator } from '../../../src/vendors/sinch/simulator/index.ts';
import { compareKeys, freshStack, orderViolations, publishedKey, readTopic, truthKey } from '../../ingest/support/stack.ts';
import { spawnPoller } from '../../ingest/support/poller-process.ts';

const FROM = Date.parse('2024-03-04T00:00:00Z');
const TO = FROM + 7 * 86_400_000;

describe('chunked 7-day backfill', () => {
  let simulator: RunningSimulator | undefined;
  afterAll(async () => {
    await simulator?.close();
  });

  it('prints progress per chunk, resumes after SIGKILL at the first uncommitted chunk, and publishes every row once', async () => {
    const stack = await freshStack();
    simulator = await startSimulator({ seed: 3, agents: 10, from: FROM, to: TO, clock: { mode: 'historical' }, faults: { rate429: 0.02, retryAfterSeconds: 1, malformedRate: 0.02, repeatRowsRate: 0.2 }, credentials: { username: 'api', password: 'secret' } });
    const tenants = [{ id: 'acme', baseUrl: simulator.url, credentials: { username: 'api', password: 'secret' }, pageSize: 50, backoffBaseMs: 50, backoffMaxMs: 500, rateLimitPerSecond: 1000, rateLimitBurst: 100 }];
    const env = { ...stack.env, SINCH_TENANTS: JSON.stringify(tenants) };
    const args = ['--backfill', '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--chunk', '1h'];

    const firstStarted = Date.now();
    const first = spawnPoller(args, env);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if ((first.stdout().match(/^chunk /gm) ?? []).length >= 30) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const done = (first.stdout().match(/^chunk (\d+)\/168 /gm) ?? []).length;
    expect(first.stdout()).toMatch(/in 168 chunks of 60 min/);

    const second = spawnPoller(args, env);
    expect(await second.exited, second.stderr()).toBe(0);
    const out = second.stdout();
    const resumedAfter = Number(/resuming after chunk (\d+)\/168/.exec(out)?.[1]);
    expect(resumedAfter).toBeGreaterThanOrEqual(done);
    const lines = out.split('\n').filter((l) => l.startsWith('chunk '));
    expect(lines[0]).toMatch(new RegExp(`^chunk ${resumedAfter + 1}/168 \\[\\S+, \\S+\\) rows \\d+ published \\d+ duplicates \\d+ rate \\d+ rows/s total \\d+$`));
    expect(lines.at(-1)).toMatch(/^chunk 168\/168 /);
    expect(out).toMatch(/backfill complete/);

    const truth = simulator.groundTruth().agentStatusHistory;
    const records = await readTopic(stack, 'raw.sinch.agent-status-history');
    const { duplicates, missing, extra } = compareKeys(records.map((r) => publishedKey(r.value)), truth.map(truthKey));
    expect({ duplicates: duplicates.length, missing: missing.length, extra: extra.length }).toEqual({ duplicates: 0, missing: 0, extra: 0 });
    expect(records.length).toBeGreaterThan(5000);
    expect(orderViolations(records)).toEqual([]);

    const ranges = await readTopic(stack, 'control.backfill-ranges');
    const latest = ranges.at(-1)!.value;
    expect(new Set(ranges.map((r) => r.key))).toEqual(new Set([`acme|sinch-rai/agentStatusHistory|${FROM}|${TO}`]));
    expect(ranges.slice(0, -1).every((r) => r.value['completedAt'] === null), 'only the last chunk completes the range').toBe(true);
    expect(latest).toMatchObject({ tenant: 'acme', source: 'sinch-rai/agentStatusHistory', from: FROM, to: TO });
    expect(new Set(ranges.map((r) => r.value['startedAt'])).size, 'the resumed backfill keeps its start').toBe(1);
    expect(Number(latest['startedAt'])).toBeGreaterThanOrEqual(firstStarted);
    expect(Number(latest['startedAt'])).toBeLessThanOrEqual(Math.min(...records.map((r) => r.timestamp)));
    expect(Number(latest['completedAt'])).toBeGreaterThanOrEqual(Number(latest['startedAt']));

    const again = spawnPoller(args, env);
    expect(await again.exited).toBe(0);
    expect(again.stdout()).toMatch(/backfill complete: 0 chunks run, 0 rows published/);
  }, 150_000);
});

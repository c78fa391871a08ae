import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, redisMatches,
  TENANT, waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { freePort, restartRedis, spawnProcessor, startKafka, stopKafka } from './support/service-restarts.ts';
import type { ProcessorChild } from './support/service-restarts.ts';
import { brokenRevisionSequences, revisionHistory } from './support/topic-checks.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function retrying<T>(operation: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(1_000);
    }
  }
}

/** How long the broker stays down in the middle of the run: a long outage, not a blip. */
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 60_000);

const readyz = async (child: ProcessorChild): Promise<number> => (await fetch(`${child.url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
const readyGauge = async (child: ProcessorChild): Promise<string | undefined> =>
  /^agent_timelines_processor_ready (\d)$/m.exec(await (await fetch(`${child.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text())?.[1];

/**
 * The processor runs as `node src/bin/cli.ts process` children while the input arrives in 24 chunks (each followed
 * by a poll watermark). Five times, once the current child has caught up with the previous chunk, it is SIGKILLed
 * a random 0–400 ms into processing the next one (mid-transaction) and a new child is started. The broker is stopped
 * once for {@link OUTAGE_MS} (the child must stay up and say it is not ready on /readyz and in its metrics, then be
 * ready again; how long it then takes to apply the next watermark is printed), and Redis is restarted once.
 * Afterwards the latest revision per (agent, quarter-hour) on the read_committed output topic and in Redis equals
 * the batch replay, every key's committed revisions are exactly 1..n (nothing lost, nothing emitted
 * twice), and no child ever exited by itself.
 *
 * FAULT_SEED repeats a run's kill timings (each run prints its seed); FAULT_LOG_DIR=<dir> writes each child's log
 * there (FAULT_LOG_LEVEL, default info).
 */
describe('timeline processor under faults', () => {
  let pipeline: TestPipeline;
  let current: ProcessorChild | undefined;
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
  });
  afterAll(async () => {
    current?.child.kill('SIGKILL');
    await pipeline?.close();
  });

  it('equals an uninterrupted run after 5 kill -9, a long broker outage and a Redis restart', { timeout: 300_000 + 2 * OUTAGE_MS }, async () => {
    const generated = generateRawHistory({ seed: 11, agents: 40, start: Date.UTC(2024, 1, 5, 6), spanMs: 6 * 3_600_000 });
    const finalWatermark = maxChangeTime(generated) + 3_600_000;
    const chunks = 24;
    const size = Math.ceil(generated.length / chunks);
    const kills = new Set([2, 5, 8, 13, 18]);
    const events: string[] = [`seed ${seed}`];
    let spawned = 0;
    let brokerBack = 0;
    let unexpectedExits = 0;
    const start = async (): Promise<ProcessorChild> => {
      const child = spawnProcessor(pipeline.env, `fault-${spawned++}`, await freePort());
      void child.exited.then(async (code) => {
        if (current === child && code !== null) {
          unexpectedExits++;
          events.push(`child exited by itself with ${code}: ${child.log.join('').slice(-2_000)}`);
          current = await start();
        }
      });
      return child;
    };
    current = await start();

    for (let i = 0; i < chunks; i++) {
      const part = generated.slice(i * size, (i + 1) * size);
      await retrying(() => produceRaw(pipeline, part));
      await retrying(() => publishWatermark(pipeline, maxChangeTime(part)));
      if (kills.has(i)) {
        const previous = maxChangeTime(generated.slice((i - 1) * size, i * size));
        const working = await waitFor(() => watermarkApplied(pipeline, previous), 20_000, 50);
        const delay = Math.floor(random() * 400);
        await sleep(delay);
        const victim = current!;
        current = undefined;
        victim.child.kill('SIGKILL');
        await victim.exited;
        events.push(`chunk ${i}: kill -9 ${delay} ms into processing the chunk (child had caught up with chunk ${i - 1}: ${working})`);
        current = await start();
      }
      if (i === 10) {
        const during = current!;
        const caughtUp = await waitFor(() => watermarkApplied(pipeline, maxChangeTime(part)), 30_000, 100);
        await stopKafka();
        const down = Date.now();
        const notReady = await waitFor(async () => (await readyz(during)) === 503, 30_000, 250);
        const gauge = await readyGauge(during).catch(() => 'unreadable');
        await sleep(Math.max(0, OUTAGE_MS - (Date.now() - down)));
        const startMs = await startKafka();
        brokerBack = Date.now();
        events.push(`chunk ${i}: broker down for ${Date.now() - down} ms (start took ${startMs} ms) after the child caught up (${caughtUp}); child said not ready: ${notReady}, ready gauge ${gauge}`);
        expect(notReady, '/readyz answers 503 while the broker is down').toBe(true);
        expect(gauge, 'agent_timelines_processor_ready is 0 while the broker is down').toBe('0');
        expect(await waitFor(async () => (await readyz(during)) === 200, 120_000, 500), '/readyz answers 200 again once the broker is back').toBe(true);
        expect(current, 'the same child rode out the outage').toBe(during);
      }
      if (i === 11) {
        const resumed = await waitFor(() => watermarkApplied(pipeline, maxChangeTime(part)), 30_000, 100);
        const afterMs = Date.now() - brokerBack;
        // printed, not asserted: the two stalls seen here (the intake's 30 s session timeout, zombie consumers of
        // instances the supervisor stopped during the outage) are fixed, but a handful of runs bounds no slower machine
        events.push(`chunk ${i}: the child that rode out the outage applied its watermark ${afterMs} ms after the broker was back (${resumed})`);
      }
      if (i === 15) events.push(`chunk ${i}: redis restarted in ${await restartRedis()} ms`);
      await sleep(200);
    }
    await retrying(() => publishWatermark(pipeline, finalWatermark));
    console.info(events.join('\n'));

    const expected = expectedRows(generated, finalWatermark);
    expect(await waitFor(() => watermarkApplied(pipeline, finalWatermark), 90_000, 500), 'every partition applied the final watermark').toBe(true);
    const topic = await readQuarterHours(pipeline);
    const letters: string[] = [];
    await readCommittedToEnd(pipeline.kafka, pipeline.topics.deadLetter, async (message) => {
      if (message.value !== null) letters.push((await pipeline.serde.decode<{ errorCode: string; reason: string }>(message.value)).reason);
    });
    expect(letters.slice(0, 5), `dead letters (${letters.length})`).toEqual([]);
    const actualRows = comparable(topic.latest.values());
    const differing = [...expected].filter(([key, fields]) => JSON.stringify(actualRows.get(key)) !== JSON.stringify(fields)).map(([key]) => key);
    if (differing.length > 0) {
      const history = await revisionHistory(pipeline);
      console.info(differing.map((key) => `${key} ${topic.latest.get(key)?.status} revisions ${history.get(key)?.join(',')}`).join('\n'));
    }
    expectSameRows(actualRows, expected, 'output topic (read_committed)');
    expect([...topic.latest.values()].every((row) => row.final)).toBe(true);
    expect(brokenRevisionSequences(await revisionHistory(pipeline))).toEqual([]);

    await waitFor(() => redisMatches(pipeline, expected), 60_000, 500);
    expectSameRows(comparable(await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 })), expected, 'redis');
    // states come from their own topic, which the sink may not have reached yet when the rows match
    await waitFor(async () => (await pipeline.reader.getAgentStates(TENANT)).length === 40, 30_000, 250);
    expect((await pipeline.reader.getAgentStates(TENANT)).length).toBe(40);

    const last = current!;
    current = undefined;
    last.child.kill('SIGTERM');
    expect(await last.exited, 'graceful SIGTERM exit code').toBe(0);
    expect(unexpectedExits, events.join('\n')).toBe(0);
  });
});

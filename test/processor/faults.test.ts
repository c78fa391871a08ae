import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, redisMatches,
  TENANT, waitFor, watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { restartKafka, restartRedis, spawnProcessor } from './support/service-restarts.ts';
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

/**
 * The processor runs as `node src/bin/cli.ts process` children while the input arrives in 24 chunks (each followed
 * by a poll watermark). Five times, once the current child has caught up with the previous chunk, it is SIGKILLed
 * a random 0–400 ms into processing the next one (mid-transaction) and a new child is started; the broker is restarted once and Redis once. Afterwards the latest revision per (agent, quarter-hour)
 * on the read_committed output topic and in Redis equals the batch replay, and every key's committed revisions are
 * exactly 1..n (nothing lost, nothing emitted twice).
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

  it('equals an uninterrupted run after 5 kill -9, a broker restart and a Redis restart', { timeout: 240_000 }, async () => {
    const generated = generateRawHistory({ seed: 11, agents: 40, start: Date.UTC(2024, 1, 5, 6), spanMs: 6 * 3_600_000 });
    const finalWatermark = maxChangeTime(generated) + 3_600_000;
    const chunks = 24;
    const size = Math.ceil(generated.length / chunks);
    const kills = new Set([2, 5, 8, 13, 18]);
    const events: string[] = [`seed ${seed}`];
    let spawned = 0;
    let unexpectedExits = 0;
    const start = (): ProcessorChild => {
      const child = spawnProcessor(pipeline.env, `fault-${spawned++}`);
      void child.exited.then((code) => {
        if (current === child && code !== null) {
          unexpectedExits++;
          events.push(`child exited by itself with ${code}: ${child.log.join('').slice(-2_000)}`);
          current = start();
        }
      });
      return child;
    };
    current = start();

    for (let i = 0; i < chunks; i++) {
      const part = generated.slice(i * size, (i + 1) * size);
      await retrying(() => produceRaw(pipeline, part));
      await retrying(() => publishWatermark(pipeline, maxChangeTime(part)));
      if (kills.has(i)) {
        const previous = maxChangeTime(generated.slice((i - 1) * size, i * size));
        const working = await waitFor(() => watermarkApplied(pipeline, previous), 20_000, 50);
        const delay = Math.floor(random() * 400);
        await sleep(delay);
        const victim = current;
        current = undefined;
        victim.child.kill('SIGKILL');
        await victim.exited;
        events.push(`chunk ${i}: kill -9 ${delay} ms into processing the chunk (child had caught up with chunk ${i - 1}: ${working})`);
        current = start();
      }
      if (i === 10) events.push(`chunk ${i}: broker restarted in ${await restartKafka()} ms`);
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
    expect((await pipeline.reader.getAgentStates(TENANT)).length).toBe(40);

    const last = current!;
    current = undefined;
    last.child.kill('SIGTERM');
    expect(await last.exited, 'graceful SIGTERM exit code').toBe(0);
    expect(unexpectedExits, events.join('\n')).toBe(0);
  });
});

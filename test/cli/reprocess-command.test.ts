import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random/prng.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from '../processor/support/raw-history.ts';
import type { RawRecord } from '../processor/support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, produceRaw, publishWatermark, readQuarterHours, redisMatches, TENANT, waitFor,
  watermarkApplied,
} from '../processor/support/pipeline.ts';
import type { TestPipeline } from '../processor/support/pipeline.ts';
import { brokenRevisionSequences, duplicateRevisionCopies, readCommittedByMarkers, revisionHistory } from '../processor/support/topic-checks.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';

const REPO = new URL('../../', import.meta.url).pathname;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2024, 5, 1);
const DAYS = 10;
const LIVE_DAY = START + DAYS * DAY;
const WATERMARK = LIVE_DAY + 13 * HOUR;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function agentDay(day: number, seed: number): RawRecord[] {
  return generateRawHistory({ seed, agents: 3, start: day + 8 * HOUR, spanMs: 4 * HOUR, sessionsPerAgent: 1 }).map((r) => ({ ...r, userId: r['userId']!.replace(/-\d+$/, '-kill') }));
}

function spawnReprocessor(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null>; log: string[] } {
  const child = spawn(process.execPath, ['src/bin/cli.ts', 'reprocess', '--skip-setup'], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
  return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))), log };
}

/**
 * `agent-timelines reprocess` as its own process, next to a live processor that does not re-process: 10 days of
 * history arrive too late for the live engine; the re-processor is SIGKILLed three times at random moments and
 * restarted. The outputs equal the batch replay, every (key, revision) is on the topic once (a chunk is committed
 * exactly once, or re-run whole with the same revision after an abort), and a SIGTERM ends it with exit code 0.
 */
describe('agent-timelines reprocess', () => {
  let pipeline: TestPipeline;
  let live: ProcessorInstance;
  const random = mulberry32(42);
  const liveRecords = agentDay(LIVE_DAY, 9_000);
  const history = Array.from({ length: DAYS }, (_, d) => agentDay(START + d * DAY, 9_001 + d)).flat();

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices(), { REPROCESS_LEAD_IN_MS: String(6 * HOUR), REPROCESS_MAX_REQUESTS: '2', PROCESSOR_REPROCESS: 'false' });
    live = await startProcessorInstance(pipeline.config, processorSource(pipeline.config, 'sinch-rai'), createLogger('warn'));
  });
  afterAll(async () => {
    await live?.stop();
    await pipeline?.close();
  });

  it('survives SIGKILLs and produces every correction exactly once', { timeout: 300_000 }, async () => {
    expect(live.reprocessor).toBeNull();
    await produceRaw(pipeline, liveRecords);
    await publishWatermark(pipeline, WATERMARK);
    expect(await waitFor(() => watermarkApplied(pipeline, WATERMARK), 60_000)).toBe(true);
    for (let d = 0; d < DAYS; d++) await produceRaw(pipeline, history.slice(Math.floor((d * history.length) / DAYS), Math.floor(((d + 1) * history.length) / DAYS)));
    const metrics = live.processor.metrics;
    expect(await waitFor(async () => metrics.total('records_reprocess_requested') >= history.length, 120_000)).toBe(true);
    expect(metrics.total('records_dead_lettered')).toBe(0);

    const expected = expectedRows([...history, ...liveRecords], WATERMARK);
    const admin = pipeline.kafka.admin();
    await admin.connect();
    const published = async (): Promise<number> => (await admin.fetchTopicOffsets(pipeline.topics.quarterHours)).reduce((sum, p) => sum + Number(p.high), 0);
    try {
      // Up to three kills, each after the victim's first commit; on a fast machine the work can be done before the
      // third, so what must hold is that at least one kill interrupted work that was not finished.
      let interrupted = 0;
      const logs: string[][] = [];
      for (let kill = 0; kill < 3; kill++) {
        if (await redisMatches(pipeline, expected)) break;
        const before = await published();
        const victim = spawnReprocessor({ ...pipeline.env, LOG_LEVEL: 'info' });
        logs.push(victim.log);
        expect(await waitFor(async () => (await published()) > before, 60_000, 50), 'the re-processor commits before it is killed').toBe(true);
        await sleep(Math.floor(random() * 400));
        victim.child.kill('SIGKILL');
        await victim.exited;
        if (!(await redisMatches(pipeline, expected))) interrupted++;
      }
      expect(interrupted, 'kills that left work to resume').toBeGreaterThan(0);

      const last = spawnReprocessor({ ...pipeline.env, LOG_LEVEL: 'info' });
      logs.push(last.log);
      const done = await waitFor(() => redisMatches(pipeline, expected), 180_000, 1_000);
      const groupId = `${pipeline.config.processor.groupId}.reprocess`;
      expect(await waitFor(async () => (await admin.describeGroups([groupId])).groups[0]?.members.length === 1, 30_000)).toBe(true);
      // a member of a killed victim can still be listed: SIGTERM only once this process runs (its handler is set)
      expect(await waitFor(async () => last.log.join('').includes('re-processor started'), 60_000), 'the last re-processor started').toBe(true);
      last.child.kill('SIGTERM');
      expect(await last.exited, last.log.join('').slice(-4_000)).toBe(0);
      expectSameRows(comparable(await pipeline.reader.listQuarterHours({ tenant: TENANT, from: 0, to: 8.64e15 })), expected, 'redis');
      expect(done).toBe(true);
      const topic = await readQuarterHours(pipeline, readCommittedByMarkers);
      expectSameRows(comparable(topic.latest.values()), expected, 'output topic');
      if (topic.duplicateRevisions > 0) {
        const restores = logs.map((log, i) => `process ${i}:\n${log.join('').split('\n').filter((line) => /progress restored|run started|run committed|failed|fenced/.test(line)).join('\n')}`);
        expect.soft(await duplicateRevisionCopies(pipeline), restores.join('\n').slice(-12_000)).toEqual([]);
      }
      expect(topic.duplicateRevisions, 'no (key, revision) twice').toBe(0);
      expect(brokenRevisionSequences(await revisionHistory(pipeline, readCommittedByMarkers))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});

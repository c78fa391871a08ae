import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpGate } from '../ingest/support/tcp-gate.ts';
import type { TcpGate } from '../ingest/support/tcp-gate.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from './support/raw-history.ts';
import { comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, waitFor, watermarkApplied } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { freePort, spawnProcessor } from './support/service-restarts.ts';
import type { ProcessorChild } from './support/service-restarts.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than kafkajs' retry budget for the first connection (about 30 s with our retry settings). */
const OUTAGE_MS = 45_000;

/**
 * `agent-timelines process` is started while its bootstrap broker address is a closed TCP gate, and stays so for
 * longer than every client retry budget: the process must stay up, answer /readyz 503 with `kafka: unreachable`,
 * and once the gate opens start processing by itself (the supervisor retries the start) with outputs equal to the
 * replay.
 */
describe('processor started during a broker outage', () => {
  let pipeline: TestPipeline;
  let gate: TcpGate;
  let child: ProcessorChild | undefined;

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    const [host = '127.0.0.1', port = '9092'] = (pipeline.config.kafka.brokers[0] ?? '').split(':');
    gate = await tcpGate(host, Number(port));
  });
  afterAll(async () => {
    child?.child.kill('SIGKILL');
    await gate?.close();
    await pipeline?.close();
  });

  it('stays up and not ready until the broker is reachable, then processes exactly once', { timeout: OUTAGE_MS + 120_000 }, async () => {
    const records = generateRawHistory({ seed: 7, agents: 8, start: Date.UTC(2024, 5, 3, 8), spanMs: 2 * 3_600_000 });
    const watermark = maxChangeTime(records) + 3_600_000;
    await produceRaw(pipeline, records);
    await publishWatermark(pipeline, watermark);

    const running = spawnProcessor({ ...pipeline.env, KAFKA_BROKERS: `127.0.0.1:${gate.port}`, PROCESSOR_RESTART_BACKOFF_MAX_MS: '5000' }, 'start-during-outage', await freePort());
    child = running;
    let exited: number | null | undefined;
    void running.exited.then((code) => {
      exited = code;
    });
    const notReady = await waitFor(async () => {
      const response = await fetch(`${running.url}/readyz`, { signal: AbortSignal.timeout(3_000) });
      const body = (await response.json()) as { checks?: Record<string, string> };
      return response.status === 503 && body.checks?.['kafka'] === 'unreachable';
    }, 20_000, 250);
    expect(notReady, `/readyz 503 with kafka unreachable\n${running.log.join('').slice(-2_000)}`).toBe(true);
    await sleep(OUTAGE_MS);
    expect(exited, `the processor exited during the outage:\n${running.log.join('').slice(-3_000)}`).toBeUndefined();

    await gate.open();
    expect(await waitFor(() => watermarkApplied(pipeline, watermark), 90_000, 250), `the watermark was applied after the outage\n${running.log.join('').slice(-2_000)}`).toBe(true);
    expect(await waitFor(async () => (await fetch(`${running.url}/readyz`)).status === 200, 30_000, 250), '/readyz 200 once the broker is back').toBe(true);
    const { latest, duplicateRevisions } = await readQuarterHours(pipeline);
    expectSameRows(comparable(latest.values()), expectedRows(records, watermark), 'output topic (read_committed)');
    expect(duplicateRevisions).toBe(0);

    running.child.kill('SIGTERM');
    expect(await running.exited, 'graceful SIGTERM exit code').toBe(0);
    child = undefined;
  });
});

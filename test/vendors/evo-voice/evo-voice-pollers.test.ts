import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/config.ts';
import type { EvoVoiceTenant } from '../../../src/config/config.ts';
import { restoreCheckpoints } from '../../../src/ingest/checkpoint-store.ts';
import { systemClock } from '../../../src/ingest/clock.ts';
import { createPollerMetrics } from '../../../src/ingest/metrics.ts';
import type { PollerRuntime } from '../../../src/ingest/poller-runtime.ts';
import { runEvoVoicePollers } from '../../../src/vendors/evo-voice/evo-voice-pollers.ts';
import type { EvoSimulatorOptions, RunningEvoSimulator } from '../../../src/vendors/evo-voice/simulator/index.ts';
import { startEvoSimulator } from '../../../src/vendors/evo-voice/simulator/index.ts';
import { freshStack, readTopic } from '../../ingest/support/stack.ts';
import type { TestStack } from '../../ingest/support/stack.ts';
import { billingIds, compareIds, expectedBillingIds, expectedTruthIds, rowTruthIds } from './support/evo-truth.ts';
import { CREDENTIALS, safetyLagFor, simulatedDay } from './support/simulated-day.ts';

const HOUR = 3_600_000;

function tenantOf(sim: RunningEvoSimulator, options: EvoSimulatorOptions, overrides: Record<string, unknown> = {}): EvoVoiceTenant {
  const tenants = [{
    id: 'northwind', baseUrl: sim.url, accountId: sim.accounts[0]?.id, credentials: CREDENTIALS, startAt: new Date(options.from).toISOString(),
    windowMs: HOUR, safetyLagMs: safetyLagFor(options), pollIntervalMs: 200, jobPollInitialMs: 20, jobPollMaxMs: 200, maxWaitForJobMs: 2_000,
    requestTimeoutMs: 3_000, downloadTimeoutMs: 10_000, backoffBaseMs: 20, backoffMaxMs: 200, rateLimitPerSecond: 1000, rateLimitBurst: 100, ...overrides,
  }];
  const tenant = parseConfig({ EVO_VOICE_TENANTS: JSON.stringify(tenants) }).evoVoice.tenants[0];
  if (tenant === undefined) throw new Error('no tenant');
  return tenant;
}

function runtimeOf(stack: TestStack): PollerRuntime {
  return { config: stack.config, kafka: stack.kafka, serde: stack.serde, logger: stack.logger, clock: systemClock, metrics: createPollerMetrics() };
}

async function listedReports(sim: RunningEvoSimulator): Promise<unknown[]> {
  const response = await fetch(`${sim.url}/reports?accountId=${sim.accounts[0]?.id ?? ''}`, { headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}`, accept: 'application/json' } });
  return ((await response.json()) as { reports: unknown[] }).reports;
}

/** Everything the two raw topics and the watermark topic hold, checked against the simulator's truth. */
async function published(stack: TestStack, options: EvoSimulatorOptions) {
  const agentStates = await readTopic(stack, 'raw.evovoice.agent-states');
  const billing = await readTopic(stack, 'raw.evovoice.billing');
  const watermarks = (await readTopic(stack, 'control.poll-watermarks')).filter((r) => r.key === 'northwind|evo-voice/agent-state');
  const states = compareIds(rowTruthIds(agentStates.map((r) => r.value)), expectedTruthIds(options, options.to));
  const date = new Date(options.from).toISOString().slice(0, 10);
  const bills = compareIds(billingIds(billing.map((r) => r.value)), expectedBillingIds(options, date));
  return { agentStates, billing, watermarks, states, bills, date };
}

describe('Evo Voice pollers against the simulator on the real stack', () => {
  let sim: RunningEvoSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
  });

  it('every interval of the simulated day lands exactly once in raw.evovoice.agent-states (times rendered in Europe/Helsinki); billing rows land in raw.evovoice.billing', async () => {
    const stack = await freshStack();
    const options = simulatedDay();
    sim = await startEvoSimulator(options);
    const runtime = runtimeOf(stack);
    await runEvoVoicePollers(runtime, [tenantOf(sim, options, { timeZoneId: 'Europe/Helsinki' })], { signal: AbortSignal.timeout(90_000), once: true });

    const { agentStates, billing, watermarks, states, bills, date } = await published(stack, options);
    expect({ duplicates: states.duplicates.length, missing: states.missing.length, extra: states.extra.length }).toEqual({ duplicates: 0, missing: 0, extra: 0 });
    expect(expectedTruthIds(options, options.to).length).toBeGreaterThan(100);
    expect(agentStates.every((r) => r.key === r.value['agentId'] && r.value['source'] === 'evo-voice/agent-state' && r.value['tenant'] === 'northwind')).toBe(true);
    expect(agentStates.every((r) => /\+0[23]:00$/.test(String(r.value['startTime'])) && r.value['timeZoneId'] === 'Europe/Helsinki')).toBe(true);
    expect(agentStates.filter((r) => !(Number(r.value['windowStart']) <= Date.parse(String(r.value['startTime'])) && Date.parse(String(r.value['startTime'])) < Number(r.value['windowEnd'])))).toEqual([]);
    expect(Math.max(...watermarks.map((w) => Number(w.value['watermark'])))).toBe(options.to);
    expect({ duplicates: bills.duplicates.length, missing: bills.missing.length, extra: bills.extra.length }).toEqual({ duplicates: 0, missing: 0, extra: 0 });
    expect(billing.length).toBeGreaterThan(0);
    expect(billing.every((r) => r.key === `${sim?.accounts[0]?.id ?? ''}|${date}` && r.value['source'] === 'evo-voice/billing')).toBe(true);
    expect(await listedReports(sim)).toEqual([]);
    expect(runtime.metrics.total('report_jobs_completed')).toBe(25);
    expect(runtime.metrics.total('rows_published', { endpoint: 'evo-voice/agent-state' })).toBe(agentStates.length);
  }, 120_000);

  it('with stuck and failed jobs, 429, 5xx, slow and truncated downloads on, nothing is lost and nothing is duplicated', async () => {
    const stack = await freshStack();
    const options = simulatedDay({
      seed: 47,
      faults: { rate429: 0.05, retryAfterSeconds: 1, rate5xx: 0.05, stuckRate: 0.15, errorRate: 0.15, slowDownloadRate: 0.3, slowChunkBytes: 2048, slowPauseMs: 5, truncatedRate: 0.2 },
    });
    sim = await startEvoSimulator(options);
    const runtime = runtimeOf(stack);
    await runEvoVoicePollers(runtime, [tenantOf(sim, options, { maxAttempts: 8, maxWaitForJobMs: 3_000 })], { signal: AbortSignal.timeout(150_000), once: true });

    const { states, bills } = await published(stack, options);
    expect({ duplicates: states.duplicates, missing: states.missing, extra: states.extra }).toEqual({ duplicates: [], missing: [], extra: [] });
    expect({ duplicates: bills.duplicates, missing: bills.missing, extra: bills.extra }).toEqual({ duplicates: [], missing: [], extra: [] });
    const stats = sim.stats();
    for (const fault of ['fault:429', 'fault:5xx', 'fault:stuck', 'fault:error', 'fault:slowDownload', 'fault:truncated']) expect(stats[fault] ?? 0, fault).toBeGreaterThan(0);
    const { metrics } = runtime;
    expect(metrics.total('report_jobs_errored')).toBe(stats['fault:error']);
    expect(metrics.total('report_jobs_stuck')).toBe(stats['fault:stuck']);
    expect(metrics.total('report_downloads_retried') + metrics.total('report_jobs_lost')).toBeGreaterThan(0);
    expect(metrics.total('http_429')).toBeGreaterThan(0);
    expect(metrics.total('http_5xx')).toBeGreaterThan(0);
    const deadLetters = (await readTopic(stack, 'ops.dead-letter')).filter((r) => r.value['errorCode'] === 'report-job-error');
    expect(deadLetters).toHaveLength(stats['fault:error'] ?? -1);
    const checkpoints = await restoreCheckpoints(stack.kafka, stack.serde, `${stack.config.topicPrefix}control.poller-checkpoints`, ['northwind|evo-voice/agent-state']);
    expect(checkpoints.get('northwind|evo-voice/agent-state')).toMatchObject({ highMark: options.to });
  }, 200_000);
});

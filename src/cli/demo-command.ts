import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import type { Clock } from '../ingest/clock.ts';
import { createPollerMetrics } from '../ingest/metrics.ts';
import { runPollers } from '../vendors/sinch/sinch-pollers.ts';
import { superviseProcessor } from '../processor/supervised-processor.ts';
import { createLogger } from '../runtime/logger.ts';
import { startSimulator } from '../vendors/sinch/simulator/index.ts';
import { processorSources } from './processor-sources.ts';
import { setupTopology } from './setup-command.ts';
import { startApiServer } from './serve-command.ts';

export const DEMO_USAGE = 'usage: agent-timelines demo [--speed 60] [--agents 20] [--seed 1] [--sim-port 8089] [--port 8080]';

const HOUR = 3_600_000;
const CREDENTIALS = { username: 'demo', password: 'demo' };

/** The pollers' clock during the demo: simulated time, with sleeps shortened by the simulator's speed-up. */
function acceleratedClock(now: () => number, speed: number): Clock {
  return {
    now,
    sleep: async (ms, signal) => {
      await delay(Math.max(0, ms / speed), undefined, signal === undefined ? undefined : { signal });
    },
  };
}

/**
 * `agent-timelines demo`: the whole pipeline in one process on the local stack. A Sinch RAI simulator runs a seeded
 * contact center at `--speed`× real time starting at today's 06:00 UTC; the pollers read it into the raw topics; the
 * processor turns that into quarter-hours, segments and agent states in Kafka and Redis; the HTTP API serves them.
 * Every run uses its own topic and Redis key prefix, so runs never see each other's checkpoints. Ctrl-C stops it all.
 */
export async function demoCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { speed: { type: 'string', default: '60' }, agents: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' }, 'sim-port': { type: 'string', default: '8089' }, port: { type: 'string' } },
    strict: true,
  });
  const speed = Number(values.speed);
  const agents = Number(values.agents);
  const seed = Number(values.seed);
  const simPort = Number(values['sim-port']);
  if (![speed, agents, seed, simPort].every((n) => Number.isFinite(n) && n > 0)) throw new Error(`--speed, --agents, --seed and --sim-port must be positive numbers\n${DEMO_USAGE}`);

  const stopRequested = new Promise<string>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
  const startedAt = Date.now();
  const from = Math.floor(startedAt / (24 * HOUR)) * 24 * HOUR + 6 * HOUR;
  const runId = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  const tenant = env.TENANT ?? 'demo';
  const simulator = await startSimulator({ seed, agents, from, to: from + 18 * HOUR, clock: { mode: 'accelerated', speed, startedAt }, port: simPort, credentials: CREDENTIALS });

  const config = parseConfig({
    ...env,
    TENANT: tenant,
    TOPIC_PREFIX: env.TOPIC_PREFIX ?? `demo.${runId}.`,
    REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX ?? `demo:${runId}:`,
    PROCESSOR_GROUP_ID: env.PROCESSOR_GROUP_ID ?? `demo-${runId}-processor`,
    PROCESSOR_SOURCES: env.PROCESSOR_SOURCES ?? 'sinch-rai,evo-voice',
    ...(values.port === undefined ? {} : { HTTP_PORT: values.port }),
    SINCH_TENANTS: JSON.stringify([
      { id: tenant, baseUrl: simulator.url, credentials: CREDENTIALS, startAt: new Date(from).toISOString(), pollIntervalMs: 60_000, safetyLagMs: 60_000, overlapMs: 600_000 },
    ]),
  });
  const logger = createLogger(config.logLevel, process.stderr);
  const out = (line: string): void => void process.stdout.write(`${line}\n`);

  await setupTopology(config, logger);
  const controller = new AbortController();
  const clock = acceleratedClock(() => simulator.now(), speed);
  const pollers = runPollers(
    { config, kafka: createKafka(config, logger, '-poller'), serde: new AvroSerde(config.schemaRegistry), logger, clock, metrics: createPollerMetrics() },
    config.sinch.tenants,
    { signal: controller.signal, once: false },
  );
  const registry = new Registry();
  const processor = superviseProcessor(config, processorSources(config), logger, { registry, now: () => simulator.now() });
  const api = await startApiServer(config, logger, { clock: () => simulator.now(), registry });

  const day = new Date(from).toISOString().slice(0, 10);
  out(`agent-timelines demo (run ${runId}, tenant ${tenant}, ${agents} agents, ${speed}x real time from ${new Date(from).toISOString()})`);
  out(`  simulator (Sinch RAI)  ${simulator.url}   basic auth ${CREDENTIALS.username}/${CREDENTIALS.password}`);
  out(`  HTTP API               ${api.address}   OpenAPI ${api.address}/openapi.json`);
  out(`  topics                 ${config.topicPrefix}*   Redis keys ${config.redis.keyPrefix}*`);
  out('try:');
  out(`  curl -s '${api.address}/agentStatus' | head -c 600`);
  out(`  curl -si '${api.address}/agentStatistic?startTime=${day}T06:00:00.000Z&endTime=${day}T23:59:59.000Z&timeCategory=hour&limit=5'`);
  out(`  curl -s '${api.address}/agentStatistic?startTime=${day}T00:00:00.000Z&endTime=${day}T23:59:59.000Z&timeCategory=day&sort=-servingDuration'`);
  out('Ctrl-C stops everything the demo started.');

  const signal = await stopRequested;
  out(`stopping (${signal}) ...`);
  controller.abort(new Error(signal));
  await pollers.catch((error: unknown) => logger.warn({ err: error }, 'pollers stopped with an error'));
  await api.close();
  await processor.stop();
  await simulator.close();
  out('stopped.');
  return 0;
}

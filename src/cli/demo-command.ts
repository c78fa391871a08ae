import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import type { Clock } from '../ingest/clock.ts';
import { createPollerMetrics } from '../ingest/metrics.ts';
import { runPollers } from '../vendors/sinch/sinch-pollers.ts';
import { runEvoVoicePollers } from '../vendors/evo-voice/evo-voice-pollers.ts';
import { runThuliumPollers } from '../vendors/thulium/thulium-pollers.ts';
import { periodOf } from '../core/rollup/period.ts';
import { superviseAlertService } from '../processor/alert-service.ts';
import { superviseProcessor } from '../processor/supervised-processor.ts';
import type { ProcessorReadiness, SupervisedProcessor } from '../processor/supervised-processor.ts';
import { createLogger } from '../runtime/logger.ts';
import { startSimulator } from '../vendors/sinch/simulator/index.ts';
import { processorSources } from './processor-sources.ts';
import { setupTopology } from './setup-command.ts';
import { writeDemoAlertRules } from './demo-alert-rules.ts';
import { startApiServer } from './serve-command.ts';
import { boardLinks, demoConsole, demoLinks, evoDemoLinks, serviceLinks } from './demo-console.ts';
import { DEMO_EVO_WINDOW_MS, DEMO_EVO_ZONE, demoEvoTenant, startDemoEvoSimulator } from './demo-evo-voice.ts';
import { DEMO_THULIUM_CHUNK_MS, DEMO_THULIUM_ZONE, demoThuliumTenant, startDemoThuliumSimulator, thuliumDemoLinks } from './demo-thulium.ts';

export const DEMO_USAGE = 'usage: agent-timelines demo [--speed 60] [--agents 20] [--seed 1] [--sim-port 8089] [--evo-sim-port 8090] [--thulium-sim-port 8091] [--port 8080] [--json-logs]';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How long the console waits for the processor to be ready before it says what it still waits for and goes on. */
const PROCESSOR_READY_WAIT_MS = 60_000;
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

/** The processor's readiness once it is ready, `timeoutMs` have passed or `stop` settled, whichever comes first. */
async function processorReadiness(processor: SupervisedProcessor, timeoutMs: number, stop: Promise<unknown>): Promise<ProcessorReadiness> {
  const deadline = Date.now() + timeoutMs;
  let stopping = false;
  void stop.then(() => (stopping = true));
  for (;;) {
    const readiness = processor.readiness();
    if (readiness.ready || stopping || Date.now() >= deadline) return readiness;
    await delay(200);
  }
}

/**
 * `agent-timelines demo`: the whole pipeline in one process on the local stack, for three tenants side by side. A Sinch
 * RAI simulator (tenant TENANT, default `demo`), an Evo Voice simulator (tenant `<TENANT>-evo`, agents working in
 * {@link DEMO_EVO_ZONE}) and a Thulium simulator (tenant `<TENANT>-thulium`, agents in {@link DEMO_THULIUM_ZONE}) run
 * seeded contact centers at `--speed`× real time from today's 06:00 UTC on one simulated
 * clock; the pollers of each vendor read them into the raw topics; the processor of each source turns that into
 * quarter-hours, segments and agent states in Kafka and Redis (and Evo billing rows into Redis); the HTTP API serves
 * them. Every run uses its own topic and Redis key prefix, so runs never see each other's checkpoints. Ctrl-C stops it
 * all.
 *
 * The console is for a person: stdout gets one line per component as it comes up and the URLs to open; the logs go
 * to stderr as text (`HH:MM:SS level component message`) unless `--json-logs` or LOG_FORMAT=json asks for JSON.
 */
export async function demoCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { speed: { type: 'string', default: '60' }, agents: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' }, 'sim-port': { type: 'string', default: '8089' }, 'evo-sim-port': { type: 'string', default: '8090' }, 'thulium-sim-port': { type: 'string', default: '8091' }, port: { type: 'string' }, 'json-logs': { type: 'boolean', default: false } },
    strict: true,
  });
  const speed = Number(values.speed);
  const agents = Number(values.agents);
  const seed = Number(values.seed);
  const simPort = Number(values['sim-port']);
  const evoSimPort = Number(values['evo-sim-port']);
  const thuliumSimPort = Number(values['thulium-sim-port']);
  if (![speed, agents, seed, simPort, evoSimPort, thuliumSimPort].every((n) => Number.isFinite(n) && n > 0)) throw new Error(`--speed, --agents, --seed and the ports must be positive numbers\n${DEMO_USAGE}`);

  const stopRequested = new Promise<string>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
  const startedAt = Date.now();
  const from = Math.floor(startedAt / DAY) * DAY + 6 * HOUR;
  const runId = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  const tenant = env.TENANT ?? 'demo';
  const evoTenant = `${tenant}-evo`;
  const thuliumTenant = `${tenant}-thulium`;
  const show = demoConsole((text) => void process.stdout.write(text));
  show.line(`agent-timelines demo: run ${runId}, tenants ${tenant} (Sinch RAI), ${evoTenant} (Evo Voice) and ${thuliumTenant} (Thulium), ${agents} agents each at ${speed}x real time from ${new Date(from).toISOString()}`);
  const to = from + 18 * HOUR;
  const simulator = await startSimulator({ seed, agents, from, to, clock: { mode: 'accelerated', speed, startedAt }, port: simPort, credentials: CREDENTIALS });
  show.component('simulator', `Sinch RAI ${simulator.url} (basic auth ${CREDENTIALS.username}/${CREDENTIALS.password})`);
  const evoSimulator = await startDemoEvoSimulator({ seed, agents, from, to, speed, startedAt, port: evoSimPort, credentials: CREDENTIALS });
  const evoAccount = evoSimulator.world.accounts[0];
  if (evoAccount === undefined) throw new Error('the Evo Voice simulator generated no account');
  show.component('simulator', `Evo Voice ${evoSimulator.url} (basic auth ${CREDENTIALS.username}/${CREDENTIALS.password}), account ${evoAccount.account.name} ${evoAccount.account.id}, agents in ${DEMO_EVO_ZONE}`);
  const thuliumSimulator = await startDemoThuliumSimulator({ seed, agents, from, to, speed, startedAt, port: thuliumSimPort, credentials: CREDENTIALS });
  show.component('simulator', `Thulium ${thuliumSimulator.url}/api (basic auth ${CREDENTIALS.username}/${CREDENTIALS.password}), ${thuliumSimulator.world.groups.length} agent groups, agents in ${DEMO_THULIUM_ZONE}`);

  const config = parseConfig({
    ...env,
    TENANT: tenant,
    TOPIC_PREFIX: env.TOPIC_PREFIX ?? `demo.${runId}.`,
    REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX ?? `demo:${runId}:`,
    PROCESSOR_GROUP_ID: env.PROCESSOR_GROUP_ID ?? `demo-${runId}-processor`,
    LOG_FORMAT: values['json-logs'] ? 'json' : env.LOG_FORMAT === undefined || env.LOG_FORMAT === '' ? 'text' : env.LOG_FORMAT,
    PROCESSOR_SOURCES: env.PROCESSOR_SOURCES ?? 'sinch-rai,evo-voice,thulium-reports,thulium-statuses',
    ALERT_RULES_FILE: env.ALERT_RULES_FILE ?? writeDemoAlertRules([tenant, evoTenant, thuliumTenant], agents),
    ...(values.port === undefined ? {} : { HTTP_PORT: values.port }),
    SINCH_TENANTS: JSON.stringify([
      { id: tenant, baseUrl: simulator.url, credentials: CREDENTIALS, startAt: new Date(from).toISOString(), pollIntervalMs: 60_000, safetyLagMs: 60_000, overlapMs: 600_000 },
    ]),
    EVO_VOICE_TENANTS: JSON.stringify([demoEvoTenant(evoTenant, evoSimulator, speed, CREDENTIALS)]),
    THULIUM_TENANTS: JSON.stringify([demoThuliumTenant(thuliumTenant, thuliumSimulator, from, CREDENTIALS)]),
  });
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);

  const { topics, subjects } = await setupTopology(config, logger);
  show.component('stack', `Kafka ${config.kafka.brokers.join(',')}, registry ${config.schemaRegistry.url}, Redis ${config.redis.clusterNodes === undefined ? config.redis.url : `cluster ${config.redis.clusterNodes.join(',')}`}: ${topics.length} topics ${config.topicPrefix}*, ${subjects.length} schemas`);
  const controller = new AbortController();
  const clock = acceleratedClock(() => simulator.now(), speed);
  const serde = new AvroSerde(config.schemaRegistry);
  const metrics = createPollerMetrics();
  const sinchLogger = logger.child({ component: 'sinch-poller' });
  const evoLogger = logger.child({ component: 'evo-poller' });
  const thuliumLogger = logger.child({ component: 'thulium-poller' });
  // Each vendor's pollers run on their own: a failure of one is logged and leaves the others polling.
  const pollers = Promise.all([
    runPollers({ config, kafka: createKafka(config, sinchLogger, '-poller'), serde, logger: sinchLogger, clock, metrics }, config.sinch.tenants, { signal: controller.signal, once: false })
      .catch((error: unknown) => sinchLogger.error({ err: error }, 'the Sinch RAI pollers stopped with an error; the others go on')),
    runEvoVoicePollers({ config, kafka: createKafka(config, evoLogger, '-evo-poller'), serde, logger: evoLogger, clock, metrics }, config.evoVoice.tenants, { signal: controller.signal, once: false })
      .catch((error: unknown) => evoLogger.error({ err: error }, 'the Evo Voice pollers stopped with an error; the others go on')),
    runThuliumPollers({ config, kafka: createKafka(config, thuliumLogger, '-thulium-poller'), serde, logger: thuliumLogger, clock, metrics }, config.thulium.tenants, { signal: controller.signal, once: false })
      .catch((error: unknown) => thuliumLogger.error({ err: error }, 'the Thulium pollers stopped with an error; the others go on')),
  ]);
  for (const polled of config.sinch.tenants) show.component('pollers', `tenant ${polled.id}: ${polled.endpoints.join(', ')} from ${polled.baseUrl} into ${config.topicPrefix}raw.sinch.*`);
  for (const polled of config.evoVoice.tenants) {
    show.component('pollers', `tenant ${polled.id}: agent-state reports of ${polled.windowMs / 60_000}-minute windows${polled.billing.enabled ? ' and daily billing reports' : ''} for account ${polled.accountId} from ${polled.baseUrl} into ${config.topicPrefix}raw.evovoice.*`);
  }
  for (const polled of config.thulium.tenants) {
    show.component('pollers', `tenant ${polled.id}: agents_work_report by the minute in ${polled.chunkMs / 60_000}-minute chunks and agents_statuses every ${polled.statusPollIntervalMs / 1000} simulated s from ${polled.baseUrl} into ${config.topicPrefix}raw.thulium.*`);
  }
  const registry = new Registry();
  const processor = superviseProcessor(config, processorSources(config), logger, { registry, now: () => simulator.now() });
  const alerts = superviseAlertService(config, logger.child({ component: 'alerts' }), { registry, now: () => simulator.now() });
  const api = await startApiServer(config, logger.child({ component: 'http' }), { clock: () => simulator.now(), registry });
  show.component('API', `${api.address}`);
  show.line(`live board: ${api.address}/`);
  show.component('alerts', `rules of ${config.alerts.rulesFile ?? 'none'} (${[...config.alerts.rules].map(([t, rules]) => `${t}: ${rules.map((r) => r.id).join(', ')}`).join('; ')}) on the simulated clock, into ${config.topicPrefix}out.alerts, the board and ${api.address}/alerts`);

  const readiness = await processorReadiness(processor, PROCESSOR_READY_WAIT_MS, stopRequested);
  const assigned = [...processor.supervisors.values()].reduce((sum, supervisor) => sum + (supervisor.current()?.processor.status().assigned.length ?? 0), 0);
  show.component(
    'processor',
    readiness.ready
      ? `ready: sources ${[...processor.supervisors.keys()].join(', ')}, ${assigned} partitions restored, writing ${config.topicPrefix}out.* and Redis keys ${config.redis.keyPrefix}*`
      : `not ready yet (${Object.entries(readiness.checks).filter(([, check]) => check !== 'ok').map(([name, check]) => `${name}: ${check}`).join('; ')}); /readyz tells when it is`,
  );

  const date = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const evoAgent = evoAccount.agents[0];
  const thuliumAgent = thuliumSimulator.world.timelines[0];
  show.line('open:');
  show.links([
    { title: 'the live board (updates as agents change state) and the timeline view', links: boardLinks(api.address, [tenant, evoTenant, thuliumTenant], date(from), simulator.groundTruth().agents[0]) },
    { title: `Sinch RAI, tenant ${tenant}`, links: demoLinks(api.address, date(from), simulator.groundTruth().agents[0]) },
    {
      title: `Evo Voice, tenant ${evoTenant} (agents in ${DEMO_EVO_ZONE}; a report per ${DEMO_EVO_WINDOW_MS / 60_000} simulated minutes, so up to that far behind)`,
      links: evoDemoLinks(api.address, {
        tenant: evoTenant,
        zone: DEMO_EVO_ZONE,
        day: periodOf(from, 'day', DEMO_EVO_ZONE),
        agent: evoAgent === undefined ? undefined : { id: evoAgent.id, name: evoAgent.name },
        accountId: evoAccount.account.id,
        billing: { startDate: date(from - DAY), endDate: date(from + DAY) },
      }),
    },
    {
      title: `Thulium, tenant ${thuliumTenant} (agents in ${DEMO_THULIUM_ZONE}; work report per ${DEMO_THULIUM_CHUNK_MS / 60_000} simulated minutes, statuses sampled)`,
      links: thuliumDemoLinks(api.address, {
        tenant: thuliumTenant,
        day: periodOf(from, 'day', DEMO_THULIUM_ZONE),
        date: DateTime.fromMillis(from, { zone: DEMO_THULIUM_ZONE }).toISODate() ?? date(from),
        agent: thuliumAgent === undefined ? undefined : { login: thuliumAgent.agent.login, name: `${thuliumAgent.agent.name} ${thuliumAgent.agent.surname}` },
        logins: thuliumSimulator.world.timelines.map((timeline) => timeline.agent.login),
      }),
    },
    { title: 'the service', links: serviceLinks(api.address) },
  ]);
  show.line(`${config.logFormat === 'json' ? 'JSON logs' : 'Logs'} on stderr at LOG_LEVEL=${config.logLevel}${config.logFormat === 'json' ? '' : ' (--json-logs or LOG_FORMAT=json for JSON)'}. Ctrl-C stops everything the demo started.`);

  const signal = await stopRequested;
  show.line(`stopping (${signal}) ...`);
  controller.abort(new Error(signal));
  await pollers;
  await api.close();
  await alerts.stop();
  await processor.stop();
  await Promise.all([simulator.close(), evoSimulator.close(), thuliumSimulator.close()]);
  show.line('stopped.');
  return 0;
}

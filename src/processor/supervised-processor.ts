import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import { DependencyProbe } from '../kafka/dependency-probe.ts';
import { superviseUnit } from '../runtime/supervisor.ts';
import type { Supervisor, SupervisorStatus } from '../runtime/supervisor.ts';
import { startProcessorInstance } from './processor-instance.ts';
import type { ProcessorInstance } from './processor-instance.ts';
import { createProcessorMetrics } from './processor-metrics.ts';
import type { ProcessorMetrics } from './processor-metrics.ts';
import { PROCESSOR_METRIC_PREFIX, registerProcessorMetrics } from './processor-prometheus.ts';
import type { ProcessorSource } from './processor-source.ts';

/** Readiness of a supervised processor: every check `ok`, or the reason it is not (no hosts, no credentials). */
export interface ProcessorReadiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

export interface SupervisedProcessor {
  /** One supervisor per source, in the order the sources were given. */
  readonly supervisors: ReadonlyMap<string, Supervisor<ProcessorInstance>>;
  /** The metrics of each source's instances. */
  readonly metrics: ReadonlyMap<string, ProcessorMetrics>;
  readiness(): ProcessorReadiness;
  /** Stops the running instances and the restarts; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs one supervised processor per source (docs/processor.md "Sources"), each under a {@link superviseUnit}
 * supervisor: a start that fails (broker, registry or Redis down) or an instance whose consumer died for good is
 * replaced after a capped backoff, for as long as it takes. The first source's instances also run the Redis sink
 * (one sink serves every source) and a source that sends re-process requests runs the re-processor. Each source's
 * instances count into its own {@link ProcessorMetrics}; all are registered once on `registry`, labelled `source`,
 * with `agent_timelines_processor_ready` (every source ready) and `…_supervisor_restarts_total{source}`.
 *
 * Lifecycle: `superviseProcessor` starts at once → `readiness()` any time → `stop()` once (idempotent).
 */
export function superviseProcessor(config: Config, sources: readonly ProcessorSource[], logger: Logger, options: { registry?: Registry; now?: () => number } = {}): SupervisedProcessor {
  if (sources.length === 0) throw new Error('superviseProcessor needs at least one source');
  const { backoffBaseMs, backoffMaxMs } = config.processor.supervisor;
  const restarts = new Map<string, number>();
  const probe = new DependencyProbe({ config, logger, intervalMs: 2_000 });
  probe.start();
  const supervisors = new Map<string, Supervisor<ProcessorInstance>>();
  const metricsBySource = new Map<string, ProcessorMetrics>();
  sources.forEach((source, index) => {
    const metrics = createProcessorMetrics();
    metricsBySource.set(source.name, metrics);
    restarts.set(source.name, 0);
    const instanceOptions = { metrics, redisSink: index === 0 && config.processor.redisSink, ...(options.now === undefined ? {} : { now: options.now }) };
    supervisors.set(
      source.name,
      superviseUnit<ProcessorInstance>({
        name: `timeline processor (${source.name})`,
        logger,
        backoff: { baseMs: backoffBaseMs, maxMs: backoffMaxMs },
        stopTimeoutMs: 30_000,
        start: () => startProcessorInstance(config, source, logger, instanceOptions),
        onStatus: (status: SupervisorStatus) => {
          restarts.set(source.name, status.failures);
        },
      }),
    );
  });
  const readiness = (): ProcessorReadiness => {
    const reachable = probe.status();
    const checks: Record<string, string> = {
      kafka: reachable.kafka === true ? 'ok' : reachable.kafka === null ? 'not probed yet' : 'unreachable',
      'schema-registry': reachable.registry === true ? 'ok' : reachable.registry === null ? 'not probed yet' : 'unreachable',
    };
    for (const [id, supervisor] of supervisors) {
      const instance = supervisor.current();
      const { state } = supervisor.status();
      const name = (check: string): string => (sources.length === 1 ? check : `${id}:${check}`);
      if (instance === null) {
        checks[name('processor')] = state === 'stopped' ? 'stopped' : 'starting or restarting after a failure';
      } else {
        const status = instance.processor.status();
        checks[name('consumer')] = status.consuming ? 'ok' : 'not connected (broker unreachable or group rebalancing)';
        checks[name('partitions')] = status.restored ? 'ok' : `restoring: ${status.restoredPartitions.length} of ${status.assigned.length} assigned partitions ready`;
        if (instance.sink !== null) checks['redis'] = instance.redisConnected() ? 'ok' : 'not connected';
      }
    }
    return { ready: Object.values(checks).every((check) => check === 'ok'), checks };
  };
  if (options.registry !== undefined) {
    const registry = options.registry;
    registerProcessorMetrics(
      registry,
      sources.map((source) => {
        const supervisor = supervisors.get(source.name)!;
        return {
          sourceId: source.name,
          metrics: metricsBySource.get(source.name)!,
          consumerLag: async () => (await supervisor.current()?.processor.consumerLag()) ?? new Map(),
          assigned: () => supervisor.current()?.processor.status().assigned ?? [],
        };
      }),
    );
    new Gauge({
      name: `${PROCESSOR_METRIC_PREFIX}ready`,
      help: 'Whether the processor is ready (1) or not (0): broker and registry reachable, every source\'s instance running, its consumer connected and every assigned partition restored, Redis connected',
      registers: [registry],
      collect() {
        this.set(readiness().ready ? 1 : 0);
      },
    });
    new Counter({
      name: `${PROCESSOR_METRIC_PREFIX}supervisor_restarts_total`,
      help: 'Processor instances that failed to start or died and were replaced by the supervisor',
      labelNames: ['source'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [source, count] of restarts) this.inc({ source }, count);
      },
    });
  }
  return {
    supervisors,
    metrics: metricsBySource,
    readiness,
    stop: async () => {
      await Promise.allSettled([...supervisors.values()].map((supervisor) => supervisor.stop()));
      await probe.stop();
    },
  };
}

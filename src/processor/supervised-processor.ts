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

/** Readiness of a supervised processor: every check `ok`, or the reason it is not (no hosts, no credentials). */
export interface ProcessorReadiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

export interface SupervisedProcessor {
  readonly supervisor: Supervisor<ProcessorInstance>;
  readonly metrics: ProcessorMetrics;
  readiness(): ProcessorReadiness;
  /** Stops the running instance and the restarts; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs processor instances under a {@link superviseUnit} supervisor: a start that fails (broker, registry or Redis
 * down) or an instance whose consumer died for good is replaced after a capped backoff, for as long as it takes. All
 * instances count into one {@link ProcessorMetrics}, registered once on `registry` with
 * `agent_timelines_processor_ready`, `…_supervisor_restarts_total` and the instance's own families.
 *
 * Lifecycle: `superviseProcessor` starts at once → `readiness()` any time → `stop()` once (idempotent).
 */
export function superviseProcessor(config: Config, logger: Logger, options: { registry?: Registry; now?: () => number } = {}): SupervisedProcessor {
  const metrics = createProcessorMetrics();
  const { backoffBaseMs, backoffMaxMs } = config.processor.supervisor;
  let restarts = 0;
  const probe = new DependencyProbe({ config, logger, intervalMs: 2_000 });
  probe.start();
  const supervisor = superviseUnit<ProcessorInstance>({
    name: 'timeline processor',
    logger,
    backoff: { baseMs: backoffBaseMs, maxMs: backoffMaxMs },
    stopTimeoutMs: 30_000,
    start: () => startProcessorInstance(config, logger, { metrics, ...(options.now === undefined ? {} : { now: options.now }) }),
    onStatus: (status: SupervisorStatus) => {
      restarts = status.failures;
    },
  });
  const readiness = (): ProcessorReadiness => {
    const instance = supervisor.current();
    const { state } = supervisor.status();
    const reachable = probe.status();
    const checks: Record<string, string> = {
      kafka: reachable.kafka === true ? 'ok' : reachable.kafka === null ? 'not probed yet' : 'unreachable',
      'schema-registry': reachable.registry === true ? 'ok' : reachable.registry === null ? 'not probed yet' : 'unreachable',
    };
    if (instance === null) {
      checks['processor'] = state === 'stopped' ? 'stopped' : 'starting or restarting after a failure';
    } else {
      const status = instance.processor.status();
      checks['consumer'] = status.consuming ? 'ok' : 'not connected (broker unreachable or group rebalancing)';
      checks['partitions'] = status.restored ? 'ok' : `restoring: ${status.restoredPartitions.length} of ${status.assigned.length} assigned partitions ready`;
      if (instance.sink !== null) checks['redis'] = instance.redisConnected() ? 'ok' : 'not connected';
    }
    return { ready: Object.values(checks).every((check) => check === 'ok'), checks };
  };
  if (options.registry !== undefined) {
    const registry = options.registry;
    registerProcessorMetrics(registry, {
      metrics,
      consumerLag: async () => (await supervisor.current()?.processor.consumerLag()) ?? new Map(),
      assigned: () => supervisor.current()?.processor.status().assigned ?? [],
    });
    new Gauge({
      name: `${PROCESSOR_METRIC_PREFIX}ready`,
      help: 'Whether the processor is ready (1) or not (0): broker and registry reachable, instance running, consumer connected, every assigned partition restored, Redis connected',
      registers: [registry],
      collect() {
        this.set(readiness().ready ? 1 : 0);
      },
    });
    new Counter({
      name: `${PROCESSOR_METRIC_PREFIX}supervisor_restarts_total`,
      help: 'Processor instances that failed to start or died and were replaced by the supervisor',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(restarts);
      },
    });
  }
  return {
    supervisor,
    metrics,
    readiness,
    stop: async () => {
      await supervisor.stop();
      await probe.stop();
    },
  };
}

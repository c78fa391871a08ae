import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import type { AlertRule } from '../core/alerts/alert-rule.ts';
import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { backoffDelay } from '../runtime/backoff.ts';
import type { OpsReadiness } from '../runtime/ops-server.ts';
import { AlertStore } from '../state/alert-store.ts';
import { createRedis } from '../state/redis-client.ts';
import type { RedisStore } from '../state/redis-client.ts';
import { storeKeys } from '../state/store-keys.ts';
import { AlertEvaluator } from './alert-evaluator.ts';
import { AlertSink } from './alert-sink.ts';
import { alertTopics } from './alert-topics.ts';
import { AlertWebhook } from './alert-webhook.ts';
import { createProcessorMetrics } from './processor-metrics.ts';
import { registerProcessorMetrics } from './processor-prometheus.ts';

export interface AlertServiceOptions {
  /** The evaluator's clock (default Date.now; the demo passes its simulated clock). */
  readonly now?: () => number;
  /** Receives the alert metrics (`agent_timelines_alerts_*`, `agent_timelines_alert_webhook_*`, and the sink's `agent_timelines_processor_redis_*`). */
  readonly registry?: Registry;
  /** The rules (default config.alerts.rules). */
  readonly rules?: ReadonlyMap<string, readonly AlertRule[]>;
}

/** A running alert service; {@link AlertService.stop} is idempotent. */
export interface AlertService {
  /** Ready when every part runs: the evaluator (restored, or standing by), the Redis sink and the webhook notifier. */
  readiness(): OpsReadiness;
  stop(): Promise<void>;
}

interface Running {
  readonly evaluator: AlertEvaluator;
  readonly sink: AlertSink | null;
  readonly webhook: AlertWebhook | null;
  started: boolean;
}

/**
 * Runs the alert service of docs/alerts.md in this process until stopped: the {@link AlertEvaluator} (one owner per
 * group, the others stand by), the {@link AlertSink} that puts `out.alerts` into Redis for the board and GET /alerts
 * (unless ALERT_REDIS_SINK=false), and the {@link AlertWebhook} when ALERT_WEBHOOK_URL is set. When any part dies (a
 * consumer crash it cannot recover from, a broker outage at start), all are stopped and started again with the capped
 * backoff of PROCESSOR_RESTART_BACKOFF_*; each part's consumer group resumes from its commits, so nothing is lost.
 */
export function superviseAlertService(config: Config, logger: Logger, options: AlertServiceOptions = {}): AlertService {
  const topics = alertTopics(config.topicPrefix);
  const transitions = new Counter({ name: 'agent_timelines_alerts_transitions_total', help: 'Alert transitions this instance committed to out.alerts, by status', labelNames: ['status'], registers: [] });
  let running: Running | null = null;
  let redis: RedisStore | null = null;
  const sinkMetrics = createProcessorMetrics();
  if (options.registry !== undefined) {
    const registry = options.registry;
    registry.registerMetric(transitions);
    new Gauge({ name: 'agent_timelines_alerts_owner', help: '1 while this instance evaluates the alerts (owner of out.agent-state), 0 while it stands by', registers: [registry], collect() {
      this.set(running?.evaluator.status().owner === true ? 1 : 0);
    } });
    new Gauge({ name: 'agent_timelines_alerts_firing', help: 'Firing alerts per tenant, as this instance evaluates them (owner only)', labelNames: ['tenant'], registers: [registry], collect() {
      this.reset();
      for (const [tenant, count] of Object.entries(running?.evaluator.status().firing ?? {})) this.set({ tenant }, count);
    } });
    registerProcessorMetrics(registry, { metrics: sinkMetrics });
  }
  const onCommitted = (committed: readonly AlertTransition[]): void => {
    for (const transition of committed) transitions.inc({ status: transition.status });
  };

  let stopRequested = false;
  let wake: () => void = () => undefined;
  const loop = (async () => {
    const { backoffBaseMs, backoffMaxMs } = config.processor.supervisor;
    for (let attempt = 1; !stopRequested; attempt++) {
      let fatal: (error: Error) => void = () => undefined;
      const died = new Promise<Error>((resolve) => {
        fatal = resolve;
      });
      const stopped = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const onFatal = (error: Error): void => fatal(error);
      redis ??= config.alerts.redisSink ? createRedis(config) : null;
      const wiring = {
        kafka: createKafka(config, logger, '-alert-sink'), serde: new AvroSerde(config.schemaRegistry), deadLetterTopic: topics.deadLetter,
        groupId: `${config.alerts.groupId}.redis-sink`, logger, metrics: sinkMetrics, checkMs: config.processor.redisSinkCheckMs,
        sessionTimeoutMs: config.processor.sessionTimeoutMs, onFatal,
      };
      const webhook = config.alerts.webhook;
      const parts: Running = {
        evaluator: new AlertEvaluator({ config, logger, onFatal, onCommitted, ...(options.now === undefined ? {} : { now: options.now }), ...(options.rules === undefined ? {} : { rules: options.rules }) }),
        sink: redis === null ? null : new AlertSink({ ...wiring, store: new AlertStore(redis, storeKeys(config.redis.keyPrefix), config.redis.changeFeedMaxLen), topic: topics.alerts }),
        webhook: webhook === null ? null : new AlertWebhook({
          kafka: createKafka(config, logger, '-alert-webhook'), serde: new AvroSerde(config.schemaRegistry), topic: topics.alerts, deadLetterTopic: topics.deadLetter,
          groupId: `${config.alerts.groupId}.webhook`, url: webhook.url, token: webhook.token, timeoutMs: webhook.timeoutMs, maxAttempts: webhook.maxAttempts,
          sessionTimeoutMs: config.processor.sessionTimeoutMs, logger, ...(options.registry === undefined ? {} : { registry: options.registry }), onFatal,
        }),
        started: false,
      };
      running = parts;
      try {
        await parts.evaluator.start();
        await parts.sink?.start();
        await parts.webhook?.start();
        parts.started = true;
        attempt = 1;
        const ended = await Promise.race([stopped, died]);
        if (ended instanceof Error) logger.error({ err: ended }, 'a part of the alert service died; restarting the service');
      } catch (error) {
        logger.error({ err: error, attempt }, 'the alert service could not start; retrying');
      } finally {
        parts.started = false;
        await Promise.allSettled([parts.evaluator.stop(), parts.sink?.stop(), parts.webhook?.stop()]);
      }
      if (stopRequested) break;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, backoffDelay({ baseMs: backoffBaseMs, maxMs: backoffMaxMs }, attempt))), stopped]);
    }
  })();

  let stopping: Promise<void> | null = null;
  return {
    readiness(): OpsReadiness {
      const parts = running;
      const status = parts?.evaluator.status();
      const checks: Record<string, string> = {
        evaluator: parts === null || !parts.started ? 'not running' : status?.owner === true && !status.restored ? 'restoring its state' : 'ok',
      };
      if (config.alerts.redisSink) checks['redis-sink'] = parts?.started === true ? 'ok' : 'not running';
      if (config.alerts.webhook !== null) checks['webhook'] = parts?.started === true ? 'ok' : 'not running';
      return { ready: Object.values(checks).every((check) => check === 'ok'), checks };
    },
    stop: () =>
      (stopping ??= (async () => {
        stopRequested = true;
        wake();
        await loop;
        redis?.disconnect();
      })()),
  };
}

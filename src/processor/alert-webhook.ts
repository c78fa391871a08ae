import type { Batch, Consumer, Kafka, Producer } from 'kafkajs';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import { alertView } from '../core/alerts/alert-view.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { createProducer } from '../kafka/producer.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import { alertTransitionOf } from './alert-transition-value.ts';
import { deadLetterRecord } from './output-records.ts';

export interface AlertWebhookOptions {
  readonly kafka: Kafka;
  readonly serde: AvroSerde;
  /** The physical name of `out.alerts`. */
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** The consumer group: `<ALERT group>.webhook`. */
  readonly groupId: string;
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  /** Attempts per transition before it is dead-lettered (ALERT_WEBHOOK_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** Backoff between attempts: from `minDelayMs` doubling up to `maxDelayMs` (defaults 500 ms and 30 s). */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly sessionTimeoutMs: number;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly onFatal?: (error: Error) => void;
}

/** Why a delivery failed; `retry`: whether another attempt can succeed (a timeout, a 5xx, 408, 429, no connection). */
class DeliveryFailed extends Error {
  readonly retry: boolean;
  constructor(message: string, retry: boolean) {
    super(message);
    this.retry = retry;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The wait before retrying a decode or a dead-letter write (not a delivery: those follow ALERT_WEBHOOK_* through p-retry). */
const retryDelay = (attempt: number): number => Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));

function counter(registry: Registry | undefined, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter;
  return new Counter({ name, help, labelNames, registers: registry === undefined ? [] : [registry] });
}

/**
 * POSTs every transition of `out.alerts` (read_committed, so only what the evaluator committed) to a webhook as JSON
 * (the alert as GET /alerts shows it), in order per tenant: at least once, with the header
 * `Idempotency-Key: <alert id>/<status>` so a receiver can drop a repeat (a crash between the delivery and the offset
 * commit repeats the transitions in flight). A failed attempt (no connection, a timeout, 408, 429, 5xx) is retried with
 * exponential backoff up to `maxAttempts`; any other answer, or the last failed attempt, dead-letters the transition
 * (error code WEBHOOK_FAILED, with the reason), counts and logs it, and delivery goes on with the next. A record that
 * is not a transition is dead-lettered as RECORD_INVALID. The offset is committed after each delivered or
 * dead-lettered record.
 *
 * Lifecycle: start once → stop once (idempotent; abandons the retries of the record in flight, which is delivered again
 * by the next owner of the partition).
 */
export class AlertWebhook {
  readonly #options: AlertWebhookOptions;
  readonly #logger: Logger;
  readonly #attempts: Counter;
  readonly #outcomes: Counter;
  readonly #stopping = new AbortController();
  #consumer: Consumer | undefined;
  #producer: Producer | undefined;
  #stopped = false;

  constructor(options: AlertWebhookOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'alert-webhook' });
    this.#attempts = counter(options.registry, 'agent_timelines_alert_webhook_attempts_total', 'Webhook requests for alert transitions, by result (ok, http_<status>, timeout, unreachable)', ['result']);
    this.#outcomes = counter(options.registry, 'agent_timelines_alert_webhook_transitions_total', 'Alert transitions handled by the webhook notifier, by outcome (delivered, dead_lettered, invalid)', ['outcome']);
  }

  async start(): Promise<void> {
    const { kafka, topic, groupId, sessionTimeoutMs } = this.#options;
    this.#producer = createProducer(kafka);
    await this.#producer.connect();
    const consumer = kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId, readUncommitted: false, allowAutoTopicCreation: false, sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalFor(sessionTimeoutMs), maxWaitTimeInMs: 250,
      // a transition may wait out its retries: the group must not think the member is gone meanwhile
      rebalanceTimeout: Math.max(60_000, sessionTimeoutMs * 2),
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#logger.error({ err: payload.error, restart: payload.restart }, 'alert webhook consumer crashed');
      if (!payload.restart && !this.#stopped) this.#options.onFatal?.(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning, isStale, heartbeat, resolveOffset }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale() || this.#stopped) return;
          await this.#handle(batch, message, heartbeat);
          if (this.#stopped) return;
          resolveOffset(message.offset);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(message.offset) + 1) }]);
        }
      },
    });
    this.#logger.info({ url: redactedUrl(this.#options.url), groupId }, 'alert webhook notifier started');
  }

  /** Delivers or dead-letters one record; throws only when stopping (the record stays uncommitted). */
  async #handle(batch: Batch, message: Batch['messages'][number], heartbeat: () => Promise<void>): Promise<void> {
    const source = { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key, value: message.value };
    let transition: AlertTransition | { readonly problem: string };
    for (let attempt = 0; ; attempt++) {
      try {
        if (message.value === null || message.value.length === 0) throw new AgentTimelinesError('RECORD_INVALID', 'empty value (tombstone)');
        transition = alertTransitionOf(await this.#options.serde.decode<Record<string, unknown>>(message.value));
        break;
      } catch (error) {
        if (error instanceof AgentTimelinesError && !error.retriable) {
          transition = { problem: error.message };
          break;
        }
        if (this.#stopped) return;
        this.#logger.warn({ err: error, attempt }, 'an alert record could not be decoded; retrying');
        await sleep(retryDelay(attempt));
      }
    }
    if ('problem' in transition) {
      await this.#deadLetter(source, 'RECORD_INVALID', `not an alert transition: ${transition.problem}`);
      this.#outcomes.inc({ outcome: 'invalid' });
      return;
    }
    const alert = transition;
    try {
      await pRetry(() => this.#post(alert), {
        retries: this.#options.maxAttempts - 1,
        minTimeout: this.#options.minDelayMs ?? 500,
        maxTimeout: this.#options.maxDelayMs ?? 30_000,
        factor: 2,
        signal: this.#stopping.signal,
        shouldRetry: ({ error }) => error instanceof DeliveryFailed && error.retry,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          this.#logger.warn({ alert: alert.id, status: alert.status, attempt: attemptNumber, retriesLeft, reason: error.message }, 'alert webhook delivery failed');
          await heartbeat().catch(() => undefined);
        },
      });
      this.#outcomes.inc({ outcome: 'delivered' });
    } catch (error) {
      if (this.#stopped) return;
      const reason = `webhook delivery of ${alert.status} alert ${alert.id} failed: ${(error as Error).message}`;
      await this.#deadLetter(source, 'WEBHOOK_FAILED', reason);
      this.#outcomes.inc({ outcome: 'dead_lettered' });
      this.#logger.error({ alert: alert.id, status: alert.status, reason }, 'alert transition dead-lettered after its webhook deliveries failed');
    }
  }

  async #post(alert: AlertTransition): Promise<void> {
    const { url, token, timeoutMs } = this.#options;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${alert.id}/${alert.status}`, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(alertView(alert)),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#stopping.signal]),
      });
    } catch (error) {
      if (this.#stopped) throw new AbortError('stopping');
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      this.#attempts.inc({ result: timedOut ? 'timeout' : 'unreachable' });
      throw new DeliveryFailed(timedOut ? `no answer within ${timeoutMs} ms` : `cannot reach the webhook: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`, true);
    }
    await response.arrayBuffer().catch(() => undefined);
    this.#attempts.inc({ result: response.ok ? 'ok' : `http_${response.status}` });
    if (response.ok) return;
    const retry = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new DeliveryFailed(`the webhook answered ${response.status}`, retry);
  }

  async #deadLetter(source: Parameters<typeof deadLetterRecord>[1], errorCode: string, reason: string): Promise<void> {
    const record = deadLetterRecord(this.#options.deadLetterTopic, source, { errorCode, reason }, Date.now());
    for (let attempt = 0; !this.#stopped; attempt++) {
      try {
        const value = await this.#options.serde.encode(record.topic, record.value);
        await this.#producer!.send({ topic: record.topic, acks: -1, messages: [{ key: record.key, value }] });
        return;
      } catch (error) {
        this.#logger.warn({ err: error, attempt }, 'writing a dead letter failed; retrying');
        await sleep(retryDelay(attempt));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopping.abort();
    await Promise.allSettled([stopConsumer(this.#consumer), this.#producer?.disconnect()]);
  }
}

/** The URL without credentials or query (which may carry a token), for logs. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

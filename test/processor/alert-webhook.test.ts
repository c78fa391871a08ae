import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../src/core/alerts/alert-transition.ts';
import { alertTopics } from '../../src/processor/alert-topics.ts';
import type { AlertTopics } from '../../src/processor/alert-topics.ts';
import { AlertWebhook } from '../../src/processor/alert-webhook.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, waitFor } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';

interface Received { key: string; auth: string | undefined; body: Record<string, unknown>; answered: number }

const T0 = Date.UTC(2026, 10, 30, 9);

function alert(tenant: string, agentId: string, status: 'firing' | 'resolved', since = T0): AlertTransition {
  return {
    id: `${tenant}/wrap-long/${agentId}/${since}`, status, tenant, ruleId: 'wrap-long', ruleKind: 'state-duration', agentId, userName: `Agent ${agentId}`,
    since, firedAt: since + 130_000, resolvedAt: status === 'resolved' ? since + 200_000 : null, userStatus: 'Ready', handlingStatus: 'Wrap', reason: null, readyCount: null,
  };
}

/**
 * The webhook notifier on the real stack against a local receiver that fails on purpose: retried failures are
 * delivered in order, refused or never-answered transitions are dead-lettered with the reason, a record that is no
 * transition is dead-lettered as invalid, and the offsets are committed, so a new notifier resends nothing.
 */
describe('alert webhook notifier', () => {
  let pipeline: TestPipeline;
  let topics: AlertTopics;
  let server: Server;
  let url: string;
  const received: Received[] = [];
  /** id/status → answers to give, in order (then 200). */
  const script = new Map<string, number[]>();

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices());
    topics = alertTopics(pipeline.config.topicPrefix);
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const key = String(request.headers['idempotency-key']);
        const answers = script.get(key) ?? [];
        const answered = answers.shift() ?? 200;
        received.push({ key, auth: request.headers.authorization, body: JSON.parse(body) as Record<string, unknown>, answered });
        if (answered === 0) return; // never answers: the notifier's timeout
        response.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`;
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await pipeline?.close();
  });

  const send = async (transitions: readonly AlertTransition[]): Promise<void> => {
    const messages = await Promise.all(transitions.map(async (t) => ({ key: t.tenant, value: await pipeline.serde.encode(topics.alerts, { ...t }) })));
    await pipeline.producer.send({ topic: topics.alerts, acks: -1, messages });
  };

  const deadLetters = async (): Promise<{ errorCode: string; reason: string }[]> => {
    const out: { errorCode: string; reason: string }[] = [];
    const consumer = pipeline.kafka.consumer({ groupId: `${pipeline.id}-dlq-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.deadLetter, fromBeginning: true });
    const offsets = await pipeline.kafka.admin();
    await offsets.connect();
    const high = (await offsets.fetchTopicOffsets(topics.deadLetter)).reduce((sum, p) => sum + Number(p.high), 0);
    await offsets.disconnect();
    let seen = 0;
    await consumer.run({ eachMessage: async ({ message }) => {
      seen++;
      if (message.value !== null) out.push(await pipeline.serde.decode<{ errorCode: string; reason: string }>(message.value));
    } });
    await waitFor(async () => seen >= high, 20_000, 100);
    await consumer.disconnect();
    return out;
  };

  function notifier(registry: Registry): AlertWebhook {
    return new AlertWebhook({
      kafka: pipeline.kafka, serde: pipeline.serde, topic: topics.alerts, deadLetterTopic: topics.deadLetter, groupId: `${pipeline.config.alerts.groupId}.webhook`,
      url, token: 'hook-secret', timeoutMs: 500, maxAttempts: 3, minDelayMs: 20, maxDelayMs: 100, sessionTimeoutMs: 6_000, logger: createLogger('silent'), registry,
    });
  }

  it('retries failures in order, dead-letters what is refused or never answered, and commits as it goes', { timeout: 90_000 }, async () => {
    const a1 = alert('t1', 'a', 'firing');
    const a2 = alert('t1', 'a', 'resolved');
    const b1 = alert('t1', 'b', 'firing');
    const c1 = alert('t1', 'c', 'firing');
    const d1 = alert('t1', 'd', 'firing');
    script.set(`${a1.id}/firing`, [503, 429]);
    script.set(`${b1.id}/firing`, [400]);
    script.set(`${c1.id}/firing`, [0, 0, 0]);
    await send([a1, a2, b1, c1, d1]);
    const invalid = await pipeline.serde.encode(topics.alerts, { ...alert('t1', 'e', 'firing'), id: 'someone-else/rule/e/1' });
    await pipeline.producer.send({ topic: topics.alerts, acks: -1, messages: [{ key: 't1', value: invalid }] });

    const registry = new Registry();
    const first = notifier(registry);
    await first.start();
    try {
      expect(await waitFor(async () => received.some((r) => r.key === `${d1.id}/firing` && r.answered === 200), 60_000, 100), JSON.stringify(received.map((r) => [r.key, r.answered]))).toBe(true);
      expect(received.map((r) => [r.key, r.answered])).toEqual([
        [`${a1.id}/firing`, 503], [`${a1.id}/firing`, 429], [`${a1.id}/firing`, 200],
        [`${a2.id}/resolved`, 200],
        [`${b1.id}/firing`, 400],
        [`${c1.id}/firing`, 0], [`${c1.id}/firing`, 0], [`${c1.id}/firing`, 0],
        [`${d1.id}/firing`, 200],
      ]);
      expect(received.every((r) => r.auth === 'Bearer hook-secret')).toBe(true);
      expect(received[3]!.body).toMatchObject({ id: a2.id, status: 'resolved', since: new Date(T0).toISOString(), resolvedAt: new Date(T0 + 200_000).toISOString(), agentId: 'a' });
      await waitFor(async () => (await deadLetters()).length >= 3, 20_000, 500);
      const letters = await deadLetters();
      expect(letters.map((l) => l.errorCode)).toEqual(['WEBHOOK_FAILED', 'WEBHOOK_FAILED', 'RECORD_INVALID']);
      expect(letters[0]!.reason).toContain('answered 400');
      expect(letters[1]!.reason).toContain('no answer within 500 ms');
      expect(letters[2]!.reason).toContain('not an episode of tenant t1');
      const metrics = await registry.getSingleMetricAsString('agent_timelines_alert_webhook_transitions_total');
      expect(metrics).toContain('outcome="delivered"} 3');
      expect(metrics).toContain('outcome="dead_lettered"} 2');
      expect(metrics).toContain('outcome="invalid"} 1');
    } finally {
      await first.stop();
    }

    // a new notifier of the same group resumes after the committed offsets: only the new transition goes out
    const before = received.length;
    const f1 = alert('t1', 'f', 'firing');
    await send([f1]);
    const second = notifier(new Registry());
    await second.start();
    try {
      expect(await waitFor(async () => received.length > before, 30_000, 100)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(received.slice(before).map((r) => r.key)).toEqual([`${f1.id}/firing`]);
    } finally {
      await second.stop();
    }
  });
});

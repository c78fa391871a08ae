import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../../../src/core/random/prng.ts';
import { restoreCheckpoints } from '../../../src/ingest/checkpoint-store.ts';
import { spawnPoller } from '../../ingest/support/poller-process.ts';
import { freshStack, readTopic } from '../../ingest/support/stack.ts';
import type { RawRecord, TestStack } from '../../ingest/support/stack.ts';
import type { FakeThulium } from './support/fake-thulium-server.ts';
import { startFakeThulium } from './support/fake-thulium-server.ts';

const ZONE = 'Europe/Warsaw';
/** The local day 2026-10-25 in Warsaw: 25 hours (the fall-back day). */
const FROM = Date.parse('2026-10-24T22:00:00Z');
const TO = Date.parse('2026-10-25T23:00:00Z');
const LOGINS = Array.from({ length: 10 }, (_, i) => `agent${String(i).padStart(2, '0')}`);
const KEY = 'acme|thulium/agents-work-report';

function tenantEnv(stack: TestStack, url: string, extra: Record<string, unknown> = {}) {
  const tenants = [{ id: 'acme', baseUrl: url, credentials: { username: 'api_user', passwordEnv: 'THULIUM_PASSWORD' }, timeZone: ZONE, startAt: new Date(FROM).toISOString(), chunkMs: 3_600_000, safetyLagMs: Date.now() - TO, pollIntervalMs: 200, statusPollIntervalMs: 300, pageSize: 25, requestTimeoutMs: 5000, maxAttempts: 8, backoffBaseMs: 10, backoffMaxMs: 100, rateLimitPerSecond: 1000, rateLimitBurst: 100, ...extra }];
  return { ...stack.env, THULIUM_TENANTS: JSON.stringify(tenants), THULIUM_PASSWORD: 'thu-s3cret' };
}

/** Minute rows published, as login|minuteStart, and (login, quarter-hour) records. */
function published(records: readonly RawRecord[]) {
  const minutes = records.flatMap((r) => (r.value['minutes'] as Array<{ minuteStart: number | Date }>).map((m) => `${String(r.value['agentLogin'])}|${Number(m.minuteStart)}`));
  const quarters = records.map((r) => `${String(r.value['agentLogin'])}|${Number(r.value['windowStart'])}`);
  return { minutes, quarters };
}

function expectExactlyOnce(records: readonly RawRecord[]) {
  const { minutes, quarters } = published(records);
  const expected = new Set(LOGINS.flatMap((login) => Array.from({ length: (TO - FROM) / 60_000 }, (_, i) => `${login}|${FROM + i * 60_000}`)));
  const seen = new Set(minutes);
  expect({ minutes: minutes.length, distinct: seen.size, missing: [...expected].filter((k) => !seen.has(k)).length, extra: [...seen].filter((k) => !expected.has(k)).length }).toEqual({ minutes: expected.size, distinct: expected.size, missing: 0, extra: 0 });
  expect(new Set(quarters).size).toBe(quarters.length);
  expect(quarters.length).toBe(LOGINS.length * 100);
  expect(records.every((r) => r.key === r.value['agentLogin'] && (r.value['minutes'] as unknown[]).length === 15)).toBe(true);
}

describe('Thulium pollers on the real stack', () => {
  let api: FakeThulium | undefined;
  afterEach(async () => {
    await api?.close();
  });

  it('publishes every minute row of the 25-hour fall-back day exactly once across pages, through 429 and 503, with watermarks and statuses', async () => {
    const stack = await freshStack();
    api = await startFakeThulium({ logins: LOGINS, zone: ZONE, from: FROM, to: TO, faultEvery: 7, credentials: { username: 'api_user', password: 'thu-s3cret' } });
    const poller = spawnPoller(['--once'], tenantEnv(stack, api.url));
    expect(await poller.exited, poller.stderr()).toBe(0);
    expect(poller.stderr()).not.toContain('thu-s3cret');
    expect(api.stats.faults).toBeGreaterThan(50);
    expectExactlyOnce(await readTopic(stack, 'raw.thulium.agents-work-report'));
    const watermarks = await readTopic(stack, 'control.poll-watermarks');
    const reportMarks = watermarks.filter((w) => w.value['source'] === 'thulium/agents-work-report').map((w) => Number(w.value['watermark']));
    expect(reportMarks.length).toBe(24);
    expect(reportMarks[reportMarks.length - 1]).toBe(TO);
    expect(reportMarks).toContain(Date.parse('2026-10-25T02:00:00Z'));
    expect(reportMarks).not.toContain(Date.parse('2026-10-25T01:00:00Z'));
    const statuses = await readTopic(stack, 'raw.thulium.agent-statuses');
    expect(statuses.map((s) => s.key).sort()).toEqual(LOGINS);
    expect(statuses.every((s) => Number(s.value['lastChangeAt']) === TO && s.value['source'] === 'thulium/agent-statuses')).toBe(true);
    expect(watermarks.some((w) => w.value['source'] === 'thulium/agent-statuses' && w.key === 'acme|thulium/agent-statuses')).toBe(true);
    const checkpoint = (await restoreCheckpoints(stack.kafka, stack.serde, `${stack.config.topicPrefix}control.poller-checkpoints`, [KEY])).get(KEY);
    expect(checkpoint?.highMark).toBe(TO);
  }, 120_000);

  it('resumes after SIGKILL at random points without a gap or a duplicate', async () => {
    const stack = await freshStack();
    api = await startFakeThulium({ logins: LOGINS, zone: ZONE, from: FROM, to: TO, latencyMs: 15, credentials: { username: 'api_user', password: 'thu-s3cret' } });
    const env = { ...tenantEnv(stack, api.url, { endpoints: ['agents-work-report'] }), LOG_LEVEL: 'info' };
    const checkpoints = `${stack.config.topicPrefix}control.poller-checkpoints`;
    const random = new Prng(11);
    const marks: number[] = [];
    for (let i = 0; i < 4; i++) {
      const poller = spawnPoller([], env);
      const deadline = Date.now() + 60_000;
      while (!poller.stderr().includes('work report chunk committed')) {
        if (Date.now() > deadline) throw new Error(`poller ${i} committed no chunk within 60 s:\n${poller.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random.next() * 800)));
      poller.child.kill('SIGKILL');
      expect(await poller.exited, poller.stderr()).toBe('SIGKILL');
      marks.push((await restoreCheckpoints(stack.kafka, stack.serde, checkpoints, [KEY])).get(KEY)?.highMark ?? 0);
    }
    const last = spawnPoller(['--once'], env);
    expect(await last.exited, last.stderr()).toBe(0);
    expect(new Set(marks.filter((m) => m > FROM && m < TO)).size, `high marks at the kills: ${marks.map((m) => new Date(m).toISOString()).join(', ')}`).toBeGreaterThanOrEqual(2);
    expectExactlyOnce(await readTopic(stack, 'raw.thulium.agents-work-report'));
    expect((await restoreCheckpoints(stack.kafka, stack.serde, checkpoints, [KEY])).get(KEY)?.highMark).toBe(TO);
  }, 240_000);
});

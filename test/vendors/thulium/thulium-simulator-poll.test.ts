import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../../../src/core/random/prng.ts';
import { restoreCheckpoints } from '../../../src/ingest/checkpoint-store.ts';
import type { RunningThuliumSimulator } from '../../../src/vendors/thulium/simulator/index.ts';
import { startThuliumSimulator } from '../../../src/vendors/thulium/simulator/index.ts';
import { spawnPoller } from '../../ingest/support/poller-process.ts';
import { freshStack, readTopic } from '../../ingest/support/stack.ts';
import type { RawRecord, TestStack } from '../../ingest/support/stack.ts';

const ZONE = 'Europe/Warsaw';
/** The local day 2026-10-25 in Warsaw: 25 hours (the fall-back day). */
const FROM = Date.parse('2026-10-24T22:00:00Z');
const TO = Date.parse('2026-10-25T23:00:00Z');
const CREDENTIALS = { username: 'api_user', password: 'thu-s3cret' };
const KEY = 'acme|thulium/agents-work-report';
const AGENTS = 12;

function tenantEnv(stack: TestStack, url: string, extra: Record<string, unknown> = {}) {
  const tenants = [{ id: 'acme', baseUrl: url, credentials: { username: CREDENTIALS.username, passwordEnv: 'THULIUM_PASSWORD' }, timeZone: ZONE, startAt: new Date(FROM).toISOString(), chunkMs: 3_600_000, safetyLagMs: Date.now() - TO, pollIntervalMs: 200, statusPollIntervalMs: 300, pageSize: 50, requestTimeoutMs: 5000, maxAttempts: 10, backoffBaseMs: 10, backoffMaxMs: 100, rateLimitPerSecond: 1000, rateLimitBurst: 100, ...extra }];
  return { ...stack.env, THULIUM_TENANTS: JSON.stringify(tenants), THULIUM_PASSWORD: CREDENTIALS.password };
}

/** The whole day as one fault-free simulator serves it to a plain client: every agent's minute rows in order. */
async function servedDay(sim: RunningThuliumSimulator): Promise<Map<string, unknown[]>> {
  const byLogin = new Map<string, unknown[]>();
  const groups = sim.world.groups.map((g) => `agent_group_ids[]=${g.id}`).join('&');
  for (let offset = 0; ; offset += 100) {
    const response = await fetch(`${sim.url}/api/agents_work_report?${groups}&date_from=2026-10-25&date_to=2026-10-25&aggregate_by=minute&limit=100&offset=${offset}`, { headers: { authorization: `Basic ${Buffer.from(`${CREDENTIALS.username}:${CREDENTIALS.password}`).toString('base64')}` } });
    const rows = (await response.json()) as Array<{ agent: { login: string } }>;
    for (const row of rows) byLogin.set(row.agent.login, [...(byLogin.get(row.agent.login) ?? []), row]);
    if (rows.length < 100) return byLogin;
  }
}

/** Published minute rows per login in time order, as the vendor served them (the envelope's minuteStart removed, absent `average` restored). */
function publishedDay(records: readonly RawRecord[]): Map<string, unknown[]> {
  const rows = records.flatMap((r) => (r.value['minutes'] as Array<Record<string, unknown>>).map((m) => ({ login: String(r.value['agentLogin']), at: Number(m['minuteStart']), m })));
  rows.sort((a, b) => a.login.localeCompare(b.login) || a.at - b.at);
  const out = new Map<string, unknown[]>();
  for (const { login, m } of rows) {
    const { minuteStart: _, pauses, ...rest } = m;
    const served = { ...rest, pauses: (pauses as Array<Record<string, unknown>>).map(({ average, ...p }) => (average === null ? p : { ...p, average })) };
    out.set(login, [...(out.get(login) ?? []), served]);
  }
  return out;
}

function expectSameDay(records: readonly RawRecord[], served: Map<string, unknown[]>) {
  const quarters = records.map((r) => `${String(r.value['agentLogin'])}|${Number(r.value['windowStart'])}`);
  expect(new Set(quarters).size, 'no (login, quarter-hour) twice').toBe(quarters.length);
  expect(quarters.length).toBe(AGENTS * 100);
  const published = publishedDay(records);
  expect([...published.keys()]).toEqual([...served.keys()]);
  for (const [login, rows] of served) {
    expect(rows.length).toBe(1500);
    expect(published.get(login), login).toEqual(rows);
  }
}

describe('Thulium pollers against the Thulium simulator on the real stack', () => {
  const sims: RunningThuliumSimulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });
  const start = async (faults: Record<string, number>) => {
    const sim = await startThuliumSimulator({ seed: 31, agents: AGENTS, from: FROM - 86_400_000, to: TO + 3_600_000, zone: ZONE, clock: { mode: 'historical' }, credentials: CREDENTIALS, faults });
    sims.push(sim);
    return sim;
  };

  it('publishes every minute row of the fall-back day exactly once, as served, through 429, 5xx and resets', async () => {
    const stack = await freshStack();
    const sim = await start({ rate429: 0.05, retryAfterSeconds: 0, rate5xx: 0.05, resetRate: 0.02 });
    const clean = await start({});
    const poller = spawnPoller(['--once'], tenantEnv(stack, sim.url));
    expect(await poller.exited, poller.stderr()).toBe(0);
    expect(poller.stderr()).not.toContain(CREDENTIALS.password);
    const stats = sim.stats();
    expect((stats['status:429'] ?? 0) + (stats['status:500'] ?? 0) + (stats['status:503'] ?? 0), JSON.stringify(stats)).toBeGreaterThan(10);
    expectSameDay(await readTopic(stack, 'raw.thulium.agents-work-report'), await servedDay(clean));
    const marks = (await readTopic(stack, 'control.poll-watermarks')).filter((w) => w.key === 'acme|thulium/agents-work-report').map((w) => Number(w.value['watermark']));
    expect(marks.length).toBe(24);
    expect(marks.at(-1)).toBe(TO);
    const deadLetters = await readTopic(stack, 'ops.dead-letter');
    expect(deadLetters.map((d) => d.value['reason'])).toEqual([]);
    const statuses = await readTopic(stack, 'raw.thulium.agent-statuses');
    expect(statuses.length).toBe(AGENTS);
    for (const s of statuses) {
      const run = sim.world.timelines.find((t) => t.agent.login === s.key)?.runs.find((r) => r.start <= sim.now() && sim.now() < r.end);
      expect({ status: s.value['status'], pauseId: s.value['pauseId'], at: Number(s.value['lastChangeAt']) }, String(s.key)).toEqual({ status: run?.status, pauseId: run?.pauseId, at: run?.start });
    }
  }, 180_000);

  it('resumes after SIGKILL at random points without a gap or a duplicate', async () => {
    const stack = await freshStack();
    const sim = await start({ slowRate: 0.3, slowMs: 40 });
    const clean = await start({});
    const env = { ...tenantEnv(stack, sim.url, { endpoints: ['agents-work-report'], pageSize: 20 }), LOG_LEVEL: 'info' };
    const checkpoints = `${stack.config.topicPrefix}control.poller-checkpoints`;
    const random = new Prng(5);
    const marks: number[] = [];
    for (let i = 0; i < 4; i++) {
      const poller = spawnPoller([], env);
      const deadline = Date.now() + 60_000;
      while (!poller.stderr().includes('work report chunk committed')) {
        if (Date.now() > deadline) throw new Error(`poller ${i} committed no chunk within 60 s:\n${poller.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random.next() * 1000)));
      poller.child.kill('SIGKILL');
      expect(await poller.exited, poller.stderr()).toBe('SIGKILL');
      marks.push((await restoreCheckpoints(stack.kafka, stack.serde, checkpoints, [KEY])).get(KEY)?.highMark ?? 0);
    }
    const last = spawnPoller(['--once'], env);
    expect(await last.exited, last.stderr()).toBe(0);
    expect(new Set(marks.filter((m) => m > FROM && m < TO)).size, `high marks at the kills: ${marks.map((m) => new Date(m).toISOString()).join(', ')}`).toBeGreaterThanOrEqual(2);
    expectSameDay(await readTopic(stack, 'raw.thulium.agents-work-report'), await servedDay(clean));
    expect((await restoreCheckpoints(stack.kafka, stack.serde, checkpoints, [KEY])).get(KEY)?.highMark).toBe(TO);
  }, 240_000);
});

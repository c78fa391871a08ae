import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../src/core/alerts/alert-transition.ts';
import { alertTopics } from '../../src/processor/alert-topics.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { AlertTopics } from '../../src/processor/alert-topics.ts';
import { requireServices } from '../support/services.ts';
import { createTestPipeline, TENANT, waitFor } from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { readCommittedByMarkers } from './support/topic-checks.ts';

const REPO = new URL('../../', import.meta.url).pathname;
const WRAP_MS = 8_000;
const RULES = {
  tenants: {
    [TENANT]: [
      { id: 'wrap-long', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: WRAP_MS },
      { id: 'lunch-long', kind: 'state-duration', dimension: 'presence', states: ['NotReady'], reasons: ['Lunch'], longerThanMs: 60_000 },
    ],
    churn: [{ id: 'wrap-short', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: 1_500 }],
  },
};
const SLACK_MS = 1_000;

interface EvaluatorChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string[];
  readonly exited: Promise<number | null>;
}

function spawnEvaluator(env: Record<string, string>, name: string, metricsPort = 0): EvaluatorChild {
  const child = spawn(process.execPath, ['src/bin/cli.ts', 'alerts', '--skip-setup'], {
    cwd: REPO,
    env: { ...process.env, ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ALERTS_METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
  return { name, child, log, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True once the child has restored its state as the owner after its `n`th assignment. */
const restoredTimes = (child: EvaluatorChild): number => child.log.join('').split('alert evaluator state restored').length - 1;
const standingBy = (child: EvaluatorChild): boolean => child.log.join('').includes('"msg":"alert evaluator started"') && restoredTimes(child) === 0;

describe('alert evaluator on the real stack', () => {
  let pipeline: TestPipeline;
  let topics: AlertTopics;
  const children: EvaluatorChild[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-evaluator-'));
    const rulesFile = join(dir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(RULES));
    pipeline = await createTestPipeline(await requireServices(), { ALERT_RULES_FILE: rulesFile, ALERT_TICK_MS: '200' });
    topics = alertTopics(pipeline.config.topicPrefix);
  });
  afterAll(async () => {
    for (const running of children) running.child.kill('SIGKILL');
    await pipeline?.close();
  });

  async function state(userId: string, patch: Record<string, unknown>, tenant = TENANT): Promise<void> {
    const now = Date.now();
    const value = {
      tenant, source: 'sinch-rai', userId, userName: `Agent ${userId}`, sessionId: `s-${userId}`, loggedIn: true,
      userStatus: 'Ready', handlingStatus: 'Waiting', profile: null, profileReason: null, campaignId: null,
      userStatusSince: now, handlingStatusSince: now, asOf: now, sampled: false, ...patch,
    };
    await pipeline.producer.send({ topic: topics.agentState, acks: -1, messages: [{ key: `${tenant}|${userId}`, value: await pipeline.serde.encode(topics.agentState, value) }] });
  }

  async function alerts(): Promise<AlertTransition[]> {
    const out: AlertTransition[] = [];
    await readCommittedByMarkers(pipeline.kafka, topics.alerts, async (message) => {
      if (message.value !== null) out.push(await pipeline.serde.decode<AlertTransition>(message.value));
    });
    return out;
  }

  const statusesById = (transitions: readonly AlertTransition[]): Record<string, string> =>
    Object.fromEntries([...new Set(transitions.map((t) => t.id))].map((id) => [id, transitions.filter((t) => t.id === id).map((t) => t.status).join(',')]));

  async function until(description: string, check: (transitions: AlertTransition[]) => boolean, timeoutMs = 60_000): Promise<AlertTransition[]> {
    let last: AlertTransition[] = [];
    const reached = await waitFor(async () => check((last = await alerts())), timeoutMs, 300);
    expect(reached, `${description}; out.alerts: ${JSON.stringify(statusesById(last))}\n${children.map((c) => `--- ${c.name}\n${c.log.join('').slice(-3_000)}`).join('\n')}`).toBe(true);
    return last;
  }

  it('fires once and resolves once per episode across kill -9 of the owner, a standby taking over and a restart; late states fire at once', { timeout: 240_000 }, async () => {
    const t0 = Date.now();
    const owner = spawnEvaluator(pipeline.env, 'owner');
    children.push(owner);
    expect(await waitFor(async () => restoredTimes(owner) >= 1, 60_000), `the first instance owns the evaluation\n${owner.log.join('').slice(-3_000)}`).toBe(true);
    const standby = spawnEvaluator(pipeline.env, 'standby');
    children.push(standby);
    expect(await waitFor(async () => standby.log.join('').includes('alert evaluator started'), 60_000), `the standby started\n${standby.log.join('').slice(-3_000)}`).toBe(true);

    // u1 enters Wrap now (fires on the clock after WRAP_MS); u2's Lunch started 10 minutes ago (late: fires at once)
    await state('u1', { handlingStatus: 'Wrap', handlingStatusSince: t0 });
    await state('u2', { userStatus: 'NotReady', profile: 'Lunch', userStatusSince: t0 - 600_000 });
    const late = await until('u2\'s late Lunch fires', (all) => all.some((t) => t.agentId === 'u2' && t.status === 'firing'), 20_000);
    expect(late.filter((t) => t.agentId === 'u1')).toEqual([]);
    expect(standingBy(standby), 'the standby evaluates nothing while the owner lives').toBe(true);

    // kill -9 the owner while u1's Wrap is pending: the standby takes over, restores, and fires u1 on its clock, once
    owner.child.kill('SIGKILL');
    await owner.exited;
    const fired = await until('u1\'s Wrap fires after the takeover', (all) => all.some((t) => t.agentId === 'u1' && t.status === 'firing'));
    expect(restoredTimes(standby)).toBeGreaterThanOrEqual(1);
    expect(fired.find((t) => t.agentId === 'u1')).toMatchObject({ id: `${TENANT}/wrap-long/u1/${t0}`, since: t0, ruleId: 'wrap-long', handlingStatus: 'Wrap' });
    expect(fired.find((t) => t.agentId === 'u1')!.firedAt).toBeGreaterThan(t0 + WRAP_MS);

    // a restarted instance joins as the standby now; both episodes end; then kill -9 the new owner
    const port = await freePort();
    const restarted = spawnEvaluator(pipeline.env, 'restarted', port);
    children.push(restarted);
    await state('u1', { handlingStatus: 'Waiting', handlingStatusSince: Date.now() });
    await state('u2', { userStatus: 'Ready', profile: null, userStatusSince: Date.now() });
    await until('both episodes resolve', (all) => all.filter((t) => t.status === 'resolved').length >= 2);
    standby.child.kill('SIGKILL');
    await standby.exited;

    // a new Wrap episode of u1 after the second kill: the restarted instance takes over and fires it once
    const t1 = Date.now();
    await state('u1', { handlingStatus: 'Wrap', handlingStatusSince: t1, asOf: t1 });
    await until('u1\'s second Wrap fires', (all) => all.some((t) => t.id === `${TENANT}/wrap-long/u1/${t1}`));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const all = await alerts();
    expect(statusesById(all)).toEqual({
      [`${TENANT}/lunch-long/u2/${t0 - 600_000}`]: 'firing,resolved',
      [`${TENANT}/wrap-long/u1/${t0}`]: 'firing,resolved',
      [`${TENANT}/wrap-long/u1/${t1}`]: 'firing',
    });
    expect(restoredTimes(restarted)).toBeGreaterThanOrEqual(1);
    // its operations endpoint: ready as the owner, and the metrics say what it did
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { evaluator: 'ok', 'redis-sink': 'ok' } }]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^agent_timelines_alerts_owner 1$/m);
    expect(metrics).toMatch(new RegExp(`^agent_timelines_alerts_firing\\{tenant="${TENANT}"\\} 1$`, 'm'));
    expect(metrics).toMatch(/^agent_timelines_alerts_transitions_total\{status="firing"\} [1-9]/m);
    for (const t of all.filter((x) => x.status === 'resolved')) expect(t.resolvedAt).toBeGreaterThanOrEqual(t.firedAt);
    // the alert sink of the same processes: only the open episode is firing in Redis
    const firingKey = storeKeys(pipeline.config.redis.keyPrefix).firingAlerts(TENANT);
    expect(await waitFor(async () => (await pipeline.redis.hkeys(firingKey)).join() === `${TENANT}/wrap-long/u1/${t1}`, 30_000, 300), `Redis firing alerts: ${JSON.stringify(await pipeline.redis.hkeys(firingKey))}`).toBe(true);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });

  it('produces every transition exactly once while the only instance is killed with SIGKILL every few seconds amid state churn', { timeout: 300_000 }, async () => {
    const agents = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const episodes: { agent: string; since: number; end: number }[] = [];
    let current = spawnEvaluator(pipeline.env, 'churn-0');
    children.push(current);
    expect(await waitFor(async () => restoredTimes(current) >= 1, 60_000), `the instance owns the evaluation\n${current.log.join('').slice(-3_000)}`).toBe(true);
    const random = ((seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648))(14);
    const churnUntil = Date.now() + 40_000;
    let kills = 0;
    const killer = (async () => {
      while (Date.now() < churnUntil - 4_000) {
        await new Promise((resolve) => setTimeout(resolve, 2_500 + random() * 3_000));
        current.child.kill('SIGKILL');
        await current.exited;
        kills++;
        current = spawnEvaluator(pipeline.env, `churn-${kills}`);
        children.push(current);
      }
    })();
    const inWrap = new Map<string, number>();
    while (Date.now() < churnUntil) {
      const agent = agents[Math.floor(random() * agents.length)]!;
      const now = Date.now();
      const since = inWrap.get(agent);
      if (since === undefined) {
        inWrap.set(agent, now);
        await state(agent, { handlingStatus: 'Wrap', handlingStatusSince: now }, 'churn');
      } else {
        inWrap.delete(agent);
        episodes.push({ agent, since, end: now });
        await state(agent, { handlingStatus: 'Waiting', handlingStatusSince: now }, 'churn');
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + random() * 900));
    }
    await killer;
    for (const [agent, since] of inWrap) {
      const now = Date.now();
      episodes.push({ agent, since, end: now });
      await state(agent, { handlingStatus: 'Waiting', handlingStatusSince: now }, 'churn');
    }
    const ids = new Map(episodes.map((e) => [`churn/wrap-short/${e.agent}/${e.since}`, e]));
    const long = episodes.filter((e) => e.end - e.since > 1_500 + SLACK_MS).map((e) => `churn/wrap-short/${e.agent}/${e.since}`);
    const resolvedAll = (all: AlertTransition[]): boolean => {
      const churn = all.filter((t) => t.tenant === 'churn');
      return long.every((id) => churn.some((t) => t.id === id)) && churn.filter((t) => t.status === 'firing').every((f) => churn.some((t) => t.id === f.id && t.status === 'resolved'));
    };
    const final = await until('every long episode has fired and every fired one resolved', resolvedAll, 90_000).catch(async (error: unknown) => {
      const seen = new Set((await alerts()).map((t) => t.id));
      throw new Error(`long episodes that did not fire: ${JSON.stringify(long.filter((id) => !seen.has(id)).map((id) => ids.get(id)))}\n${String(error)}`);
    });
    expect(final.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const churn = (await alerts()).filter((t) => t.tenant === 'churn');
    const byId = statusesById(churn);
    expect(Object.values(byId).filter((statuses) => statuses !== 'firing,resolved'), JSON.stringify(byId)).toEqual([]);
    expect(Object.keys(byId).filter((id) => !ids.has(id))).toEqual([]);
    expect(long.filter((id) => byId[id] === undefined)).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(long.length).toBeGreaterThanOrEqual(5);
    // the alert sink ran in the same killed processes: the board's feed holds each transition once, in order, and nothing fires
    const keys = storeKeys(pipeline.config.redis.keyPrefix);
    const fed = async (): Promise<AlertTransition[]> => (await pipeline.redis.xrange(keys.changes('churn'), '-', '+')).flatMap(([, fields]) => (fields[0] === 'alert' ? [JSON.parse(fields[1]!) as AlertTransition] : []));
    expect(await waitFor(async () => (await fed()).length >= churn.length, 30_000, 300), 'the sink caught up').toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(statusesById(await fed())).toEqual(byId);
    expect(await pipeline.redis.hlen(keys.firingAlerts('churn'))).toBe(0);
    process.stdout.write(`churn: ${episodes.length} Wrap episodes, ${long.length} longer than threshold + slack, ${Object.keys(byId).length} fired, ${kills} kill -9\n`);
    current.child.kill('SIGTERM');
    expect(await current.exited).toBe(0);
  });
});

import { METRIC_FIELDS } from '../../src/core/statistic/agent-statistic-fields.ts';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import type { SegmentRow } from '../../src/state/store-types.ts';
import { readCommittedToEnd } from '../../src/ingest/read-committed.ts';
import { physicalTopicName } from '../../src/topology/load-topology.ts';
import { fetchPartitionOffsets } from '../../src/processor/topic-offsets.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { ProcessorInstance } from '../../src/processor/processor-instance.ts';
import type { QuarterHourRow } from '../../src/state/store-types.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { requireServices } from '../support/services.ts';
import { generateRawHistory } from './support/raw-history.ts';
import {
  comparable, createTestPipeline, expectSameRows, expectedRows, maxChangeTime, produceRaw, publishWatermark, readQuarterHours, redisMatches, TENANT, waitFor,
  watermarkApplied,
} from './support/pipeline.ts';
import type { TestPipeline } from './support/pipeline.ts';
import { committedReached } from './support/topic-checks.ts';
import { publishEvoWindow } from './support/evo-voice-raw.ts';
import type { EvoRow } from './support/evo-voice-raw.ts';

const MIN = 60_000;
const EVO_TENANT = 'evo-acme';
/** 2026-11-29T08:00:00Z. The rows render their times in Europe/Helsinki (+02:00), as the workbook does. */
const T8 = Date.UTC(2026, 10, 29, 8);
const HOUR = 60 * MIN;

/** Evo Voice agent ids are the endpoints' 24-hex ObjectIds. */
const A1 = '6571a1b2c3d4e5f601234567';
const A2 = '6571a1b2c3d4e5f60123456a';
const row = (agentId: string, state: string, start: number, reason: string | null = null): EvoRow => ({ agentId, agentName: agentId === A1 ? 'Ada Lovelace' : 'Alan Turing', state, reason, start });

/** Window [08:00, 09:00): the rows that start in it, sorted by start then agent (as the workbook is). */
const WINDOW_1: readonly EvoRow[] = [
  row(A1, 'Ready', T8 + 5 * MIN),
  row(A2, 'Ready', T8 + 10 * MIN),
  row(A1, 'Outgoing', T8 + 12 * MIN),
  row(A1, 'WrapUp', T8 + 20 * MIN + 30_000),
  row(A1, 'NotReady', T8 + 22 * MIN, 'MissedCall'),
  row(A1, 'LoggedOut', T8 + 40 * MIN, 'SetByUser'),
  row(A2, 'Outgoing', T8 + 50 * MIN),
  row(A2, 'LoggedOut', T8 + 55 * MIN, 'SetByUser'),
];
/** Window [09:00, 10:00). */
const WINDOW_2: readonly EvoRow[] = [row(A1, 'Ready', T8 + HOUR), row(A1, 'LoggedOut', T8 + 90 * MIN, 'SetByUser')];

const publishWindow = (pipeline: TestPipeline, rows: readonly EvoRow[], windowStart: number): Promise<void> => publishEvoWindow(pipeline, EVO_TENANT, rows, windowStart);

const evoApplied = async (pipeline: TestPipeline, watermark: number): Promise<boolean> => {
  const { upTo } = await pipeline.reader.getWatermark(EVO_TENANT);
  return upTo !== null && upTo >= watermark;
};

/**
 * True once the Evo processor's group has committed its input up to the raw topic's end. A batch that applies no new
 * watermark (here: a window published again) is committed up to PROCESSOR_COMMIT_INTERVAL_MS later, and a processor
 * stopped before that reads it again after its restart (docs/processor.md, Commits).
 */
async function evoCommittedAll(pipeline: TestPipeline): Promise<boolean> {
  const evoRaw = physicalTopicName(pipeline.config.topicPrefix, 'raw.evovoice.agent-states');
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    const ends = new Map((await fetchPartitionOffsets(admin, evoRaw)).map(({ partition, high }) => [partition, high]));
    return await committedReached(admin, `${pipeline.id}.evo-voice`, evoRaw, ends);
  } finally {
    await admin.disconnect();
  }
}

const EVO_KNOWN: ReadonlySet<string> = new Set(['servingDuration', 'readyDuration', 'notReadyDuration', 'afterworkDuration', 'callOutDuration', 'countOfHandledCallOut']);

/** The known Evo Voice fields of a quarter-hour row (docs/vendors/evo-voice-contract.md): `userId|intervalStart` → values. */
function knownFields(rows: Iterable<QuarterHourRow>): Map<string, Record<string, number | string | null>> {
  const out = new Map<string, Record<string, number | string | null>>();
  for (const r of rows) {
    if (r.tenant !== EVO_TENANT) continue;
    out.set(`${r.userId}|${new Date(r.intervalStart).toISOString()}`, {
      userName: r.userName, servingDuration: r.servingDuration, readyDuration: r.readyDuration, notReadyDuration: r.notReadyDuration, afterworkDuration: r.afterworkDuration,
      callOutDuration: r.callOutDuration, countOfHandledCallOut: r.countOfHandledCallOut, maxChangeTimestamp: new Date(r.maxChangeTimestamp).toISOString(), final: String(r.final),
      source: r.source, unknownFields: METRIC_FIELDS.filter((f) => !EVO_KNOWN.has(f) && r[f] !== null).join(',') || 'all null',
    });
  }
  return out;
}

const q = (userName: string, serving: number, ready: number, notReady: number, afterwork: number, callOut: number, calls: number, maxChange: number) => ({
  userName, servingDuration: serving, readyDuration: ready, notReadyDuration: notReady, afterworkDuration: afterwork, callOutDuration: callOut, countOfHandledCallOut: calls,
  maxChangeTimestamp: new Date(maxChange).toISOString(), final: 'true', source: 'evo-voice', unknownFields: 'all null',
});
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Computed by hand from WINDOW_1 and WINDOW_2 (each row lasts until the agent's next row; LoggedOut counts nothing):
 * A1 Ready 08:05–08:12, Outgoing 08:12–08:20:30 (one call, ends in the 08:15 quarter), WrapUp –08:22, NotReady
 * (MissedCall) –08:40, logged out –09:00, Ready 09:00–09:30. A2 Ready 08:10–08:50, Outgoing 08:50–08:55.
 */
const EXPECTED_QUARTER_HOURS = new Map([
  [`${A1}|${iso(T8)}`, q('Ada Lovelace', 10 * MIN, 10 * MIN, 0, 0, 3 * MIN, 0, T8 + 12 * MIN)],
  [`${A1}|${iso(T8 + 15 * MIN)}`, q('Ada Lovelace', 15 * MIN, 7 * MIN, 8 * MIN, 90_000, 330_000, 1, T8 + 22 * MIN)],
  [`${A1}|${iso(T8 + 30 * MIN)}`, q('Ada Lovelace', 10 * MIN, 0, 10 * MIN, 0, 0, 0, T8 + 40 * MIN)],
  [`${A1}|${iso(T8 + 60 * MIN)}`, q('Ada Lovelace', 15 * MIN, 15 * MIN, 0, 0, 0, 0, T8 + 60 * MIN)],
  [`${A1}|${iso(T8 + 75 * MIN)}`, q('Ada Lovelace', 15 * MIN, 15 * MIN, 0, 0, 0, 0, T8 + 60 * MIN)],
  [`${A2}|${iso(T8)}`, q('Alan Turing', 5 * MIN, 5 * MIN, 0, 0, 0, 0, T8 + 10 * MIN)],
  [`${A2}|${iso(T8 + 15 * MIN)}`, q('Alan Turing', 15 * MIN, 15 * MIN, 0, 0, 0, 0, T8 + 10 * MIN)],
  [`${A2}|${iso(T8 + 30 * MIN)}`, q('Alan Turing', 15 * MIN, 15 * MIN, 0, 0, 0, 0, T8 + 10 * MIN)],
  [`${A2}|${iso(T8 + 45 * MIN)}`, q('Alan Turing', 10 * MIN, 10 * MIN, 0, 0, 5 * MIN, 1, T8 + 55 * MIN)],
]);

const segment = (start: number, end: number, userStatus: string, handlingStatus: string, profile: string | null = null) => ({ start: iso(start), end: iso(end), userStatus, handlingStatus, profile });
const EXPECTED_SEGMENTS: Record<string, ReturnType<typeof segment>[]> = {
  [A1]: [
    segment(T8 + 5 * MIN, T8 + 12 * MIN, 'Ready', 'Waiting'),
    segment(T8 + 12 * MIN, T8 + 20 * MIN + 30_000, 'Ready', 'Talking_Outbound'),
    segment(T8 + 20 * MIN + 30_000, T8 + 22 * MIN, 'Ready', 'Wrap'),
    segment(T8 + 22 * MIN, T8 + 40 * MIN, 'NotReady', 'Waiting', 'MissedCall'),
    segment(T8 + 60 * MIN, T8 + 90 * MIN, 'Ready', 'Waiting'),
  ],
  [A2]: [segment(T8 + 10 * MIN, T8 + 50 * MIN, 'Ready', 'Waiting'), segment(T8 + 50 * MIN, T8 + 55 * MIN, 'Ready', 'Talking_Outbound')],
};

/**
 * What is wrong with the shared changelog: a record of one source's input topic holding another source's tenant, or
 * an input partition with records whose state has no live `partition` entry (deleted by the other source's processor).
 */
async function changelogProblems(pipeline: TestPipeline): Promise<string[]> {
  const sinchRaw = pipeline.topics.raw;
  const evoRaw = physicalTopicName(pipeline.config.topicPrefix, 'raw.evovoice.agent-states');
  const tenants: Record<string, string> = { [sinchRaw]: TENANT, [evoRaw]: EVO_TENANT };
  const live = new Map<string, { inputTopic: string; tenant: string; entryKind: string } | null>();
  await readCommittedToEnd(pipeline.kafka, pipeline.topics.changelog, async (message) => {
    const key = message.key?.toString('utf8') ?? '';
    live.set(key, message.value === null || message.value.length === 0 ? null : await pipeline.serde.decode(message.value));
  });
  const problems: string[] = [];
  const positions = new Set<string>();
  for (const [key, value] of live) {
    if (value === null) continue;
    if (value.tenant !== '' && value.tenant !== tenants[value.inputTopic]) problems.push(`${key} holds tenant ${value.tenant}`);
    if (value.entryKind === 'partition') positions.add(key.split('|').slice(0, 2).join('|'));
  }
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    for (const topic of [sinchRaw, evoRaw]) {
      for (const { partition, high } of await fetchPartitionOffsets(admin, topic)) {
        if (high > 0 && !positions.has(`${topic}|${partition}`)) problems.push(`${topic} partition ${partition} has no live position`);
      }
    }
  } finally {
    await admin.disconnect();
  }
  return problems;
}

const segmentView = (s: Pick<SegmentRow, 'start' | 'end' | 'userStatus' | 'handlingStatus' | 'profile'>) => ({ start: iso(s.start), end: iso(s.end), userStatus: s.userStatus, handlingStatus: s.handlingStatus, profile: s.profile ?? null });

/**
 * Evo Voice rows through the same processor machinery as Sinch, on the real stack: a Sinch processor (with the Redis
 * sink) and an Evo Voice processor run side by side on one topic prefix, sharing the output topics, the changelog
 * topic and Redis. Both are stopped and restarted from the shared changelog between the two report windows, and the
 * first window is published twice (a re-run report). The Evo outputs on out.agent-statistic-quarter-hour,
 * out.timeline-segments, out.agent-state and in Redis equal the hand-computed day; the Sinch outputs still equal the
 * batch replay.
 */
describe('Evo Voice source: rows and watermarks in, the hand-computed day out', () => {
  let pipeline: TestPipeline;
  const instances: ProcessorInstance[] = [];
  const logger = createLogger('warn');
  const sinchRecords = generateRawHistory({ seed: 11, agents: 6, start: Date.UTC(2024, 0, 10, 8), spanMs: 2 * HOUR });
  const sinchHalf = Math.ceil(sinchRecords.length / 2);
  const sinchFinal = maxChangeTime(sinchRecords) + HOUR;

  const start = async (): Promise<void> => {
    const config = pipeline.config;
    instances.push(await startProcessorInstance(config, processorSource(config, 'sinch-rai'), logger));
    instances.push(await startProcessorInstance(config, processorSource(config, 'evo-voice'), logger, { redisSink: false }));
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(instances.splice(0).map((instance) => instance.stop()));
  };

  beforeAll(async () => {
    pipeline = await createTestPipeline(await requireServices(), { PROCESSOR_SOURCES: 'sinch-rai,evo-voice' });
    await start();
  });
  afterAll(async () => {
    await stopAll();
    await pipeline?.close();
  });

  it('computes the Evo Voice day on every output and keeps Sinch exact beside it', async () => {
    expect(pipeline.config.processor.sources).toEqual([
      { id: 'sinch-rai', groupId: pipeline.id },
      { id: 'evo-voice', groupId: `${pipeline.id}.evo-voice` },
    ]);
    await produceRaw(pipeline, sinchRecords.slice(0, sinchHalf));
    await publishWatermark(pipeline, maxChangeTime(sinchRecords.slice(0, sinchHalf)));
    await publishWindow(pipeline, WINDOW_1, T8);
    await publishWindow(pipeline, WINDOW_1, T8);
    expect(await waitFor(() => evoApplied(pipeline, T8 + HOUR), 60_000), 'the Evo processor applied the first window').toBe(true);
    expect(await waitFor(() => watermarkApplied(pipeline, maxChangeTime(sinchRecords.slice(0, sinchHalf))), 60_000), 'the Sinch processor applied its first watermark').toBe(true);
    expect(await waitFor(() => evoCommittedAll(pipeline), 30_000), 'the Evo processor committed the repeated window').toBe(true);

    await stopAll();
    await start();
    await publishWindow(pipeline, WINDOW_2, T8 + HOUR);
    await produceRaw(pipeline, sinchRecords.slice(sinchHalf));
    await publishWatermark(pipeline, sinchFinal);
    expect(await waitFor(() => evoApplied(pipeline, T8 + 2 * HOUR), 60_000), 'the Evo processor applied the second window after its restart').toBe(true);
    expect(await waitFor(() => watermarkApplied(pipeline, sinchFinal), 60_000), 'the Sinch processor applied its final watermark').toBe(true);

    const topic = await readQuarterHours(pipeline);
    expect(Object.fromEntries(knownFields(topic.latest.values()))).toEqual(Object.fromEntries(EXPECTED_QUARTER_HOURS));
    expect(topic.duplicateRevisions).toBe(0);

    const segments: Record<string, ReturnType<typeof segmentView>[]> = { [A1]: [], [A2]: [] };
    const states = new Map<string, Record<string, unknown>>();
    await readCommittedToEnd(pipeline.kafka, pipeline.topics.segments, async (message) => {
      const value = await pipeline.serde.decode<SegmentRow & { tenant: string }>(message.value!);
      if (value.tenant === EVO_TENANT) segments[value.userId]?.push(segmentView(value));
    });
    await readCommittedToEnd(pipeline.kafka, pipeline.topics.agentState, async (message) => {
      const value = await pipeline.serde.decode<Record<string, unknown>>(message.value!);
      if (value['tenant'] === EVO_TENANT) states.set(String(value['userId']), value);
    });
    for (const list of Object.values(segments)) list.sort((a, b) => (a.start < b.start ? -1 : 1));
    expect(segments).toEqual(EXPECTED_SEGMENTS);
    expect(states.get(A1)).toMatchObject({ loggedIn: false, userStatus: 'LoggedOut', userStatusSince: T8 + 90 * MIN, sessionId: `${A1}|${T8 + 90 * MIN}` });
    expect(states.get(A2)).toMatchObject({ loggedIn: false, userStatus: 'LoggedOut', userStatusSince: T8 + 55 * MIN, sessionId: `${A2}|${T8 + 55 * MIN}` });

    const redisRows = async () => knownFields(await pipeline.reader.listQuarterHours({ tenant: EVO_TENANT, from: 0, to: 8.64e15 }));
    await waitFor(async () => (await redisRows()).size === EXPECTED_QUARTER_HOURS.size, 30_000);
    expect(Object.fromEntries(await redisRows())).toEqual(Object.fromEntries(EXPECTED_QUARTER_HOURS));
    // segments and states come from their own topics, which the sink may not have reached yet when the rows match
    const redisTimeline = async (agent: string) => (await pipeline.reader.getTimeline(EVO_TENANT, agent, T8, T8 + 3 * HOUR)).map(segmentView);
    await waitFor(async () => {
      const states = await pipeline.reader.getAgentStates(EVO_TENANT);
      const timelines = [JSON.stringify(await redisTimeline(A1)), JSON.stringify(await redisTimeline(A2))];
      return states.length === 2 && states.every((state) => !state.loggedIn) && timelines[0] === JSON.stringify(EXPECTED_SEGMENTS[A1]) && timelines[1] === JSON.stringify(EXPECTED_SEGMENTS[A2]);
    }, 30_000);
    for (const agent of [A1, A2]) {
      expect((await pipeline.reader.getTimeline(EVO_TENANT, agent, T8, T8 + 3 * HOUR)).map(segmentView)).toEqual(EXPECTED_SEGMENTS[agent]);
    }
    const redisStates = await pipeline.reader.getAgentStates(EVO_TENANT);
    expect(redisStates.map((s) => [s.userId, s.loggedIn, s.userStatusSince]).sort()).toEqual([[A1, false, T8 + 90 * MIN], [A2, false, T8 + 55 * MIN]]);

    const app = buildServer({ reader: pipeline.reader, clock: () => T8 + 3 * HOUR, probes: [], registry: new Registry(), logger, tenant: TENANT, allowedLatenessMs: 120_000, collectDefaultMetrics: false });
    try {
      const timeline = await app.inject(`/agents/${A1}/timeline?tenant=${EVO_TENANT}&startTime=${iso(T8)}&endTime=${iso(T8 + 3 * HOUR)}`);
      expect(timeline.statusCode).toBe(200);
      const answer = timeline.json() as { userId: string; userName: string; segments: { start: string; end: string; userStatus: string; handlingStatus: string; profile: string | null }[] };
      expect([answer.userId, answer.userName]).toEqual([A1, 'Ada Lovelace']);
      expect(answer.segments.map((x) => ({ start: x.start, end: x.end, userStatus: x.userStatus, handlingStatus: x.handlingStatus, profile: x.profile }))).toEqual(EXPECTED_SEGMENTS[A1]);
      const statistic = await app.inject(`/agentStatistic?tenant=${EVO_TENANT}&userId=${A2}&startTime=${iso(T8)}&endTime=${iso(T8 + HOUR)}&sort=intervalStart`);
      expect(statistic.statusCode).toBe(200);
      expect((statistic.json() as { userId: string; intervalStart: string; servingDuration: number; countOfHandledCallOut: number }[]).map((r) => [r.userId, r.intervalStart, r.servingDuration, r.countOfHandledCallOut])).toEqual([
        [A2, iso(T8), 5 * MIN, 0], [A2, iso(T8 + 15 * MIN), 15 * MIN, 0], [A2, iso(T8 + 30 * MIN), 15 * MIN, 0], [A2, iso(T8 + 45 * MIN), 10 * MIN, 1],
      ]);
      const status = await app.inject(`/agentStatus?tenant=${EVO_TENANT}&userId=${A1},${A2}`);
      expect((status.json() as { userId: string }[]).map((r) => r.userId).sort()).toEqual([A1, A2]);
    } finally {
      await app.close();
    }

    const expectedSinch = expectedRows(sinchRecords, sinchFinal);
    expectSameRows(comparable([...topic.latest.values()].filter((r) => r.tenant === TENANT)), expectedSinch, 'Sinch rows on the output topic');
    expect(await waitFor(() => redisMatches(pipeline, expectedSinch), 30_000), 'Sinch rows in Redis').toBe(true);
    expect(await changelogProblems(pipeline)).toEqual([]);
    const evo = instances[1]!.processor.metrics;
    expect(evo.total('records_consumed')).toBe(WINDOW_2.length);
    expect(evo.total('records_dead_lettered')).toBe(0);
  });
});

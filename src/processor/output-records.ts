import type { EngineEmission, QuarterHourEmission } from '../core/engine/engine-types.ts';
import { sourceProfile } from '../core/source/source-profiles.ts';
import type { CurrentAgentState } from '../core/timeline/current-agent-state.ts';
import type { TimelineSegment } from '../core/timeline/timeline-segment.ts';
import type { ErrorCode } from '../errors/agent-timelines-error.ts';
import type { ProcessorTopics } from './processor-topics.ts';

/** A record to send inside a partition transaction; `value` is an Avro value for the topic, or null (tombstone). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  /** Set for changelog records (changelog partition = input partition); otherwise the key decides. */
  readonly partition?: number;
}

export function quarterHourKey(row: Pick<QuarterHourEmission, 'tenant' | 'userId' | 'intervalStart'>): string {
  return `${row.tenant}|${row.userId}|${row.intervalStart}`;
}

/** schemas/agent-statistic-quarter-hour.avsc (metrics already published: null where the source cannot supply them). */
export function quarterHourValue(window: QuarterHourEmission): Record<string, unknown> {
  return {
    tenant: window.tenant,
    source: window.source,
    userId: window.userId,
    userName: window.userName,
    intervalStart: window.intervalStart,
    intervalEnd: window.intervalEnd,
    revision: window.revision,
    status: window.status,
    final: window.status !== 'provisional',
    ...window.metrics,
    maxChangeTimestamp: window.maxChangeTimestamp,
    extraFields: window.extras ?? {},
    breakdown: window.breakdown.map((part) => ({ profile: part.profile, profileReason: part.profileReason, campaignId: part.campaignId, ...part.metrics })),
  };
}

/** schemas/timeline-segment.avsc */
export function segmentValue(segment: TimelineSegment): Record<string, unknown> {
  return {
    tenant: segment.tenant,
    source: segment.source,
    userId: segment.userId,
    userName: segment.userName,
    sessionId: segment.sessionId,
    start: segment.start,
    end: segment.end,
    userStatus: segment.userStatus,
    handlingStatus: segment.handlingStatus,
    profile: segment.profile ?? null,
    profileReason: segment.profileReason ?? null,
    profileType: segment.profileType ?? null,
    campaignId: segment.campaignId ?? null,
    revision: segment.revision,
    sampled: sourceProfile(segment.source).timeline === 'sampled',
  };
}

/** schemas/current-agent-state.avsc */
export function agentStateValue(state: CurrentAgentState): Record<string, unknown> {
  return {
    tenant: state.tenant,
    source: state.source,
    userId: state.userId,
    userName: state.userName,
    sessionId: state.sessionId,
    loggedIn: state.loggedIn,
    userStatus: state.userStatus,
    handlingStatus: state.handlingStatus,
    profile: state.profile ?? null,
    profileReason: state.profileReason ?? null,
    campaignId: state.campaignId ?? null,
    userStatusSince: state.userStatusSince,
    handlingStatusSince: state.handlingStatusSince,
    asOf: state.asOf,
    sampled: sourceProfile(state.source).timeline === 'sampled',
  };
}

/** Maps engine emissions onto the three output topics. */
export function emissionRecords(topics: ProcessorTopics, emissions: readonly EngineEmission[]): OutgoingRecord[] {
  return emissions.map((emission): OutgoingRecord => {
    switch (emission.type) {
      case 'window':
        return { topic: topics.quarterHours, key: quarterHourKey(emission.window), value: quarterHourValue(emission.window) };
      case 'segment':
        return { topic: topics.segments, key: `${emission.segment.tenant}|${emission.segment.userId}`, value: segmentValue(emission.segment) };
      case 'agentState':
        return { topic: topics.agentState, key: `${emission.state.tenant}|${emission.state.userId}`, value: agentStateValue(emission.state) };
    }
  });
}

/** Where a dead-lettered input record came from, and its original bytes. */
export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Original values above this are cut so the dead letter itself stays well below the broker's record limit. */
export const DEAD_LETTER_VALUE_LIMIT = 256 * 1024;

/** schemas/dead-letter.avsc, keyed sourceTopic|partition|offset. */
export function deadLetterRecord(topic: string, source: DeadLetterSource, problem: { errorCode: ErrorCode | string; reason: string }, failedAt: number): OutgoingRecord {
  const cut = source.value !== null && source.value.length > DEAD_LETTER_VALUE_LIMIT;
  return {
    topic,
    key: `${source.topic}|${source.partition}|${source.offset}`,
    value: {
      originalKey: source.key,
      originalValue: cut ? source.value!.subarray(0, DEAD_LETTER_VALUE_LIMIT) : source.value,
      sourceTopic: source.topic,
      sourcePartition: source.partition,
      sourceOffset: Number(source.offset),
      reason: cut ? `${problem.reason} (original value cut from ${source.value!.length} to ${DEAD_LETTER_VALUE_LIMIT} bytes)` : problem.reason,
      errorCode: problem.errorCode,
      retriable: false,
      failedAt,
      component: 'processor',
    },
  };
}

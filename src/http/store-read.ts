import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AnswerBasis } from '../state/answer-basis-read.ts';
import type { StoreCompleteness } from '../state/store-types.ts';
import { withMissingRows } from './completeness.ts';
import type { TimelineReader } from './server-deps.ts';

/**
 * Awaits a store read; any failure becomes a retriable SERVICE_UNAVAILABLE (answered 503). The client error's own
 * text (hosts, addresses) stays in its `cause`, which is logged, not answered.
 */
export async function storeRead<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (cause) {
    throw new AgentTimelinesError('SERVICE_UNAVAILABLE', 'the timeline store (Redis) could not be read', { cause });
  }
}

/**
 * The completeness of an answer read after `completeness` whose rows came with `missing` index entries gone. When the
 * store counted as complete, the find is news: it is reported (best effort) so the Redis sink rebuilds; while it is
 * already rebuilding, missing rows are expected and not reported again.
 */
export function answerCompleteness(reader: Pick<TimelineReader, 'reportMissingRows'>, completeness: StoreCompleteness, missing: number): StoreCompleteness {
  if (missing > 0 && completeness.incomplete === null && completeness.epoch !== null) reader.reportMissingRows(completeness.epoch).catch(() => undefined);
  return withMissingRows(completeness, missing);
}

/** The tenant's completeness and data revision, read together (one round trip with the Redis reader). */
export async function answerBasis(reader: Pick<TimelineReader, 'getCompleteness' | 'readDataRevision' | 'readAnswerBasis'>, tenant: string): Promise<AnswerBasis> {
  if (reader.readAnswerBasis !== undefined) return reader.readAnswerBasis(tenant);
  const [completeness, revision] = await Promise.all([reader.getCompleteness(tenant), reader.readDataRevision(tenant)]);
  return { completeness, revision };
}

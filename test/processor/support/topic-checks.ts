import type { QuarterHourRow } from '../../../src/state/store-types.ts';
import { readCommittedToEnd } from '../../../src/ingest/read-committed.ts';
import type { TestPipeline } from './pipeline.ts';

/**
 * Every committed revision of every quarter-hour key, in topic order (read_committed). Exactly-once means each key's
 * revisions are exactly 1, 2, …, n: a gap is a lost emission, a repeat is one counted twice.
 */
export async function revisionHistory(pipeline: TestPipeline): Promise<Map<string, number[]>> {
  const history = new Map<string, number[]>();
  await readCommittedToEnd(pipeline.kafka, pipeline.topics.quarterHours, async (message) => {
    if (message.value === null) return;
    const row = await pipeline.serde.decode<QuarterHourRow>(message.value);
    const key = `${row.userId}|${row.intervalStart}`;
    const revisions = history.get(key) ?? [];
    revisions.push(row.revision);
    history.set(key, revisions);
  });
  return history;
}

/** Keys whose revisions are not exactly 1..n in order. */
export function brokenRevisionSequences(history: Map<string, number[]>): string[] {
  const broken: string[] = [];
  for (const [key, revisions] of history) if (!revisions.every((revision, index) => revision === index + 1)) broken.push(`${key}: ${revisions.join(',')}`);
  return broken;
}

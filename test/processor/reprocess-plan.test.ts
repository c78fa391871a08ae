import { describe, expect, it } from 'vitest';
import type { QueuedRequest } from '../../src/processor/reprocess-plan.ts';
import { frozenBefore, planChunks, TriggerIndex } from '../../src/processor/reprocess-plan.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JAN1 = Date.UTC(2024, 0, 1);

function request(fields: Partial<QueuedRequest>): QueuedRequest {
  return {
    tenant: 't', userId: 'U1', sourceTopic: 'raw', sourcePartition: 2, firstOffset: 10, lastOffset: 20, tooLateBefore: JAN1 + 10 * DAY,
    eventFrom: JAN1 + 9 * HOUR, eventTo: JAN1 + 10 * HOUR, records: 3, requestedAt: 0, offset: 0, ...fields,
  };
}

const OPTIONS = { leadInMs: 6 * HOUR, chunkMs: DAY };

describe('frozenBefore', () => {
  it('is the last quarter-hour boundary strictly before the threshold', () => {
    expect(frozenBefore(JAN1 + 13 * HOUR + 58 * 60_000)).toBe(JAN1 + 13 * HOUR + 45 * 60_000);
    expect(frozenBefore(JAN1 + 14 * HOUR)).toBe(JAN1 + 13 * HOUR + 45 * 60_000);
    expect(frozenBefore(JAN1 + 14 * HOUR + 1)).toBe(JAN1 + 14 * HOUR);
  });
});

describe('planChunks', () => {
  it('covers the days from the first event to one lead-in after the last, capped at the live boundary', () => {
    const chunks = planChunks([request({ eventFrom: JAN1 + 9 * HOUR, eventTo: JAN1 + 2 * DAY + 10 * HOUR })], OPTIONS);
    expect(chunks.map((c) => [c.start, c.end])).toEqual([[JAN1, JAN1 + DAY], [JAN1 + DAY, JAN1 + 2 * DAY], [JAN1 + 2 * DAY, JAN1 + 3 * DAY]]);
    const capped = planChunks([request({ eventFrom: JAN1 + 9 * HOUR, eventTo: JAN1 + 10 * HOUR, tooLateBefore: JAN1 + 14 * HOUR })], OPTIONS);
    expect(capped.map((c) => [c.start, c.end])).toEqual([[JAN1, JAN1 + 13 * HOUR + 45 * 60_000]]);
  });

  it('reaches into the next day when the lead-in after the last event does, and back for an event at midnight', () => {
    expect(planChunks([request({ eventFrom: JAN1 + 20 * HOUR, eventTo: JAN1 + 20 * HOUR })], OPTIONS).map((c) => c.start)).toEqual([JAN1, JAN1 + DAY]);
    expect(planChunks([request({ eventFrom: JAN1 + DAY, eventTo: JAN1 + DAY + HOUR })], OPTIONS).map((c) => c.start)).toEqual([JAN1, JAN1 + DAY]);
  });

  it('merges the users of one tenant and raw partition per chunk and keeps partitions and tenants apart, sorted', () => {
    const chunks = planChunks(
      [
        request({ userId: 'U2', offset: 5 }),
        request({ userId: 'U1', offset: 3 }),
        request({ userId: 'U3', sourcePartition: 1, offset: 4 }),
        request({ userId: 'U4', tenant: 'a', offset: 6 }),
        request({ userId: 'U2', eventFrom: JAN1 + 3 * DAY + 9 * HOUR, eventTo: JAN1 + 3 * DAY + 9 * HOUR, offset: 7 }),
      ],
      OPTIONS,
    );
    expect(chunks.map((c) => [c.tenant, c.sourcePartition, c.start, c.users, c.request.offset])).toEqual([
      ['a', 2, JAN1, ['U4'], 6],
      ['t', 1, JAN1, ['U3'], 4],
      ['t', 2, JAN1, ['U1', 'U2'], 3],
      ['t', 2, JAN1 + 3 * DAY, ['U2'], 7],
    ]);
  });

  it('uses the latest boundary of the requests of a tenant and partition for all of them', () => {
    const chunks = planChunks([request({ tooLateBefore: JAN1 + 12 * HOUR }), request({ userId: 'U2', eventFrom: JAN1 + HOUR, eventTo: JAN1 + HOUR, tooLateBefore: JAN1 + 15 * HOUR })], OPTIONS);
    expect(chunks.map((c) => [c.start, c.end, c.users])).toEqual([[JAN1, JAN1 + 14 * HOUR + 45 * 60_000, ['U1', 'U2']]]);
  });

  it('plans nothing for requests whose windows the live engine still owns', () => {
    expect(planChunks([request({ eventFrom: JAN1 + 13 * HOUR + 50 * 60_000, eventTo: JAN1 + 13 * HOUR + 50 * 60_000, tooLateBefore: JAN1 + 13 * HOUR + 50 * 60_000 + 1 })], { ...OPTIONS, chunkMs: HOUR })).toEqual([
      expect.objectContaining({ start: JAN1 + 13 * HOUR, end: JAN1 + 13 * HOUR + 45 * 60_000 }),
    ]);
    expect(planChunks([request({ eventFrom: JAN1 + 14 * HOUR + 5 * 60_000, eventTo: JAN1 + 14 * HOUR + 5 * 60_000, tooLateBefore: JAN1 + 14 * HOUR + 10 * 60_000 })], { ...OPTIONS, chunkMs: 900_000 })).toEqual([
      expect.objectContaining({ start: JAN1 + 13 * HOUR + 45 * 60_000, end: JAN1 + 14 * HOUR }),
    ]);
  });
});

describe('TriggerIndex', () => {
  it('recognises exactly the records the live engine found too late', () => {
    const index = new TriggerIndex([request({ firstOffset: 10, lastOffset: 20, tooLateBefore: JAN1 + 10 * HOUR })]);
    const chunk = { tenant: 't', sourceTopic: 'raw', sourcePartition: 2 };
    expect(index.isTrigger(chunk, 'U1', 10, JAN1)).toBe(true);
    expect(index.isTrigger(chunk, 'U1', 20, JAN1 + 10 * HOUR - 1)).toBe(true);
    expect(index.isTrigger(chunk, 'U1', 21, JAN1)).toBe(false);
    expect(index.isTrigger(chunk, 'U1', 15, JAN1 + 10 * HOUR)).toBe(false);
    expect(index.isTrigger(chunk, 'U2', 15, JAN1)).toBe(false);
    expect(index.isTrigger({ ...chunk, sourcePartition: 3 }, 'U1', 15, JAN1)).toBe(false);
    expect(index.isTrigger({ ...chunk, tenant: 'u' }, 'U1', 15, JAN1)).toBe(false);
  });
});

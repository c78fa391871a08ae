import { describe, expect, it } from 'vitest';
import type { FeedBatch } from '../../../src/http/live/feed-hub.ts';
import { FeedHub } from '../../../src/http/live/feed-hub.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import type { BlockingFeedReader, FeedChange } from '../../../src/state/change-feed.ts';
import type { AgentStateRow } from '../../../src/state/store-types.ts';

const change = (n: number): FeedChange => ({ id: `${n}-0`, kind: 'agent', state: { userId: `u${n}` } as AgentStateRow });

/** A scripted feed: `reads` answers each blocking read in turn (an Error rejects), then reads wait until closed. */
function scriptedFeed(reads: (FeedChange[] | Error)[], options: { holds?: boolean; lastId?: string } = {}) {
  const opened: { closed: boolean; cursors: string[] }[] = [];
  return {
    opened,
    feed: {
      lastId: async () => options.lastId ?? '10-0',
      after: async () => ({ complete: false as const }),
      holdsAfter: async () => options.holds ?? true,
      openBlockingReader: () => {
        const reader = { closed: false, cursors: [] as string[] };
        opened.push(reader);
        let wake: (() => void) | undefined;
        return {
          read: async (_tenant: string, afterId: string) => {
            reader.cursors.push(afterId);
            const next = reads.shift();
            if (next instanceof Error) throw next;
            if (next !== undefined) return next;
            await new Promise<void>((resolve) => { wake = resolve; });
            throw new Error('closed');
          },
          close: () => {
            reader.closed = true;
            wake?.();
          },
        } as unknown as BlockingFeedReader;
      },
    },
  };
}

const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FeedHub', () => {
  it('runs one loop per tenant for all its subscribers: announces its start, delivers contiguous batches, stops with the last one', async () => {
    const { feed, opened } = scriptedFeed([[change(11), change(12)], [change(13)]]);
    const hub = new FeedHub(feed, createLogger('silent'));
    const a: FeedBatch[] = [];
    const b: FeedBatch[] = [];
    const leaveA = hub.subscribe('t', { deliver: (batch) => a.push(batch) });
    const leaveB = hub.subscribe('t', { deliver: (batch) => b.push(batch) });
    await settle();
    expect(opened).toHaveLength(1);
    expect(a.map((batch) => [batch.after, batch.changes.map((c) => c.id)])).toEqual([['10-0', []], ['10-0', ['11-0', '12-0']], ['12-0', ['13-0']]]);
    expect(b).toEqual(a);
    expect(opened[0]!.cursors).toEqual(['10-0', '12-0', '13-0']);
    leaveA();
    expect(opened[0]!.closed).toBe(false);
    leaveB();
    expect(opened[0]!.closed).toBe(true);
    expect(hub.tenants).toEqual([]);
  });

  it('retries a failed read from the same id, and reports a gap when a full read may have followed a trim', async () => {
    const { feed, opened } = scriptedFeed([new Error('connection lost'), [change(11), change(12)]], { holds: false });
    const hub = new FeedHub(feed, createLogger('silent'), { count: 2 });
    const got: FeedBatch[] = [];
    hub.subscribe('t', { deliver: (batch) => got.push(batch) });
    await settle(400);
    expect(opened[0]!.cursors.slice(0, 2)).toEqual(['10-0', '10-0']);
    expect(got.at(-1)).toMatchObject({ after: '10-0', gap: true });
    await hub.close();
    expect(opened[0]!.closed).toBe(true);
    expect(() => hub.subscribe('t', { deliver: () => undefined })).toThrow(/closed/);
  });
});

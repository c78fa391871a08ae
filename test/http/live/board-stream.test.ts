import { describe, expect, it } from 'vitest';
import { BoardStream } from '../../../src/http/live/board-stream.ts';
import type { ChangeFeedSource } from '../../../src/http/live/feed-hub.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import type { FeedChange } from '../../../src/state/change-feed.ts';
import type { AgentStateRow } from '../../../src/state/store-types.ts';
import { canResume, compareStreamIds } from '../../../src/state/stream-ids.ts';

const state = (userId: string, asOf: number): AgentStateRow => ({
  tenant: 't', source: 'sinch-rai', userId, userName: userId, sessionId: 's', loggedIn: true, userStatus: 'Ready', handlingStatus: 'Waiting',
  profile: null, profileReason: null, campaignId: null, userStatusSince: asOf, handlingStatusSince: asOf, asOf,
});

/** An in-memory feed: entries `n-0` for n = 1..; `trimmedUpTo` entries are gone. */
function memoryFeed(count: number, trimmedUpTo = 0): ChangeFeedSource & { entries: FeedChange[] } {
  const entries = Array.from({ length: count }, (_, i) => ({ id: `${i + 1}-0`, kind: 'agent' as const, state: state(`u${i + 1}`, i + 1) }));
  const bounds = () => ({ firstId: entries.find((e) => Number(e.id.split('-')[0]) > trimmedUpTo)?.id ?? null, lastGeneratedId: entries.at(-1)?.id ?? '0-0', maxDeletedId: trimmedUpTo === 0 ? '0-0' : `${trimmedUpTo}-0` });
  return {
    entries,
    lastId: async () => entries.at(-1)?.id ?? '0-0',
    after: async (_t, afterId, max) => {
      if (!canResume(afterId, bounds())) return { complete: false };
      const later = entries.filter((e) => compareStreamIds(e.id, afterId) > 0);
      return later.length > max ? { complete: false } : { complete: true, changes: later };
    },
    holdsAfter: async (_t, afterId) => canResume(afterId, bounds()),
    openBlockingReader: () => { throw new Error('not used'); },
  };
}

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string) => chunks.push(chunk) > 0, writableLength: 0, end: () => undefined };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const sent = (chunks: readonly string[]) => chunks.map((c) => `${/^event: (\w+)/.exec(c)?.[1]}${/\nid: (\S+)/.exec(c)?.[1] ?? ''}`.replace(/^(\w+)(\d)/, '$1 $2'));

describe('BoardStream', () => {
  it('fills the gap between its snapshot and a batch the loop read from further on, then sends each change once', async () => {
    const feed = memoryFeed(5);
    const out = sink();
    const stream = new BoardStream(out, 't', { feed, readStates: async () => [], clock: () => 0, logger: createLogger('silent') });
    stream.start(undefined);
    await settle();
    feed.entries.push({ id: '6-0', kind: 'agent' as const, state: state('u6', 6) }, { id: '7-0', kind: 'agent' as const, state: state('u7', 7) }, { id: '8-0', kind: 'agent' as const, state: state('u8', 8) });
    stream.deliver({ after: '7-0', changes: [feed.entries[7]!], gap: false });
    stream.deliver({ after: '8-0', changes: [], gap: false });
    stream.deliver({ after: '4-0', changes: [feed.entries[4]!, feed.entries[5]!], gap: false });
    await settle();
    expect(sent(out.chunks)).toEqual(['snapshot 5-0', 'agent 6-0', 'agent 7-0', 'agent 8-0']);
  });

  it('resumes after Last-Event-ID, or sends a snapshot when the feed no longer holds what follows it', async () => {
    const out = sink();
    new BoardStream(out, 't', { feed: memoryFeed(4), readStates: async () => [], clock: () => 0, logger: createLogger('silent') }).start('2-0');
    const trimmed = sink();
    new BoardStream(trimmed, 't', { feed: memoryFeed(4, 3), readStates: async () => [], clock: () => 0, logger: createLogger('silent') }).start('2-0');
    await settle();
    expect(sent(out.chunks)).toEqual(['agent 3-0', 'agent 4-0']);
    expect(sent(trimmed.chunks)).toEqual(['snapshot 4-0']);
  });

  it('starts again from a snapshot when the loop reports a gap', async () => {
    const feed = memoryFeed(3);
    const out = sink();
    const stream = new BoardStream(out, 't', { feed, readStates: async () => [], clock: () => 0, logger: createLogger('silent') });
    stream.start(undefined);
    await settle();
    feed.entries.push({ id: '9-0', kind: 'agent' as const, state: state('u9', 9) });
    stream.deliver({ after: '3-0', changes: [feed.entries[3]!], gap: true });
    await settle();
    expect(sent(out.chunks)).toEqual(['snapshot 3-0', 'snapshot 9-0']);
  });

  it('sends the firing alerts in its snapshot (null without an alert store) and each alert transition as an alert event', async () => {
    const alert = {
      id: 't/wrap-long/u1/1', status: 'firing' as const, tenant: 't', ruleId: 'wrap-long', ruleKind: 'state-duration' as const, agentId: 'u1', userName: 'u1',
      since: 1, firedAt: 121_001, resolvedAt: null, userStatus: 'Ready', handlingStatus: 'Wrap', reason: null, readyCount: null,
    };
    const feed = memoryFeed(2);
    const out = sink();
    const stream = new BoardStream(out, 't', { feed, readStates: async () => [], readAlerts: async () => [alert], clock: () => 0, logger: createLogger('silent') });
    stream.start(undefined);
    await settle();
    feed.entries.push({ id: '3-0', kind: 'alert', alert: { ...alert, status: 'resolved', resolvedAt: 180_000 } });
    stream.deliver({ after: '2-0', changes: [feed.entries[2]!], gap: false });
    await settle();
    expect(sent(out.chunks)).toEqual(['snapshot 2-0', 'alert 3-0']);
    const data = (chunk: string) => JSON.parse(/\ndata: (.*)\n/.exec(chunk)![1]!) as Record<string, unknown>;
    expect((data(out.chunks[0]!)['alerts'] as { id: string; since: string }[]).map((a) => [a.id, a.since])).toEqual([['t/wrap-long/u1/1', '1970-01-01T00:00:00.001Z']]);
    expect(data(out.chunks[1]!)['alert']).toMatchObject({ id: 't/wrap-long/u1/1', status: 'resolved', resolvedAt: '1970-01-01T00:03:00.000Z' });
    const bare = sink();
    new BoardStream(bare, 't', { feed, readStates: async () => [], clock: () => 0, logger: createLogger('silent') }).start(undefined);
    await settle();
    expect(data(bare.chunks[0]!)['alerts']).toBeNull();
  });
});

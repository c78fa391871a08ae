import { describe, expect, it } from 'vitest';
import { truthLine, truthNdjson } from '../../../src/core/truth/truth-line.ts';

describe('truth lines (the shared --export-truth format)', () => {
  it('formats an interval: keys in order, ISO UTC with milliseconds, an open end as null', () => {
    const closed = truthLine({ agentId: 'a1', agentName: 'Ann', start: Date.parse('2026-11-29T08:15:03.25Z'), end: Date.parse('2026-11-29T08:16:00Z'), presence: 'Ready', handling: 'Waiting' });
    const none = { profileId: null, profile: null, profileReason: null, campaignId: null };
    expect(closed).toEqual({ agentId: 'a1', agentName: 'Ann', start: '2026-11-29T08:15:03.250Z', end: '2026-11-29T08:16:00.000Z', presence: 'Ready', handling: 'Waiting', ...none });
    expect(Object.keys(closed)).toEqual(['agentId', 'agentName', 'start', 'end', 'presence', 'handling', 'profileId', 'profile', 'profileReason', 'campaignId']);
    const open = truthLine({ agentId: 'a1', agentName: 'Ann', start: 0, end: null, presence: null, handling: null });
    expect(open).toEqual({ agentId: 'a1', agentName: 'Ann', start: '1970-01-01T00:00:00.000Z', end: null, presence: null, handling: null, ...none });
    const dims = { profileId: 'p1', profile: 'Lunch', profileReason: 'LUNCH', campaignId: 'c1' };
    expect(truthLine({ agentId: 'a1', agentName: 'Ann', start: 0, end: 1, presence: 'Pause', handling: 'Waiting', ...dims })).toMatchObject(dims);
  });

  it('writes one JSON object per line, each ending in a newline', () => {
    const lines = [truthLine({ agentId: 'a', agentName: 'A', start: 0, end: 1, presence: 'Pause', handling: null }), truthLine({ agentId: 'b', agentName: 'B', start: 1, end: null, presence: 'NotReady', handling: 'Wrap' })];
    const text = truthNdjson(lines);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(lines);
    expect(truthNdjson([])).toBe('');
  });
});

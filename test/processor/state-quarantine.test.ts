import { describe, expect, it } from 'vitest';
import { TimelineEngine } from '../../src/core/engine/timeline-engine.ts';
import { snapshotEntries } from '../../src/processor/state-entries.ts';
import { largestEntryBytes, oversizedEntries, quarantineSnapshot } from '../../src/processor/state-quarantine.ts';
import { flappingSession } from './support/flapping.ts';
import { sinchTimestamp } from './support/raw-history.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';

const HOUR = 3_600_000;
const START = Date.parse('2025-06-02T00:00:00.000Z');
const config = { allowedLatenessMs: 120_000, correctionHorizonMs: 6 * HOUR, tenant: 't' };

function engineWith(sessions: number): TimelineEngine {
  const engine = new TimelineEngine(config);
  for (let s = 0; s < sessions; s++) {
    for (const record of flappingSession({ userId: 'U1', sessionId: `S${s}`, start: START + s * 2 * HOUR, spanMs: 2 * HOUR, everyMs: 5_000 })) engine.ingestRecord(record, sinchAgentStatusHistoryAdapter);
  }
  for (const record of flappingSession({ userId: 'U2', sessionId: 'T0', start: START, spanMs: HOUR, everyMs: 60_000 })) engine.ingestRecord(record, sinchAgentStatusHistoryAdapter);
  engine.advanceWatermark(START + 5 * HOUR);
  return engine;
}

describe('quarantine of oversized state', () => {
  it('finds the user and session entries above the limit, measured in UTF-8 bytes', () => {
    const entries = snapshotEntries('t', engineWith(1).snapshot());
    const session = entries.find((e) => e.kind === 'session' && e.id === 'S0');
    const bytes = Buffer.byteLength(session?.json ?? '', 'utf8');
    expect(largestEntryBytes(entries)).toBe(bytes);
    expect(oversizedEntries(entries, bytes)).toEqual([]);
    expect(oversizedEntries(entries, bytes - 1)).toEqual([{ kind: 'session', id: 'S0', bytes }]);
  });

  it('drops and tombstones an oversized session; the rest of the engine goes on unchanged', () => {
    const engine = engineWith(2);
    const snapshot = engine.snapshot();
    const trimmed = quarantineSnapshot(snapshot, [{ kind: 'session', id: 'S1', bytes: 1 }]);
    expect(trimmed.sessions.map((s) => s.sessionId)).toEqual(['S0', 'T0']);
    expect(trimmed.tombstones.map(([id]) => id)).toContain('S1');
    expect(trimmed.users).toEqual(snapshot.users);
    const restored = TimelineEngine.restore(trimmed, config);
    const later = { sessionId: 'S1', userId: 'U1', userName: 'x', userStatus: 'Ready', userStatusTimestamp: sinchTimestamp(START + 5 * HOUR), changeTimestamp: sinchTimestamp(START + 5 * HOUR) };
    expect(restored.ingestRecord(later, sinchAgentStatusHistoryAdapter)).toBe('after-session-end');
    const other = { ...later, sessionId: 'T0', userId: 'U2' };
    expect(restored.ingestRecord(other, sinchAgentStatusHistoryAdapter)).toBe(engine.ingestRecord(other, sinchAgentStatusHistoryAdapter));
  });

  it('an oversized user loses its sessions and its marks, but keeps its windows and their revisions', () => {
    const snapshot = engineWith(2).snapshot();
    const trimmed = quarantineSnapshot(snapshot, [{ kind: 'user', id: 'U1', bytes: 1 }]);
    expect(trimmed.sessions.map((s) => s.sessionId)).toEqual(['T0']);
    const before = snapshot.users.find((u) => u.userId === 'U1');
    const after = trimmed.users.find((u) => u.userId === 'U1');
    expect(after?.marks).toEqual([]);
    expect(after?.windows).toEqual(before?.windows);
    expect(after?.baseMaxChange).toBe(Math.max(...(before?.marks ?? []).map(([, change]) => change)));
    expect(after?.identity.userName).toBe('Flapping U1');
    expect(trimmed.users.find((u) => u.userId === 'U2')).toEqual(snapshot.users.find((u) => u.userId === 'U2'));
  });
});

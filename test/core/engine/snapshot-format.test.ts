import { describe, expect, it } from 'vitest';
import type { EngineSnapshot } from '../../../src/core/engine/engine-types.ts';
import { migrateEngineSnapshot, migrateSnapshotPart, SNAPSHOT_VERSION, SnapshotFormatError } from '../../../src/core/engine/snapshot-format.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { withCompactLogs, withCompactSegments, withCompactStates, withEstimatedBounds, withoutV10Fields, withRunStarts, withSinchSources, withUnknownBreakdowns } from '../../support/snapshot-bounds.ts';
import engineV1 from '../../fixtures/state-format-v1/engine-phase2.json' with { type: 'json' };

const config = { allowedLatenessMs: 120_000, correctionHorizonMs: 21_600_000, tenant: 'default' };

/** A snapshot as the v1 engine wrote it (partition 2 of the fixture: users, sessions, windows). */
function v1Snapshot(): Record<string, unknown> {
  const snapshot = (engineV1.partitions as Record<string, { restoredSnapshot: Record<string, unknown> }>)['2']?.restoredSnapshot;
  if (snapshot === undefined) throw new Error('fixture has no partition 2');
  return structuredClone(snapshot);
}

describe('engine snapshot format versions', () => {
  it('the fixture is in the previous format, and the engine writes the current one', () => {
    expect(v1Snapshot()['version']).toBe(1);
    expect(SNAPSHOT_VERSION).toBe(11);
    expect(new TimelineEngine(config).snapshot().version).toBe(SNAPSHOT_VERSION);
  });

  it('restores a version 1 snapshot to the identical state, plus the version 3 session bounds estimated by rule and the version 4 Sinch source', () => {
    const v1 = v1Snapshot();
    const restored = TimelineEngine.restore(v1 as unknown as EngineSnapshot, config).snapshot();
    expect(restored).toEqual(withCompactStates(withCompactSegments(withRunStarts(withCompactLogs(withUnknownBreakdowns(withSinchSources({ ...v1, version: SNAPSHOT_VERSION, sessions: (v1['sessions'] as Record<string, unknown>[]).map(withEstimatedBounds) })))))));
    expect(restored.users.length).toBeGreaterThan(0);
    expect(restored.users.every((user) => user.source === 'sinch-rai')).toBe(true);
    expect((restored.sessions as unknown[]).length).toBeGreaterThan(0);
  });

  it('refuses a snapshot of a newer version with a clear error instead of misreading it', () => {
    const future = { ...v1Snapshot(), version: SNAPSHOT_VERSION + 1 };
    expect(() => TimelineEngine.restore(future as unknown as EngineSnapshot, config)).toThrow(SnapshotFormatError);
    expect(() => TimelineEngine.restore(future as unknown as EngineSnapshot, config)).toThrow(/version 12, newer than this release reads \(11\)/);
    for (const version of [0, '2', null, undefined, 1.5]) {
      expect(() => TimelineEngine.restore({ ...v1Snapshot(), version } as unknown as EngineSnapshot, config), String(version)).toThrow(SnapshotFormatError);
    }
  });

  it('migrates parts one by one, and passes the current version through untouched', () => {
    const part = { userId: 'U1', marks: [] };
    expect(migrateSnapshotPart('user', 1, part)).toEqual({ ...part, source: 'sinch-rai' });
    expect(migrateSnapshotPart('user', 3, { ...part, source: 'evo-voice' })).toEqual({ ...part, source: 'evo-voice' });
    // 10 → 11 adds the input journal, a changelog entry of the processor: no part changes
    for (const kind of ['engine', 'user', 'session'] as const) expect(migrateSnapshotPart(kind, 10, { ...part, live: [1] })).toEqual({ ...part, live: [1] });
    expect(migrateSnapshotPart('user', 10, part)).toEqual(part);
    expect(migrateSnapshotPart('user', 9, part)).toEqual(part);
    expect(migrateSnapshotPart('user', 8, part)).toEqual(part);
    expect(migrateSnapshotPart('user', 7, part)).toEqual(part);
    expect(withoutV10Fields({ sessions: [migrateSnapshotPart('session', 7, { live: { runKind: 1, handlingSince: 5 }, checkpoint: { runKind: 0, handlingSince: 3 } })] })).toMatchObject({
      sessions: [{ live: { runKind: 1, handlingSince: 5, runStart: 5 }, checkpoint: { runKind: 0, handlingSince: 3, runStart: null } }],
    });
    const plain = { start: 1, end: 2, user: 1, handling: 4, profile: null, profileReason: null, profileType: null, campaignId: null };
    const profiled = { ...plain, start: 2, end: 9, profile: 'P', campaignId: 'C' };
    const live = { cursor: 9, ended: false, endTime: null, lastEventTime: 8, presenceKnown: true, user: 1, handling: 4, userSince: 1, handlingSince: 5, profile: 'P', profileReason: null, profileType: null, campaignId: 'C', lastContact: 1, runKind: 1, runPart: '["P",null,"C"]', runStart: 5, segment: { start: 5, user: 1, handling: 4, profile: 'P', profileReason: null, profileType: null, campaignId: 'C' } };
    expect(migrateSnapshotPart('session', 9, { live, checkpoint: { ...live, segment: null } })).toEqual({
      live: [9, false, null, 8, true, 1, 4, 1, 5, 'P', null, null, 'C', 1, 1, '["P",null,"C"]', 5, [5, 1, 4, 'P', null, null, 'C']],
      checkpoint: [9, false, null, 8, true, 1, 4, 1, 5, 'P', null, null, 'C', 1, 1, '["P",null,"C"]', 5, null],
    });
    expect(migrateSnapshotPart('session', 8, { segments: [{ segment: plain, revision: 0, emitted: null }, { segment: profiled, revision: 2, emitted: true }, { segment: plain, revision: 1, emitted: { ...plain, end: 5 } }] })).toEqual({
      segments: [
        [1, 2, 1, 4, 0, null],
        [2, 9, 1, 4, 2, true, { profile: 'P', campaignId: 'C' }],
        [1, 2, 1, 4, 1, [1, 5, 1, 4]],
      ],
    });
    expect(migrateSnapshotPart('user', 6, { ...part, marks: [[1, 2, 'A'], [3, 4, 'A'], [5, 6], [7, 8]] })).toEqual({ ...part, marks: [[1, 2, 'A'], [3, 4], [5, 6, ''], [7, 8]] });
    expect(migrateSnapshotPart('user', 5, { ...part, windows: [{ start: 0, metrics: [], emitted: null }] })).toEqual({ ...part, windows: [{ start: 0, metrics: [], emitted: null, parts: null }] });
    expect(() => migrateSnapshotPart('session', 99, part, 'session S1')).toThrow('session S1 has state format version 99, newer than this release reads (11)');
    const current = new TimelineEngine(config).snapshot();
    expect(migrateEngineSnapshot(current)).toBe(current);
  });
});

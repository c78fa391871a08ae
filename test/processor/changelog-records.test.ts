import { createHash } from 'node:crypto';
import { withCompactLogs, withCompactSegments, withCompactStates, withEstimatedBounds, withoutBreakdown, withoutV3Fields, withoutV4Fields, withoutV6Fields, withoutV7Fields, withoutV8Fields, withoutV9Fields, withoutV10Fields, withRunStarts, withSinchSource, withSinchSources, withUnknownBreakdowns } from '../support/snapshot-bounds.ts';
import { describe, expect, it } from 'vitest';
import type { EngineEmission } from '../../src/core/engine/engine-types.ts';
import { SNAPSHOT_VERSION } from '../../src/core/engine/snapshot-format.ts';
import { chunkId, DEFAULT_CHUNK_LIMITS, splitContent } from '../../src/processor/content-chunks.ts';
import type { ChangelogValue, StoredRecord } from '../../src/processor/changelog-records.ts';
import { DEFLATE_FROM_CHARACTERS, joinRecords, stateText, WHOLE_ENTRY_MAX_BYTES } from '../../src/processor/changelog-records.ts';
import { ChangelogTracker } from '../../src/processor/changelog-tracker.ts';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import { restorePartitionState } from '../../src/processor/partition-state.ts';
import type { StateEntry } from '../../src/processor/state-entries.ts';
import { partitionEntry, snapshotEntries } from '../../src/processor/state-entries.ts';
import { mulberry32 } from '../../src/core/random/prng.ts';
import { breakdownMismatches } from '../support/breakdown-checks.ts';
import changelogV1 from '../fixtures/state-format-v1/changelog.json' with { type: 'json' };
import engineV1 from '../fixtures/state-format-v1/engine-phase2.json' with { type: 'json' };
import scenario from '../fixtures/state-format-v1/scenario.json' with { type: 'json' };
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';

const TOPIC = 'changelog';
const INPUT = 'raw';
const engineConfig = { allowedLatenessMs: 120_000, correctionHorizonMs: 21_600_000 };

/** Applies records (in order) to a compacted view: the latest value per key, tombstones delete. */
function compact(view: Map<string, StoredRecord>, records: readonly OutgoingRecord[]): void {
  for (const record of records) {
    if (record.value === null) view.delete(record.key);
    else view.set(record.key, { key: record.key, value: record.value as ChangelogValue });
  }
}

/** A JSON text of about `bytes` bytes, with some non-ASCII and astral characters. */
function bigJson(bytes: number, seed: number): string {
  const random = mulberry32(seed);
  const log: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const event = { eventTime: 1_700_000_000_000 + i * 5000, changeTime: 1_700_000_000_000 + i * 5000 + Math.floor(random() * 30_000), value: random() < 0.5 ? 'Ready' : 'Pause', userName: i % 7 === 0 ? 'Zoë 🎧 Ünïcødé' : 'Agent' };
    log.push(event);
    size += JSON.stringify(event).length + 1;
  }
  return JSON.stringify({ sessionId: 'S1', log });
}

/** The v1 fixture's latest changelog records of one partition, as the restorer returns them. */
function v1Records(partition: number): StoredRecord[] {
  const latest = new Map<string, StoredRecord>();
  for (const record of changelogV1.records as Array<{ partition: number; key: string; value: ChangelogValue | null }>) {
    if (record.partition !== partition) continue;
    if (record.value === null) latest.delete(record.key);
    else latest.set(record.key, { key: record.key, value: record.value });
  }
  return [...latest.values()];
}

describe('content-defined chunks', () => {
  it('cut any text into chunks within the byte limit that concatenate back, never inside a surrogate pair', () => {
    const text = bigJson(3_000_000, 1);
    const chunks = splitContent(text);
    expect(chunks.join('')).toBe(text);
    expect(chunks.length).toBeGreaterThan(20);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk, 'utf8')).toBeLessThanOrEqual(DEFAULT_CHUNK_LIMITS.maxBytes);
    for (const chunk of chunks) expect(Buffer.from(chunk, 'utf8').toString('utf8')).toBe(chunk);
    const tiny = { minBytes: 1, maxBytes: 5, maskBits: 1 };
    const astral = '🎧🎧🎧a🎧';
    expect(splitContent(astral, tiny).join('')).toBe(astral);
    for (const chunk of splitContent(astral, tiny)) expect(chunk).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
  });

  it('keep the chunks an edit does not touch', () => {
    const text = bigJson(2_000_000, 2);
    const edited = `${text.slice(0, 1_000_000)}{"inserted":true},${text.slice(1_000_000)}`;
    const before = new Set(splitContent(text).map(chunkId));
    const after = splitContent(edited).map(chunkId);
    const changed = after.filter((id) => !before.has(id));
    expect(changed.length).toBeLessThanOrEqual(2);
  });
});

describe('changelog records of large entries', () => {
  it('write an entry of any size as records within the limit, rewrite only changed parts, and restore it', () => {
    const target = { topic: TOPIC, inputTopic: INPUT, partition: 3 };
    const tracker = new ChangelogTracker(target);
    const big: StateEntry = { kind: 'session', tenant: 't', id: 'S|1', json: bigJson(3_000_000, 3) };
    const small: StateEntry = { kind: 'engine', tenant: 't', id: '', json: '{"version":2}' };
    const view = new Map<string, StoredRecord>();
    const first = tracker.diff([small, big], 1);
    for (const record of first) {
      const value = record.value as ChangelogValue;
      expect(record.partition).toBe(3);
      expect(Buffer.byteLength(stateText(value), 'utf8')).toBeLessThanOrEqual(WHOLE_ENTRY_MAX_BYTES);
      expect(value.stateVersion).toBe(SNAPSHOT_VERSION);
    }
    expect(first.length).toBeGreaterThan(10);
    tracker.accept();
    compact(view, first);

    const grown: StateEntry = { ...big, json: big.json.replace('"log":[', '"log":[{"eventTime":1},') };
    const second = tracker.diff([small, grown], 2);
    expect(second.filter((r) => r.value !== null).length).toBeLessThanOrEqual(3);
    tracker.accept();
    compact(view, second);

    const joined = joinRecords(view.values());
    expect(joined.orphans).toEqual([]);
    expect(joined.entries.map((j) => j.entry).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([small, grown]);

    const shrunk: StateEntry = { ...big, json: '{"sessionId":"S|1","log":[]}' };
    const third = tracker.diff([small, shrunk], 3);
    tracker.accept();
    compact(view, third);
    expect([...view.keys()].sort()).toEqual([`${INPUT}|3|t|engine|`, `${INPUT}|3|t|session|S|1`]);
    expect(joinRecords(view.values()).entries.find((j) => j.entry.kind === 'session')?.entry).toEqual(shrunk);
    expect(tracker.diff([small], 4).map((r) => [r.key, r.value])).toEqual([[`${INPUT}|3|t|session|S|1`, null]]);
  });

  it('carry texts from DEFLATE_FROM_CHARACTERS deflated, shorter ones as they are, and restore both exactly', () => {
    const tracker = new ChangelogTracker({ topic: TOPIC, inputTopic: INPUT, partition: 1 });
    const short: StateEntry = { kind: 'engine', tenant: 't', id: '', json: `{"pad":"${'é'.repeat(DEFLATE_FROM_CHARACTERS - 11)}"}` };
    const atLimit: StateEntry = { kind: 'user', tenant: 't', id: 'U1', json: `{"pad":"${'🎧'.repeat((DEFLATE_FROM_CHARACTERS - 10) / 2)}"}` };
    const large: StateEntry = { kind: 'session', tenant: 't', id: 'S1', json: bigJson(600_000, 5) };
    expect([short.json.length, atLimit.json.length]).toEqual([DEFLATE_FROM_CHARACTERS - 1, DEFLATE_FROM_CHARACTERS]);
    const view = new Map<string, StoredRecord>();
    compact(view, tracker.diff([short, atLimit, large], 1));
    const values = [...view.values()].map((r) => r.value);
    const plain = values.filter((v) => v.stateDeflated === null);
    const deflated = values.filter((v) => v.stateDeflated instanceof Buffer);
    // the short entry and the large entry's manifest carry their (empty) text as it is; the rest is deflated
    expect(plain.map((v) => [v.entryKind, v.state === '' ? 'manifest' : 'text'])).toEqual([['engine', 'text'], ['session', 'manifest']]);
    expect(deflated.every((v) => v.state === '')).toBe(true);
    const deflatedBytes = deflated.reduce((sum, v) => sum + (v.stateDeflated?.length ?? 0), 0);
    expect(deflatedBytes).toBeLessThan(Buffer.byteLength(large.json, 'utf8') / 2);
    expect(joinRecords(view.values()).entries.map((j) => j.entry).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([short, large, atLimit]);
  });

  it('refuse a manifest whose part is missing, and an entry kind this release does not know', () => {
    const tracker = new ChangelogTracker({ topic: TOPIC, inputTopic: INPUT, partition: 0 });
    const view = new Map<string, StoredRecord>();
    compact(view, tracker.diff([{ kind: 'user', tenant: 't', id: 'U1', json: bigJson(600_000, 4) }], 1));
    const part = [...view.keys()].find((key) => key.includes('~part'));
    view.delete(part ?? '');
    expect(() => joinRecords(view.values())).toThrow(/lists part [0-9a-f]{32}, which is missing/);
    const stranger = { key: 'k', value: { inputTopic: INPUT, inputPartition: 0, tenant: 't', entryKind: 'watermarks', entryId: '', stateVersion: 3, state: '{}', writtenAt: 0 } };
    expect(() => joinRecords([stranger])).toThrow(/entry kind "watermarks", unknown to this release/);
  });

  it('join a manifest\'s inline slices with its parts in the listed order, and refuse slices its text does not match', () => {
    const target = { inputTopic: INPUT, partition: 0 };
    const entry = { kind: 'session' as const, tenant: 't', id: 'S1' };
    const part = { id: chunkId('"b":2,'), text: '"b":2,' };
    const view = new Map<string, StoredRecord>();
    const tracker = new ChangelogTracker({ topic: TOPIC, ...target });
    // a long inline text is deflated like any other
    const tail = `"c":"${'x'.repeat(DEFLATE_FROM_CHARACTERS)}"}`;
    const records = tracker.diff([{ ...entry, blocks: [{ id: null, text: '{"a":1,' }, part, { id: null, text: tail }], length: 7 + part.text.length + tail.length }], 1);
    compact(view, records);
    const manifest = view.get(`${INPUT}|0|t|session|S1`)?.value;
    expect(manifest?.parts).toEqual(['=7', part.id, `=${tail.length}`]);
    expect(manifest?.stateDeflated).toBeInstanceOf(Buffer);
    expect(joinRecords(view.values()).entries.map((j) => j.entry)).toEqual([{ ...entry, json: `{"a":1,"b":2,${tail}` }]);
    const withManifest = (value: Partial<ChangelogValue>): StoredRecord[] => [...view.values()].map((r) => (r.value.partId === null ? { ...r, value: { ...r.value, ...value } } : r));
    expect(() => joinRecords(withManifest({ parts: ['=7', part.id, `=${tail.length + 1}`] }))).toThrow(/inline slice "=\d+" beyond its \d+ characters of text/);
    expect(() => joinRecords(withManifest({ parts: ['=7', part.id, '=x'] }))).toThrow(/inline slice "=x"/);
    expect(() => joinRecords(withManifest({ parts: ['=7', part.id, '=3'] }))).toThrow(/carries \d+ characters of text its manifest does not list/);
  });
});

type SnapshotSession = { sessionId: string; live: unknown[]; log: unknown[][]; applied: number };

/**
 * `final` as the v1 code left it. A restore makes every session active, and the v1 code moved an ended session's
 * live machine on to each watermark, counting its logged events up to it as applied. This release leaves a session
 * past its end as it is (engine-session.ts, `advance`), so an engine restored from a snapshot ends in the state of an
 * uninterrupted one. The sessions past their end before the watermark (`before`: restored, phase 2 ingested) that are
 * still where they were get the v1 code's cursor (`watermark`) and applied count back; nothing else is touched.
 */
function asV1Advanced(final: Record<string, unknown>, before: Record<string, unknown>, watermark: number): Record<string, unknown> {
  const pastEnd = new Map<string, unknown>();
  for (const session of before['sessions'] as SnapshotSession[]) {
    const [cursor, ended, endTime] = session.live as [number | null, boolean, number | null];
    if (ended && cursor !== null && endTime !== null && cursor > endTime) pastEnd.set(session.sessionId, cursor);
  }
  const sessions = (final['sessions'] as SnapshotSession[]).map((session) => {
    if (!pastEnd.has(session.sessionId) || session.live[0] !== pastEnd.get(session.sessionId)) return session;
    return { ...session, live: [watermark, ...session.live.slice(1)], applied: session.log.filter((event) => (event[0] as number) <= watermark).length };
  });
  return { ...final, sessions };
}

describe('restoring the previous (v1) changelog format', () => {
  const partitions = engineV1.partitions as unknown as Record<string, { emissions: EngineEmission[]; snapshotWithoutVersionSha256: string; restoredSnapshot: Record<string, unknown> }>;

  it('gives the identical engine state and, continued, the identical emissions and final state', () => {
    const r2 = scenario.r2 as unknown as Array<Record<string, string>>;
    for (const [partition, expected] of Object.entries(partitions)) {
      const restored = restorePartitionState(v1Records(Number(partition)), engineConfig);
      expect(restored.unreadable).toBeNull();
      const engine = restored.engines.get('default');
      const v1 = expected.restoredSnapshot;
      expect(engine?.snapshot(), `partition ${partition}`).toEqual(withCompactStates(withCompactSegments(withRunStarts(withCompactLogs(withUnknownBreakdowns(withSinchSources({ ...v1, version: SNAPSHOT_VERSION, sessions: (v1['sessions'] as Record<string, unknown>[]).map(withEstimatedBounds) })))))));
      r2.forEach((record, index) => {
        if (scenario.partitionOfR2[index] === Number(partition)) engine?.ingestRecord(record, sinchAgentStatusHistoryAdapter);
      });
      const beforeW2 = JSON.parse(JSON.stringify(engine?.snapshot() ?? {})) as Record<string, unknown>;
      const emissions = engine?.advanceWatermark(scenario.w2) ?? [];
      expect(emissions.map(withoutBreakdown), `partition ${partition}`).toEqual(expected.emissions.map(withSinchSource));
      expect(breakdownMismatches(emissions), `partition ${partition}`).toEqual([]);
      const { version: _version, ...final } = withoutV3Fields(withoutV4Fields(withoutV6Fields(withoutV7Fields(withoutV8Fields(withoutV9Fields(withoutV10Fields(asV1Advanced((engine?.snapshot() ?? { version: 0, users: [], sessions: [] }) as unknown as Record<string, unknown>, beforeW2, scenario.w2))))))));
      expect(createHash('sha256').update(JSON.stringify(final)).digest('hex'), `partition ${partition}`).toBe(expected.snapshotWithoutVersionSha256);
    }
  });

  it('rewrites every v1 entry in the current version at the first commit, and restores that the same', () => {
    const records = v1Records(2);
    const restored = restorePartitionState(records, engineConfig);
    const engine = restored.engines.get('default');
    if (engine === undefined) throw new Error('partition 2 has no engine');
    const tracker = new ChangelogTracker({ topic: TOPIC, inputTopic: records[0]?.value.inputTopic ?? '', partition: 2, restored: restored.baseline });
    const diff = tracker.diff([partitionEntry(restored.nextOffset ?? 0), ...snapshotEntries('default', engine.snapshot())], 5);
    expect(diff.map((r) => r.key).sort()).toEqual(records.map((r) => r.key).sort());
    expect(diff.every((r) => (r.value as ChangelogValue).stateVersion === SNAPSHOT_VERSION)).toBe(true);
    const view = new Map(records.map((r) => [r.key, r]));
    compact(view, diff);
    expect(restorePartitionState([...view.values()], engineConfig).engines.get('default')?.snapshot()).toEqual(engine.snapshot());
  });
});

describe('a changelog this release cannot read', () => {
  it('is never misread: the state starts empty from the raw topic and the first commit replaces every old record', () => {
    const records = v1Records(2).map((r) => ({ key: r.key, value: { ...r.value, stateVersion: SNAPSHOT_VERSION + 1 } }));
    const restored = restorePartitionState(records, engineConfig);
    expect(restored.unreadable?.message).toMatch(new RegExp(`state format version ${SNAPSHOT_VERSION + 1}, newer than this release reads \\(${SNAPSHOT_VERSION}\\)`));
    expect(restored.engines.size).toBe(0);
    expect(restored.nextOffset).toBeNull();
    const inputTopic = records[0]?.value.inputTopic ?? '';
    const tracker = new ChangelogTracker({ topic: TOPIC, inputTopic, partition: 2, restored: restored.baseline });
    const fresh: StateEntry[] = [{ kind: 'partition', tenant: '', id: '', json: '{"nextOffset":4}' }];
    const diff = tracker.diff(fresh, 9);
    const view = new Map(records.map((r) => [r.key, r as StoredRecord]));
    compact(view, diff);
    expect([...view.values()].map((r) => [r.key, r.value.state])).toEqual([[`${inputTopic}|2||partition|`, '{"nextOffset":4}']]);
  });
});

describe('a changelog entry of the current version that is malformed', () => {
  /** The current-version changelog of partition 2: the v1 fixture restored and written again, as the first commit does. */
  function currentRecords(): StoredRecord[] {
    const records = v1Records(2);
    const restored = restorePartitionState(records, engineConfig);
    const engine = restored.engines.get('default');
    if (engine === undefined) throw new Error('partition 2 has no engine');
    const tracker = new ChangelogTracker({ topic: TOPIC, inputTopic: records[0]?.value.inputTopic ?? '', partition: 2, restored: restored.baseline });
    const view = new Map(records.map((r) => [r.key, r]));
    compact(view, tracker.diff([partitionEntry(restored.nextOffset ?? 0), ...snapshotEntries('default', engine.snapshot())], 5));
    return [...view.values()];
  }

  const corruptions: [string, (value: ChangelogValue) => ChangelogValue][] = [
    ['cut short', (value) => ({ ...value, state: stateText(value).slice(0, Math.floor(stateText(value).length / 2)), stateDeflated: null })],
    ['of the wrong shape', (value) => ({ ...value, state: '{"sessionId":7}', stateDeflated: null })],
    ['not an object', (value) => ({ ...value, state: 'null', stateDeflated: null })],
    ['deflated bytes cut short', (value) => ({ ...value, stateDeflated: value.stateDeflated?.subarray(0, Math.floor(value.stateDeflated.length / 2)) ?? null })],
  ];
  for (const [what, corrupt] of corruptions) {
    it(`${what}: is unreadable (the state is rebuilt from the raw topic), not an error retried forever`, () => {
      const records = currentRecords();
      const index = records.findIndex((r) => r.key.includes('|session|'));
      expect(index).toBeGreaterThanOrEqual(0);
      const record = records[index]!;
      expect(record.value.stateDeflated, 'a session entry is written deflated').toBeInstanceOf(Buffer);
      records[index] = { key: record.key, value: corrupt(record.value) };
      const restored = restorePartitionState(records, engineConfig);
      expect(restored.unreadable?.message).toMatch(/malformed/);
      expect(restored.engines.size).toBe(0);
      expect(restored.nextOffset).toBeNull();
    });
  }
});

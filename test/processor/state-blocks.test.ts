import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineConfig, EngineSnapshot } from '../../src/core/engine/engine-types.ts';
import type { PersistedChanges, PersistedParts } from '../../src/core/engine/persisted-parts.ts';
import { TimelineEngine } from '../../src/core/engine/timeline-engine.ts';
import type { WindowReport } from '../../src/core/events/window-report.ts';
import { nextRunEnd, runEnds } from '../../src/processor/block-bounds.ts';
import type { ChangelogValue, StoredRecord } from '../../src/processor/changelog-records.ts';
import { stateText } from '../../src/processor/changelog-records.ts';
import { ChangelogTracker } from '../../src/processor/changelog-tracker.ts';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import { restorePartitionState } from '../../src/processor/partition-state.ts';
import { StateBlockWriter } from '../../src/processor/state-blocks.ts';
import { entryText, partitionEntry } from '../../src/processor/state-entries.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateHistory, prng, recordTime } from '../core/support/history-generator.ts';

const CONFIG: EngineConfig = { allowedLatenessMs: 60_000, correctionHorizonMs: 900_000, tenant: 't' };
/** Runs of 1–8 elements and every entry in blocks, so that short generated histories cross many run bounds. */
const SMALL = { log: { mean: 3, max: 8 }, segments: { mean: 2, max: 5 }, marks: { mean: 3, max: 8 }, windows: { mean: 2, max: 3 }, blocksFromCharacters: 0, sealCharacters: 2_048 };
/** Longer runs whose last run is cut into pieces of one to three elements (run-pieces.ts, lastRunPieces). */
const PIECES = { ...SMALL, log: { mean: 8, max: 24 }, segments: { mean: 6, max: 16 }, marks: { mean: 8, max: 24 }, sealCharacters: 60 };

/** The snapshot with users and sessions by id, as a restore orders them. */
function byId(snapshot: EngineSnapshot | undefined): EngineSnapshot | undefined {
  if (snapshot === undefined) return undefined;
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return { ...snapshot, users: [...snapshot.users].sort((a, b) => order(a.userId, b.userId)), sessions: [...snapshot.sessions].sort((a, b) => order(a.sessionId, b.sessionId)) };
}

function compact(view: Map<string, StoredRecord>, records: readonly OutgoingRecord[]): void {
  for (const record of records) {
    if (record.value === null) view.delete(record.key);
    else view.set(record.key, { key: record.key, value: record.value as ChangelogValue });
  }
}

describe('runEnds', () => {
  it('cuts by keys, so appending and dropping from the front keep the other runs', () => {
    const random = prng(7);
    const keys: number[] = [];
    for (let t = 1_700_000_000_000; keys.length < 2_000; t += Math.floor(random() * 3) * 1_000) keys.push(t);
    const runs = (from: number, to: number): string[] => {
      const slice = keys.slice(from, to);
      const out: string[] = [];
      let start = 0;
      for (const end of runEnds(slice.length, (i) => slice[i] as number, { mean: 16, max: 1_000 })) {
        out.push(slice.slice(start, end).join());
        start = end;
      }
      return out;
    };
    const whole = runs(0, 2_000);
    expect(whole.length).toBeGreaterThan(60);
    expect(whole.join()).toBe(keys.join());
    // equal keys are never split while runs stay under max
    for (let i = 1; i < whole.length; i++) expect(whole[i - 1]?.split(',').at(-1)).not.toBe(whole[i]?.split(',')[0]);
    const later = runs(500, 2_000);
    const sharedTail = whole.slice(-(later.length - 1));
    expect(later.slice(1)).toEqual(sharedTail);
    const prefix = runs(0, 1_500);
    expect(prefix.slice(0, -1)).toEqual(whole.slice(0, prefix.length - 1));
  });

  it('property: a run of an earlier cut, scanned again from its last element on, ends where a scan from its start does', () => {
    // keys from a few values, so that equal neighbours (never split) and runs cut by max both occur
    const arrays = fc.record({ keys: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 120 }), old: fc.nat(), mean: fc.integer({ min: 1, max: 6 }), max: fc.integer({ min: 1, max: 12 }) });
    fc.assert(
      fc.property(arrays, ({ keys, old, mean, max }) => {
        const keyAt = (i: number): number => 1_700_000_000_000 + (keys[i] as number) * 1_000;
        const before = 1 + (old % keys.length);
        const size = { mean, max };
        let start = 0;
        for (const end of runEnds(before, keyAt, size)) {
          expect(nextRunEnd(keys.length, keyAt, size, start, end - 1), `run ${start}–${end} of the first ${before}`).toBe(nextRunEnd(keys.length, keyAt, size, start));
          start = end;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never makes a run longer than max', () => {
    const ends = runEnds(1_000, () => 42, { mean: 4, max: 7 });
    let start = 0;
    for (const end of ends) {
      expect(end - start).toBeLessThanOrEqual(7);
      start = end;
    }
    expect(start).toBe(1_000);
  });
});

describe('StateBlockWriter with the changelog tracker', () => {
  it.each([
    ['short runs', SMALL],
    ['last runs in pieces', PIECES],
  ])('restores exactly the engine snapshot after every commit, reusing runs across commits (random histories, %s)', (_name, layout) => {
    let blocked = 0;
    let reused = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const random = prng(seed * 13 + 5);
      const history = generateHistory(prng(seed), { users: 1 + (seed % 4) });
      const order = history.records.map((r) => ({ r, key: recordTime(r) + random() * (random() < 0.3 ? 2_000_000 : 60_000) })).sort((a, b) => a.key - b.key);
      const engine = new TimelineEngine(CONFIG);
      const writer = new StateBlockWriter(layout);
      const tracker = new ChangelogTracker({ topic: 'changelog', inputTopic: 'raw', partition: 0 });
      const view = new Map<string, StoredRecord>();
      let watermark = Number.NEGATIVE_INFINITY;
      let previousParts = new Set<string>();
      const commit = (offset: number): void => {
        const entries = [partitionEntry(offset), ...writer.entries('t', engine.persistedChanges())];
        for (const entry of entries) if ('blocks' in entry) blocked++;
        for (const entry of entries) expect(JSON.parse(entryText(entry)), `seed ${seed} ${entry.kind} ${entry.id}`).toBeTypeOf('object');
        // runs and entries reused since the previous commit (unchanged by the engine's account) give the same text as
        // serializing the whole state afresh
        expect(entries.slice(1).map(entryText), `seed ${seed} offset ${offset}`).toEqual(new StateBlockWriter(layout).entries('t', engine.persistedParts()).map(entryText));
        const records = tracker.diff(entries, offset);
        compact(view, records);
        tracker.accept();
        const parts = new Set([...view.keys()].filter((key) => key.includes('~part|')));
        for (const key of parts) if (previousParts.has(key)) reused++;
        previousParts = parts;
        const restored = restorePartitionState([...view.values()], CONFIG);
        expect(restored.unreadable, `seed ${seed}`).toBeNull();
        expect(restored.nextOffset).toBe(offset);
        expect(byId(restored.engines.get('t')?.snapshot()), `seed ${seed} offset ${offset}`).toEqual(byId(engine.snapshot()));
        // unchanged, an entry may turn from whole to blocks once; after that nothing is written
        compact(view, tracker.diff([partitionEntry(offset), ...writer.entries('t', engine.persistedChanges())], offset));
        tracker.accept();
        expect(tracker.diff([partitionEntry(offset), ...writer.entries('t', engine.persistedChanges())], offset), `seed ${seed}: nothing changed, nothing written`).toEqual([]);
        tracker.accept();
      };
      order.forEach(({ r }, i) => {
        engine.ingestRecord(r, sinchAgentStatusHistoryAdapter);
        if (random() < 0.3) {
          watermark = Math.max(watermark, recordTime(r) - Math.floor(random() * 300_000));
          engine.advanceWatermark(watermark);
        }
        if (random() < 0.4) commit(i + 1);
      });
      engine.advanceWatermark(history.maxEventTime + 86_400_000);
      commit(order.length + 1);
    }
    expect(blocked).toBeGreaterThan(250);
    expect(reused).toBeGreaterThan(800);
  });

  it('writes only what changed: a live session in blocks sends its manifest, carrying its new events, at most a sealed piece before them and its head, and a part only for a piece or run that stopped changing', () => {
    const engine = new TimelineEngine(CONFIG);
    const base = Date.UTC(2026, 0, 5, 8);
    const record = (i: number): Record<string, unknown> => {
      const t = new Date(base + i * 1_000).toISOString().replace('T', ' ').replace('Z', '');
      return { sessionId: 'S1', userId: 'U1', userName: 'Agent', changeTimeStamp: t, status: i % 2 === 0 ? 'Talking_Inbound' : 'Waiting', statusTimestamp: t };
    };
    for (let i = 0; i < 2_000; i++) engine.ingestRecord(record(i), sinchAgentStatusHistoryAdapter);
    const writer = new StateBlockWriter();
    const tracker = new ChangelogTracker({ topic: 'changelog', inputTopic: 'raw', partition: 0 });
    const view = new Map<string, StoredRecord>();
    const commit = (offset: number, parts: PersistedParts | PersistedChanges = engine.persistedChanges()): OutgoingRecord[] => {
      const records = tracker.diff([partitionEntry(offset), ...writer.entries('t', parts)], offset);
      tracker.accept();
      compact(view, records);
      return records;
    };
    const sessionParts = (records: readonly OutgoingRecord[]) => records.filter((r) => r.key.includes('|session~part|') && r.value !== null);
    const whole = commit(1, engine.persistedParts());
    expect(sessionParts(whole), 'nothing reused yet: whole').toEqual([]);
    const first = commit(2, engine.persistedParts());
    expect(sessionParts(first).length, 'all runs reused: blocks').toBeGreaterThan(30);
    const bytes = (records: readonly OutgoingRecord[]) => records.reduce((sum, r) => sum + JSON.stringify(r.value ?? '').length, 0);
    const manifestText = (records: readonly OutgoingRecord[]) => stateText(records.find((r) => r.key.endsWith('|session|S1'))?.value as ChangelogValue);
    let partsWritten = 0;
    let tombstones = 0;
    for (let k = 0; k < 150; k++) {
      engine.ingestRecord(record(2_000 + k), sinchAgentStatusHistoryAdapter);
      engine.advanceWatermark(base + (2_000 + k) * 1_000);
      const records = commit(3 + k);
      // the first one moves the parts of the last run and the head, written as parts by `first`, into the manifest
      if (k === 0) continue;
      const keys = records.map((r) => r.key.replace(/^raw\|0\|t\|/, '').replace(/\|[0-9a-f]{32}$/, ''));
      // the partition, the engine, the user's and the session's manifests; of the session, parts for a piece sealed or
      // a run ended at the previous commit (one of the log, one of the segments at most), and the tombstones of the
      // pieces of a run that ended
      expect(keys.filter((key) => !key.includes('~part|')).sort(), `commit ${k}`).toEqual(['engine|', 'raw|0||partition|', 'session|S1', 'user|U1']);
      expect(sessionParts(records).length, `commit ${k}`).toBeLessThanOrEqual(2);
      expect(records.filter((r) => r.key.includes('|user~part|') && r.value !== null).length, `commit ${k}: a run of marks or windows that stopped changing`).toBeLessThanOrEqual(1);
      // the manifest: the head, and of the log and of the segments the open piece (under 2,048 characters before its
      // last event) or a run that ended
      expect(manifestText(records).length, `commit ${k}`).toBeLessThan(2 * 2_048 + 1_500);
      partsWritten += sessionParts(records).length;
      tombstones += records.filter((r) => r.value === null).length;
      expect(bytes(records) * 4, `commit ${k}`).toBeLessThan(bytes(first));
    }
    // 150 events: each run of the log or of the segments that ends is written as a part once, and before that the
    // pieces of a run that sealed (2 KB each), a few parts in all; the pieces of an ended run get tombstones
    expect(partsWritten).toBeGreaterThanOrEqual(3);
    expect(partsWritten).toBeLessThanOrEqual(15);
    expect(tombstones).toBeGreaterThanOrEqual(1);
    expect(tombstones).toBeLessThan(partsWritten);
    const restored = restorePartitionState([...view.values()], CONFIG);
    expect(restored.unreadable).toBeNull();
    expect(byId(restored.engines.get('t')?.snapshot())).toEqual(byId(engine.snapshot()));
  });

  it('serializes a user\'s windows again after each kind of change to them: contributions, emissions, reports', () => {
    const QH = 900_000;
    const T0 = Date.UTC(2026, 0, 5, 8);
    const engine = new TimelineEngine(CONFIG);
    const writer = new StateBlockWriter(SMALL);
    const tracker = new ChangelogTracker({ topic: 'changelog', inputTopic: 'raw', partition: 0 });
    const view = new Map<string, StoredRecord>();
    const checkCommit = (step: string, offset: number): void => {
      const entries = [partitionEntry(offset), ...writer.entries('t', engine.persistedChanges())];
      expect(entries.slice(1).map(entryText), step).toEqual(new StateBlockWriter(SMALL).entries('t', engine.persistedParts()).map(entryText));
      compact(view, tracker.diff(entries, offset));
      tracker.accept();
      expect(byId(restorePartitionState([...view.values()], CONFIG).engines.get('t')?.snapshot()), step).toEqual(byId(engine.snapshot()));
    };
    const record = (at: number, status: string): Record<string, unknown> => {
      const t = new Date(at).toISOString().replace('T', ' ').replace('Z', '');
      return { sessionId: 'S1', userId: 'U1', userName: 'Agent', changeTimeStamp: t, status, statusTimestamp: t };
    };
    engine.ingestRecord(record(T0, 'Waiting'), sinchAgentStatusHistoryAdapter);
    engine.ingestRecord(record(T0 + 60_000, 'Talking_Inbound'), sinchAgentStatusHistoryAdapter);
    checkCommit('events', 1);
    engine.advanceWatermark(T0 + 120_000);
    checkCommit('a watermark: the running call accrues, the window is emitted', 2);
    engine.ingestRecord(record(T0 + 120_000, 'Waiting'), sinchAgentStatusHistoryAdapter);
    checkCommit('the call ends and is counted', 3);
    engine.advanceWatermark(T0 + QH + 120_000);
    checkCommit('the window becomes final', 4);
    const report = (windowStart: number, pauseMs: number): WindowReport => ({ userId: 'R1', userName: 'R1', windowStart, changeTime: windowStart + QH + 60_000, metrics: { pauseDuration: pauseMs }, extras: {} });
    expect(engine.ingestWindowReports([report(T0 + QH, 60_000), report(T0 + 2 * QH, 0)], 'thulium')).toBeNull();
    checkCommit('reports', 5);
    expect(engine.ingestWindowReports([report(T0 + QH, 120_000)], 'thulium')).toBeNull();
    checkCommit('a report replacing another', 6);
  });
});

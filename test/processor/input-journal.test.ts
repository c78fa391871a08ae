import { describe, expect, it } from 'vitest';
import { journalEntry, JournalReplay, readJournal } from '../../src/processor/input-journal.ts';
import type { InputJournal } from '../../src/processor/input-journal.ts';
import { assembleState, partitionEntry } from '../../src/processor/state-entries.ts';

const journal: InputJournal = {
  stateOffset: 100,
  nextOffset: 180,
  steps: [
    { position: 100, tenant: 'a', watermark: 1_000, wallClock: 5_000 },
    { position: 140, tenant: 'a', watermark: 2_000, wallClock: 6_000 },
    { position: 140, tenant: 'b', watermark: 2_500, wallClock: 6_000 },
    { position: 180, tenant: 'a', watermark: 3_000, wallClock: 7_000 },
  ],
};

describe('input journal', () => {
  it('round-trips through its changelog entry', () => {
    const entry = journalEntry(journal);
    expect(entry).toMatchObject({ kind: 'partition', tenant: '', id: 'journal' });
    expect(readJournal(JSON.parse(entry.json) as Record<string, unknown>)).toEqual(journal);
  });

  it('refuses a value that is not a journal, or whose steps are out of order or outside its input', () => {
    const value = JSON.parse(journalEntry(journal).json) as { stateOffset: number; nextOffset: number; steps: unknown[] };
    expect(() => readJournal({ ...value, nextOffset: 99 })).toThrow('not an input journal');
    expect(() => readJournal({ ...value, stateOffset: -1 })).toThrow('not an input journal');
    expect(() => readJournal({ ...value, steps: 'x' })).toThrow('not an input journal');
    expect(() => readJournal({ ...value, steps: [[140, 'a', 1, 1], [120, 'a', 2, 2]] })).toThrow('out of order');
    expect(() => readJournal({ ...value, steps: [[99, 'a', 1, 1]] })).toThrow('out of order');
    expect(() => readJournal({ ...value, steps: [[181, 'a', 1, 1]] })).toThrow('out of order');
    expect(() => readJournal({ ...value, steps: [[120, 7, 1, 1]] })).toThrow('malformed');
    expect(() => readJournal({ ...value, steps: [[120, 'a', 1]] })).toThrow('not an input journal step');
  });

  it('replays its steps as the input passes their positions, and is done at its end', () => {
    const replay = new JournalReplay(journal);
    expect(replay.stepsThrough(100).map((s) => s.watermark)).toEqual([1_000]);
    expect(replay.done(100)).toBe(false);
    expect(replay.stepsThrough(139)).toEqual([]);
    expect(replay.stepsThrough(150).map((s) => s.watermark)).toEqual([2_000, 2_500]);
    expect(replay.done(179)).toBe(false);
    expect(replay.stepsThrough(180).map((s) => s.watermark)).toEqual([3_000]);
    expect(replay.done(180)).toBe(true);
    expect(new JournalReplay({ stateOffset: 5, nextOffset: 5, steps: [] }).done(5)).toBe(true);
  });

  it('is restored with the state it follows, and refused when it does not start at the state position', () => {
    const engine = { kind: 'engine' as const, tenant: 'a', id: '', json: JSON.stringify({ version: 11, watermark: null, checkpointTime: null, rejected: {}, tombstones: [] }) };
    expect(assembleState([partitionEntry(100), engine, journalEntry(journal)])).toMatchObject({ nextOffset: 100, journal });
    expect(assembleState([partitionEntry(100), engine]).journal).toBeNull();
    // a partition that never committed its state: the journal's start is the state's position
    expect(assembleState([journalEntry(journal)])).toMatchObject({ nextOffset: 100, journal });
    expect(() => assembleState([partitionEntry(90), engine, journalEntry(journal)])).toThrow('the input journal starts at offset 100, the state is at 90');
  });
});

/**
 * Property (b): batch replay does not depend on input order or duplicates. Shuffled input, with some records
 * repeated verbatim (deep copies), some repeated RE-SPELLED (other key spellings, the same instants written in
 * another timestamp format) and some REPUBLISHED (the same row from a later poll: a greater vendorPoll, any
 * vendorRow) gives exactly the same rows, for quarterHour/UTC and for a random roll-up and zone. The histories
 * contain exact ties (equal eventTime and changeTimestamp), which only the vendor positions order.
 *
 * Seed: fixed (support.ts PROPERTY_SEED, override with FC_SEED / FC_RUNS / FC_PATH).
 *
 * (f) Can it fail? Verified while developing: making the copies NOT exact duplicates — the same records with the
 * status timestamp moved 1 ms later — makes the property fail on the first runs (an extra status change at a
 * different ms changes durations or counts). That check is automated below ("detects non-identical copies").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../src/core/replay/replay.ts';
import type { TimeCategory } from '../../../src/core/replay/replay.ts';
import { formatTimestamp, historyArb } from '../generators/histories.ts';
import type { BuiltHistory } from '../generators/histories.ts';
import { parseOracleTimestamp } from '../oracle/brute-force-oracle.ts';
import { assertRowsEqual, fcParams } from './support.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const SPELLINGS: readonly (readonly [string, string])[] = [
  ['userId', 'UserId'],
  ['changeTimestamp', 'changeTimeStamp'],
  ['userStatusTimestamp', 'userStatusTimeStamp'],
  ['statusTimestamp', 'statusTimeStamp'],
];
const TIMESTAMP_KEYS = new Set(['changeTimestamp', 'changeTimeStamp', 'userStatusTimestamp', 'userStatusTimeStamp', 'statusTimestamp', 'statusTimeStamp']);

/** Same record, other key spellings, same instants in another format (shiftMs ≠ 0 only for the self-check). */
function respell(record: unknown, formatSeed: number, shiftMs = 0): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  let seed = formatSeed;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    const pair = SPELLINGS.find((p) => p.includes(key));
    const newKey = pair === undefined ? key : (pair[0] === key ? pair[1] : pair[0]);
    const instant = TIMESTAMP_KEYS.has(key) ? parseOracleTimestamp(value) : undefined;
    const shift = key.startsWith('status') ? shiftMs : 0;
    out[newKey] = instant === undefined ? value : formatTimestamp(instant + shift, random);
  }
  return out;
}

const caseArb = historyArb().chain((history) =>
  fc.record({
    history: fc.constant(history),
    shuffled: fc.shuffledSubarray(history.records.map((_, i) => i), { minLength: history.records.length, maxLength: history.records.length }),
    copies: fc.array(fc.record({ index: fc.nat(), respelled: fc.boolean(), republished: fc.boolean(), formatSeed: fc.nat() }), { minLength: 1, maxLength: 12 }),
    category: fc.constantFrom<TimeCategory>('hour', 'day', 'week', 'month', 'year', 'all'),
    timeZone: fc.constantFrom('UTC', 'Europe/Helsinki', 'America/New_York'),
    untilShift: fc.option(fc.integer({ min: -300_000, max: 60_000 })),
  }),
);

interface Copy {
  index: number;
  respelled: boolean;
  republished: boolean;
  formatSeed: number;
}

/** The greatest vendorPoll of the history (-1 without positions). */
function lastPoll(history: BuiltHistory): number {
  let last = -1;
  for (const record of history.records) {
    const poll = typeof record === 'object' && record !== null ? (record as Record<string, unknown>)['vendorPoll'] : undefined;
    if (typeof poll === 'number') last = Math.max(last, poll);
  }
  return last;
}

/** The same row listed again by a later poll (only rows that have a vendor position). */
function republish(record: unknown, afterPoll: number, seed: number): unknown {
  if (typeof record !== 'object' || record === null || !('vendorPoll' in record)) return record;
  return { ...record, vendorPoll: afterPoll + 1 + (seed % 5), vendorRow: seed % 100 };
}

function scramble(history: BuiltHistory, shuffled: number[], copies: Copy[], shiftMs = 0): unknown[] {
  const out: unknown[] = shuffled.map((i) => history.records[i]);
  const afterPoll = lastPoll(history);
  for (const copy of copies) {
    const original = history.records[copy.index % history.records.length];
    const clone: unknown = original === undefined ? undefined : JSON.parse(JSON.stringify(original));
    const relisted = copy.republished ? republish(clone, afterPoll, copy.formatSeed) : clone;
    const duplicate = copy.respelled || shiftMs !== 0 ? respell(relisted, copy.formatSeed, shiftMs) : relisted;
    out.splice(copy.formatSeed % (out.length + 1), 0, duplicate);
  }
  return out;
}

interface Case {
  history: BuiltHistory;
  shuffled: number[];
  copies: Copy[];
  category: TimeCategory;
  timeZone: string;
  untilShift: number | null;
}

function check(c: Case, shiftMs = 0): void {
  const until = c.untilShift === null ? undefined : c.history.maxEventTime + c.untilShift;
  const input = scramble(c.history, c.shuffled, c.copies, shiftMs);
  const base = until === undefined ? {} : { until };
  assertRowsEqual(replay(input, sinchAgentStatusHistoryAdapter, base).rows, replay(c.history.records, sinchAgentStatusHistoryAdapter, base).rows, 'quarterHour/UTC after shuffle+duplicates');
  const rollup = { ...base, timeCategory: c.category, timeZone: c.timeZone };
  assertRowsEqual(replay(input, sinchAgentStatusHistoryAdapter, rollup).rows, replay(c.history.records, sinchAgentStatusHistoryAdapter, rollup).rows, `${c.category}/${c.timeZone} after shuffle+duplicates`);
}

describe('property: replay is independent of order and exact duplicates', () => {
  it('shuffled, duplicated and re-spelled input gives identical rows', () => {
    fc.assert(fc.property(caseArb, (c) => check(c)), fcParams(300));
  }, 120_000);

  it('accepted + Σ rejected = input length (the engine\'s documented ReplayResult contract), with duplicates', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = scramble(c.history, c.shuffled, c.copies);
        const result = replay(input, sinchAgentStatusHistoryAdapter);
        expect(result.accepted + Object.values(result.rejected).reduce((a, b) => a + b, 0)).toBe(input.length);
      }),
      fcParams(300),
    );
  }, 60_000);

  it('detects non-identical copies (the property can fail)', () => {
    const result = fc.check(fc.property(caseArb, (c) => check(c, 1)), { ...fcParams(100), endOnFailure: true });
    expect(result.failed).toBe(true);
  }, 60_000);
});

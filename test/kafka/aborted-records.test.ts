import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AbortedTransaction, FetchedRecord } from '../../src/kafka/aborted-records.ts';
import { abortedRecordIndexes } from '../../src/kafka/aborted-records.ts';

/** A step of the model log: producer `p` sends a record in its open transaction, or ends it, or sends outside any. */
type Step = { readonly p: number; readonly op: 'send' | 'commit' | 'abort' | 'plain' };

interface ModelLog {
  readonly records: FetchedRecord[];
  /** Offsets of records of transactions that ended in an abort (the oracle). */
  readonly abortedOffsets: ReadonlySet<number>;
  /** Every aborted transaction as the broker's transaction index holds it: producer, first offset, marker offset. */
  readonly index: readonly { producerId: string; firstOffset: number; lastOffset: number }[];
}

const MARKER = (abort: boolean): Buffer => Buffer.from([0, 0, 0, abort ? 0 : 1]);

/**
 * Writes the steps as a partition log of one-record batches (transactions left open at the end are aborted, as the
 * coordinator would). The oracle does not look at any aborted-transaction list: a transactional record is aborted
 * when the next marker of its producer after it is an ABORT marker.
 */
function writeLog(steps: readonly Step[]): ModelLog {
  const records: FetchedRecord[] = [];
  const open = new Map<number, number[]>();
  const abortedOffsets = new Set<number>();
  const index: { producerId: string; firstOffset: number; lastOffset: number }[] = [];
  const append = (p: number, control: boolean, inTransaction: boolean, key: Buffer | null): number => {
    const offset = records.length;
    records.push({ offset: String(offset), key, isControlRecord: control, batchContext: { firstOffset: String(offset), lastOffsetDelta: 0, producerId: String(1000 + p), inTransaction } });
    return offset;
  };
  const end = (p: number, abort: boolean): void => {
    const sent = open.get(p);
    if (sent === undefined) return;
    open.delete(p);
    const marker = append(p, true, true, MARKER(abort));
    if (!abort) return;
    for (const offset of sent) abortedOffsets.add(offset);
    index.push({ producerId: String(1000 + p), firstOffset: sent[0]!, lastOffset: marker });
  };
  for (const { p, op } of steps) {
    if (op === 'plain') append(p, false, false, Buffer.from(`plain-${p}`));
    else if (op === 'send') {
      const offset = append(p, false, true, Buffer.from(`tx-${p}`));
      open.set(p, [...(open.get(p) ?? []), offset]);
    } else end(p, op === 'abort');
  }
  for (const p of [...open.keys()]) end(p, true);
  return { records, abortedOffsets, index };
}

/** The list a read_committed fetch from `fetchOffset` gets: aborted transactions not ended before it, by marker offset. */
function brokerAbortedList(log: ModelLog, fetchOffset: number): AbortedTransaction[] {
  return log.index
    .filter((entry) => entry.lastOffset >= fetchOffset)
    .sort((a, b) => a.lastOffset - b.lastOffset)
    .map((entry) => ({ producerId: entry.producerId, firstOffset: String(entry.firstOffset) }));
}

const steps = fc.array(fc.record({ p: fc.integer({ min: 0, max: 3 }), op: fc.constantFrom<Step['op']>('send', 'send', 'send', 'commit', 'abort', 'plain') }), { minLength: 1, maxLength: 60 });

const kafkajsFilter = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages.js') as (input: { messages: FetchedRecord[]; abortedTransactions: AbortedTransaction[] }) => FetchedRecord[];

describe('abortedRecordIndexes', () => {
  it('finds exactly the records of aborted transactions, from any fetch offset, however transactions of different producers overlap', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (input, start) => {
        const log = writeLog(input);
        const fetchOffset = start % log.records.length;
        const fetched = log.records.slice(fetchOffset);
        const found = abortedRecordIndexes(fetched, brokerAbortedList(log, fetchOffset)).map((index) => Number(fetched[index]!.offset));
        const expected = [...log.abortedOffsets].filter((offset) => offset >= fetchOffset).sort((a, b) => a - b);
        expect(found).toEqual(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('uses the batch last offset to start a transaction whose first record is not in the response (compacted away)', () => {
    const record = (offset: number, producerId: string, firstOffset: number, lastOffsetDelta: number): FetchedRecord => ({
      offset: String(offset), key: Buffer.from('k'), isControlRecord: false, batchContext: { firstOffset: String(firstOffset), lastOffsetDelta, producerId, inTransaction: true },
    });
    // producer 7's aborted transaction starts at 10 (removed); its batch 10..12 still holds 11 and 12
    const fetched = [record(11, '7', 10, 2), record(12, '7', 10, 2)];
    expect(abortedRecordIndexes(fetched, [{ producerId: '7', firstOffset: '10' }])).toEqual([0, 1]);
  });

  it('kafkajs 2.2.4 filter disagrees with the oracle on overlapping aborted transactions (why the fix exists)', () => {
    // Producer 0 starts a transaction, producer 1 starts and aborts one inside it, then producer 0 aborts: the broker
    // lists 1's (ended first) before 0's, and kafkajs returns 0's first record as committed.
    const log = writeLog([{ p: 0, op: 'send' }, { p: 1, op: 'send' }, { p: 1, op: 'abort' }, { p: 0, op: 'send' }, { p: 0, op: 'abort' }]);
    const returned = kafkajsFilter({ messages: log.records, abortedTransactions: brokerAbortedList(log, 0) }).filter((r) => r.isControlRecord !== true);
    expect(returned.map((r) => Number(r.offset))).toEqual([0]);
    expect(log.abortedOffsets.has(0)).toBe(true);
    expect(abortedRecordIndexes(log.records, brokerAbortedList(log, 0))).toEqual([0, 1, 3]);
  });
});

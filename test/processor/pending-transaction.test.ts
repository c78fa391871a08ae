import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../src/processor/output-records.ts';
import { MAX_PENDING_RECORDS, PendingTransaction } from '../../src/processor/pending-transaction.ts';

const record = (i: number): OutgoingRecord => ({ topic: 'out', partition: 0, key: `k${i}`, value: { i } });

describe('PendingTransaction', () => {
  it('is due once the first uncommitted input has waited the interval, not later input', () => {
    const pending = new PendingTransaction(1_000);
    expect(pending.due(0)).toBe(false);
    pending.inputProcessed(10_000);
    pending.inputProcessed(10_900);
    expect(pending.due(10_999)).toBe(false);
    expect(pending.due(11_000)).toBe(true);
    pending.committed(11_000);
    expect(pending.due(50_000)).toBe(false);
    pending.inputProcessed(50_000);
    expect(pending.due(50_999)).toBe(false);
  });

  it('is due at every input with an interval of 0', () => {
    const pending = new PendingTransaction(0);
    expect(pending.due(5)).toBe(false);
    pending.inputProcessed(5);
    expect(pending.due(5)).toBe(true);
  });

  it('is due when MAX_PENDING_RECORDS records wait, and keeps them in the order added', () => {
    const pending = new PendingTransaction(60_000);
    const records = Array.from({ length: MAX_PENDING_RECORDS }, (_, i) => record(i));
    pending.add(records.slice(0, -1));
    expect(pending.due(0)).toBe(false);
    pending.add(records.slice(-1));
    expect(pending.due(0)).toBe(true);
    expect(pending.records).toEqual(records);
  });

  it('reports how long each applied watermark waited at the commit, once; a failed transaction drops everything', () => {
    const pending = new PendingTransaction(1_000);
    pending.add([record(1)]);
    pending.inputProcessed(100);
    pending.watermarkApplied(40);
    pending.watermarkApplied(90);
    expect(pending.committed(250)).toEqual([210, 160]);
    expect(pending.records).toEqual([]);
    expect(pending.committed(300)).toEqual([]);
    pending.add([record(2)]);
    pending.inputProcessed(400);
    pending.watermarkApplied(380);
    pending.discard();
    expect(pending.records).toEqual([]);
    expect(pending.due(10_000)).toBe(false);
    expect(pending.committed(10_000)).toEqual([]);
  });
});

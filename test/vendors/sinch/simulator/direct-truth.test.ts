import { describe, expect, it } from 'vitest';
import { directTruthRecords, generateGroundTruth } from '../../../../src/vendors/sinch/simulator/index.ts';

const FROM = Date.parse('2024-03-04T00:00:00.000Z');
const day = generateGroundTruth({ seed: 11, agents: 10, from: FROM, to: FROM + 86_400_000 });
const QH = 900_000;

describe('the simulator Direct truth (FILE.direct.ndjson)', () => {
  it('splits each direct call at quarter-hours, counts it in the quarter-hour of its last millisecond, and leaves queued calls out', () => {
    const lines = directTruthRecords(day);
    const calls = day.contacts.map((t) => t.contact).filter((c) => c.direct && c.connect !== null && c.user !== undefined && (c.type === 'CallIn' || c.type === 'CallOut'));
    const total = (type: string) => calls.filter((c) => c.type === type).reduce((s, c) => s + (c.disconnect - (c.connect ?? 0)), 0);
    expect(lines.reduce((s, l) => s + l.callInDirectDuration, 0)).toBe(total('CallIn'));
    expect(lines.reduce((s, l) => s + l.callOutDirectDuration, 0)).toBe(total('CallOut'));
    expect(lines.reduce((s, l) => s + l.countOfHandledCallInDirect + l.countOfHandledCallOutDirect, 0)).toBe(calls.length);
    expect(calls.some((c) => c.internal)).toBe(true);
    for (const line of lines) {
      expect(Date.parse(line.intervalStart) % QH).toBe(0);
      expect(line.callInDirectDuration + line.callOutDirectDuration).toBeLessThanOrEqual(QH);
    }
    const call = calls.find((c) => Math.floor((c.connect ?? 0) / QH) !== Math.floor((c.disconnect - 1) / QH));
    expect(call).toBeDefined();
    const end = Math.floor((call!.disconnect - 1) / QH) * QH;
    const last = lines.find((l) => l.userId === call!.user!.userId && l.intervalStart === new Date(end).toISOString());
    expect(last?.[call!.type === 'CallIn' ? 'countOfHandledCallInDirect' : 'countOfHandledCallOutDirect']).toBeGreaterThan(0);
  });
});

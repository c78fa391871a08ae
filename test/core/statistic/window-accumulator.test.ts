import { expect, it } from 'vitest';
import { metricIndex } from '../../../src/core/statistic/metric-vector.ts';
import { WindowAccumulator } from '../../../src/core/statistic/window-accumulator.ts';

const PART = '["Office","NONE",null]';

it('splits spans at quarter-hour boundaries to the millisecond and withdraws with sign −1', () => {
  const acc = new WindowAccumulator();
  const serving = metricIndex('servingDuration');
  const count = metricIndex('countOfHandledCallIn');
  const start = Date.UTC(2019, 11, 3, 7, 29, 59, 900);
  acc.addSpan(start, start + 900_200, Int8Array.of(serving), PART);
  acc.addCount(Date.UTC(2019, 11, 3, 7, 30), count, PART);
  const get = (m: number): number[] => Array.from(acc.windows.get(Date.UTC(2019, 11, 3, 7, m)) ?? []);
  expect(get(15)[serving]).toBe(100);
  expect(get(30)[serving]).toBe(900_000);
  expect(get(45)[serving]).toBe(100);
  expect(get(30)[count]).toBe(1);
  acc.sign = -1;
  acc.addSpan(start, start + 900_200, Int8Array.of(serving), PART);
  expect(get(30)[serving]).toBe(0);
});

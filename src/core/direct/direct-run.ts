import { KIND_CALL_IN, KIND_CALL_OUT } from '../events/status.ts';
import type { ContributionSink } from '../statistic/contribution-sink.ts';
import { metricIndex } from '../statistic/metric-vector.ts';
import type { DirectContactStore } from './direct-contact-store.ts';

const DIRECT_IN = Int8Array.of(metricIndex('callInDirectDuration'));
const DIRECT_OUT = Int8Array.of(metricIndex('callOutDirectDuration'));
const DIRECT_IN_COUNT = metricIndex('countOfHandledCallInDirect');
const DIRECT_OUT_COUNT = metricIndex('countOfHandledCallOutDirect');

/**
 * The direct-contact join of one ended handling run, shared by the live engine (EngineWindows) and the batch replay
 * (WindowAccumulator), so both count the Direct fields alike (docs/metrics.md, "Direct contacts"): a CallIn/CallOut run
 * of count kind `kind` over [start, end) that `store` joins to a direct contact (claim moved by `sign`) adds its
 * milliseconds to callIn/OutDirectDuration, split at quarter-hours like every span, and one
 * countOfHandledCallIn/OutDirect where its countOfHandledCallIn/Out went (its last millisecond). Milliseconds before
 * `floor` are left out (the live engine's windows that were dropped; the batch replay has none: −∞).
 */
export function addDirectRun(
  sink: Pick<ContributionSink, 'addSpan' | 'addCount'>,
  store: DirectContactStore,
  sign: number,
  floor: number,
  run: { readonly kind: number; readonly start: number; readonly end: number; readonly part: string },
): void {
  const { kind, start, end, part } = run;
  if ((kind !== KIND_CALL_IN && kind !== KIND_CALL_OUT) || store.claim(kind, start, end, sign) === null) return;
  const inbound = kind === KIND_CALL_IN;
  const from = Math.max(start, floor);
  if (from < end) sink.addSpan(from, end, inbound ? DIRECT_IN : DIRECT_OUT, part);
  if (end - 1 >= floor) sink.addCount(end - 1, inbound ? DIRECT_IN_COUNT : DIRECT_OUT_COUNT, part);
}

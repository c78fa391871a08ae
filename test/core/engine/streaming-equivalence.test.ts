import { describe, expect, it } from 'vitest';
import type { EngineConfig, EngineEmission, EngineSnapshot, QuarterHourEmission } from '../../../src/core/engine/timeline-engine.ts';
import { TimelineEngine } from '../../../src/core/engine/timeline-engine.ts';
import { replay } from '../../../src/core/replay/replay.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { generateHistory, prng, recordTime } from '../support/history-generator.ts';
import { sinchAgentStatusHistoryAdapter } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const CONFIG: EngineConfig = { allowedLatenessMs: 120_000, correctionHorizonMs: 3_600_000, tenant: 't1' };

function latestWindows(emissions: readonly EngineEmission[]): Map<string, QuarterHourEmission> {
  const latest = new Map<string, QuarterHourEmission>();
  for (const e of emissions) if (e.type === 'window') latest.set(`${e.window.userId}@${e.window.intervalStart}`, e.window);
  return latest;
}

function hasContent(w: QuarterHourEmission): boolean {
  return METRIC_FIELDS.some((f) => (f === 'servingDuration' || f.startsWith('countOf')) && w.metrics[f] !== 0 && w.metrics[f] !== null);
}

interface Run {
  emissions: EngineEmission[];
  engine: TimelineEngine;
}

/** Feeds records in a jittered order with nondecreasing watermarks; optionally snapshots midway. */
function run(
  records: readonly Record<string, unknown>[],
  seed: number,
  finalWatermark: number,
  snapshotAt = -1,
  config: EngineConfig = CONFIG,
): Run {
  const random = prng(seed);
  const order = records
    .map((r, i) => ({ r, key: recordTime(r) + random() * (random() < 0.3 ? 2_000_000 : 60_000), i }))
    .sort((a, b) => a.key - b.key);
  let engine = new TimelineEngine(config);
  const emissions: EngineEmission[] = [];
  let watermark = Number.NEGATIVE_INFINITY;
  order.forEach(({ r }, i) => {
    engine.ingestRecord(r, sinchAgentStatusHistoryAdapter);
    if (random() < 0.3) {
      watermark = Math.max(watermark, recordTime(r) - Math.floor(random() * 300_000));
      emissions.push(...engine.advanceWatermark(watermark));
    }
    if (i === snapshotAt) engine = TimelineEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot, config);
  });
  emissions.push(...engine.advanceWatermark(finalWatermark));
  return { emissions, engine };
}

describe('TimelineEngine streaming equals batch replay', () => {
  it.each([
    ['a one-hour correction horizon', CONFIG],
    ['a short horizon (checkpoints move, sessions are evicted)', { allowedLatenessMs: 60_000, correctionHorizonMs: 900_000, tenant: 't2' }],
  ])('for random histories, arrival orders and watermarks, with %s', (_name, config) => {
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const history = generateHistory(prng(seed));
      const finalWatermark = history.maxEventTime + 86_400_000;
      const { emissions, engine } = run(history.records, seed * 7 + 1, finalWatermark, -1, config);
      if ((engine.rejected['too-late'] ?? 0) > 0) continue;
      compared++;
      const batch = replay(history.records, sinchAgentStatusHistoryAdapter, { until: finalWatermark }).rows;
      const latest = [...latestWindows(emissions).values()].filter(hasContent);
      expect(latest.length, `seed ${seed}`).toBe(batch.length);
      for (const row of batch) {
        const w = latestWindows(emissions).get(`${row.userId}@${Date.parse(row.intervalStart)}`);
        expect(w, `seed ${seed} ${row.userId} ${row.intervalStart}`).toBeDefined();
        for (const f of METRIC_FIELDS) expect(w?.metrics[f], `seed ${seed} ${row.intervalStart} ${f}`).toBe(row[f]);
        expect(new Date(w?.maxChangeTimestamp ?? 0).toISOString(), `seed ${seed}`).toBe(row.maxChangeTimestamp);
        if (Date.parse(row.intervalEnd) + config.allowedLatenessMs <= finalWatermark) expect(w?.status).not.toBe('provisional');
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('snapshot → JSON → restore → continue emits exactly what an uninterrupted run emits', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const history = generateHistory(prng(seed));
      const finalWatermark = history.maxEventTime + 86_400_000;
      const straight = run(history.records, seed, finalWatermark);
      for (const at of [0, Math.floor(history.records.length / 2), history.records.length - 1]) {
        const resumed = run(history.records, seed, finalWatermark, at);
        expect(resumed.emissions, `seed ${seed} at ${at}`).toEqual(straight.emissions);
        expect(resumed.engine.snapshot()).toEqual(straight.engine.snapshot());
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { sourceProfile } from '../../../src/core/source/source-profiles.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { metricIndex, newMetricVector } from '../../../src/core/statistic/metric-vector.ts';
import {
  FIELD_KNOWN, FIELD_UNKNOWN, mergeCoverage, profileCoverage, publishCovered, publishedCoverage, publishedHasContent, publishedToVector, publishMetrics,
} from '../../../src/core/statistic/published-metrics.ts';

/** A vector with field i = (i + 1) * 1000. */
function filled(): Float64Array {
  const vector = newMetricVector();
  for (let i = 0; i < vector.length; i++) vector[i] = (i + 1) * 1000;
  return vector;
}

describe('published metrics', () => {
  it('a Sinch RAI vector is published as it is, but resting and the Direct split are null (docs/metrics.md)', () => {
    const metrics = publishMetrics(filled(), sourceProfile('sinch-rai'));
    const unknown = ['restingDuration', 'callInDirectDuration', 'callOutDirectDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect'];
    METRIC_FIELDS.forEach((field, i) => expect(metrics[field], field).toBe(unknown.includes(field) ? null : (i + 1) * 1000));
  });

  it('an Evo Voice vector keeps the numbers of its known fields and null, not 0, for the rest', () => {
    const vector = filled();
    vector[metricIndex('pauseDuration')] = 0;
    const metrics = publishMetrics(vector, sourceProfile('evo-voice'));
    expect(metrics.servingDuration).toBe((metricIndex('servingDuration') + 1) * 1000);
    expect(metrics.countOfHandledCallOut).toBe((metricIndex('countOfHandledCallOut') + 1) * 1000);
    expect(metrics.pauseDuration).toBeNull();
    expect(metrics.callInDuration).toBeNull();
    expect(METRIC_FIELDS.filter((f) => metrics[f] !== null).sort()).toEqual([...sourceProfile('evo-voice').knownFields].sort());
  });

  it('a sum over components: known everywhere is the sum, unknown everywhere is null, a mix is null and named partial', () => {
    const coverage = Uint8Array.from(profileCoverage(sourceProfile('sinch-rai')));
    mergeCoverage(coverage, profileCoverage(sourceProfile('evo-voice')));
    const evoOnly = Uint8Array.from(profileCoverage(sourceProfile('evo-voice')));
    mergeCoverage(evoOnly, profileCoverage(sourceProfile('evo-voice')));
    const vector = filled();
    const mixed = publishCovered(vector, coverage);
    expect(mixed.metrics.servingDuration).toBe(vector[metricIndex('servingDuration')]);
    expect(mixed.metrics.pauseDuration).toBeNull();
    expect(mixed.partialFields).toContain('pauseDuration');
    expect(mixed.partialFields).not.toContain('servingDuration');
    expect(mixed.partialFields.length + sourceProfile('evo-voice').knownFields.size).toBe(sourceProfile('sinch-rai').knownFields.size);
    expect(mixed.metrics.restingDuration).toBeNull();
    expect(mixed.partialFields).not.toContain('restingDuration');
    const sameSource = publishCovered(vector, evoOnly);
    expect(sameSource.partialFields).toEqual([]);
    expect(sameSource.metrics.pauseDuration).toBeNull();
    expect(coverage[metricIndex('pauseDuration')]).toBe(FIELD_KNOWN | FIELD_UNKNOWN);
  });

  it('a stored row gives back its vector and coverage; only a non-zero known field is content', () => {
    const row = { ...publishMetrics(filled(), sourceProfile('hostedsuite')) };
    const coverage = publishedCoverage(row);
    expect(coverage[metricIndex('servingDuration')]).toBe(FIELD_UNKNOWN);
    expect(coverage[metricIndex('callInDuration')]).toBe(FIELD_KNOWN);
    expect(publishCovered(publishedToVector(row), coverage).metrics).toEqual(row);
    expect(publishedHasContent(row)).toBe(true);
    const empty = publishMetrics(newMetricVector(), sourceProfile('hostedsuite'));
    expect(publishedHasContent(empty)).toBe(false);
    expect(publishedHasContent({ ...empty, servingDuration: 5 })).toBe(true);
  });
});

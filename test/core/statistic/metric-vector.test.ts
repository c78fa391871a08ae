import { describe, expect, it } from 'vitest';
import { H_WAITING, H_WRAP, handlingStatusCode, KIND_CALL_OUT, KIND_EMAIL_OUT, USER_NOT_READY, USER_READY } from '../../../src/core/events/status.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import { copyMetricVector, countedFields, METRIC_COUNT, metricIndex, metricsOf, metricsToVector, newMetricVector, vectorHasContent, vectorToArray, vectorToMetrics } from '../../../src/core/statistic/metric-vector.ts';

const names = (fields: Int8Array): string[] => Array.from(fields, (i) => METRIC_FIELDS[i] as string).sort();

describe('metric vectors', () => {
  it('converts both ways in METRIC_FIELDS order', () => {
    const vector = Float64Array.from(METRIC_FIELDS, (_, i) => i + 1);
    const metrics = vectorToMetrics(vector);
    expect(Object.keys(metrics)).toEqual([...METRIC_FIELDS]);
    METRIC_FIELDS.forEach((f, i) => expect(metrics[f]).toBe(i + 1));
    expect(Array.from(metricsToVector(metrics))).toEqual(Array.from(vector));
  });
  it('names indexed values in METRIC_FIELDS order, `missing` where an index has no value', () => {
    const values: (number | null)[] = METRIC_FIELDS.map((_, i) => (i % 3 === 0 ? null : i * 10));
    const metrics = metricsOf(values.slice(0, -1), null);
    expect(Object.keys(metrics)).toEqual([...METRIC_FIELDS]);
    METRIC_FIELDS.forEach((f, i) => expect(metrics[f]).toBe(i === METRIC_FIELDS.length - 1 ? null : values[i]));
  });
  it('hands out zeroed vectors that share no element, also across the buffers they are cut from', () => {
    const vectors = Array.from({ length: 100 }, () => newMetricVector());
    vectors.forEach((vector, i) => {
      expect(vector).toHaveLength(METRIC_COUNT);
      expect(vector.every((value) => value === 0)).toBe(true);
      vector.fill(i + 1);
    });
    vectors.forEach((vector, i) => expect(vector.every((value) => value === i + 1)).toBe(true));
    const source = Array.from({ length: METRIC_COUNT }, (_, i) => i * 1.5);
    const copy = copyMetricVector(source);
    expect(Array.from(copy)).toEqual(source);
    copy[0] = 99;
    expect(source[0]).toBe(0);
    expect(Array.from(copyMetricVector(copy))).toEqual(Array.from(copy));
    expect(vectorToArray(copy)).toEqual(Array.from(copy));
    expect(JSON.stringify(vectorToArray(copy))).toBe(JSON.stringify(Array.from(copy)));
  });
  it('has content with any non-zero field (a source without presence has handling time but no serving time)', () => {
    const v = newMetricVector();
    expect(vectorHasContent(v)).toBe(false);
    v[metricIndex('afterworkDuration')] = 5;
    expect(vectorHasContent(v)).toBe(true);
    const count = newMetricVector();
    count[metricIndex('countOfHandledChatOut')] = 1;
    expect(vectorHasContent(count)).toBe(true);
  });
  it('maps a counted millisecond to its fields', () => {
    expect(names(countedFields(USER_READY, H_WAITING, 0))).toEqual(['freeDuration', 'readyDuration', 'servingDuration', 'waitingDuration']);
    expect(names(countedFields(USER_NOT_READY, H_WAITING, 0))).toEqual(['notReadyDuration', 'servingDuration', 'waitingDuration']);
    expect(names(countedFields(USER_READY, H_WRAP, KIND_CALL_OUT))).toEqual(['afterworkCallOutDuration', 'afterworkDuration', 'readyDuration', 'servingDuration']);
    expect(names(countedFields(USER_READY, H_WRAP, KIND_EMAIL_OUT))).toEqual(['afterworkDuration', 'readyDuration', 'servingDuration']);
    const talkCbr = handlingStatusCode('Talking_Outbound_CBR') ?? 0;
    expect(names(countedFields(USER_READY, talkCbr, 0))).toEqual(['callOutDuration', 'contactHandlingDuration', 'readyDuration', 'servingDuration']);
    const dial = handlingStatusCode('Dialing_Outbound') ?? 0;
    expect(names(countedFields(USER_READY, dial, 0))).toEqual(['contactHandlingDuration', 'readyDuration', 'servingDuration']);
    const chatOut = handlingStatusCode('Chatting_Outbound') ?? 0;
    expect(names(countedFields(USER_READY, chatOut, 0))).toEqual(['chatDuration', 'contactHandlingDuration', 'readyDuration', 'servingDuration']);
  });
});

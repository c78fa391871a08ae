/**
 * Shared helpers for the property tests (test-only).
 *
 * Seeds: every property runs with a FIXED seed (PROPERTY_SEED below) so CI is reproducible. To explore
 * other seeds locally run e.g. `FC_SEED=123 npx vitest run test/core/properties`; to replay a reported
 * failure, use the seed and path fast-check prints (FC_SEED=<seed> FC_PATH=<path>).
 */
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../../../src/core/statistic/agent-statistic-fields.ts';

export const PROPERTY_SEED = 20241103;

export function fcParams(numRuns: number): { numRuns: number; seed: number; path?: string; endOnFailure: boolean } {
  const seed = process.env['FC_SEED'] === undefined ? PROPERTY_SEED : Number(process.env['FC_SEED']);
  const path = process.env['FC_PATH'];
  const runs = process.env['FC_RUNS'] === undefined ? numRuns : Number(process.env['FC_RUNS']);
  return path === undefined ? { numRuns: runs, seed, endOnFailure: false } : { numRuns: runs, seed, path, endOnFailure: false };
}

/** A row with published metrics (null where unknown); the oracle's rows (plain numbers) are RowLike too. */
export interface RowLike extends Record<MetricField, number | null> {
  userId: string;
  userName: string;
  timeCategory: string;
  intervalStart: string;
  intervalEnd: string;
  maxChangeTimestamp: string;
}

const LABEL_FIELDS = ['userId', 'userName', 'timeCategory', 'intervalStart', 'intervalEnd', 'maxChangeTimestamp'] as const;

/** Describes the first difference between two row lists (null when equal field by field). */
export function diffRows(actual: readonly RowLike[], expected: readonly RowLike[]): string | null {
  const key = (r: RowLike): string => `${r.userId}@${r.intervalStart}`;
  const actualByKey = new Map(actual.map((r) => [key(r), r]));
  const expectedByKey = new Map(expected.map((r) => [key(r), r]));
  const problems: string[] = [];
  for (const [k, e] of expectedByKey) {
    const a = actualByKey.get(k);
    if (a === undefined) {
      problems.push(`missing row ${k} (expected serving ${e.servingDuration})`);
      continue;
    }
    for (const f of LABEL_FIELDS) if (a[f] !== e[f]) problems.push(`${k} ${f}: actual ${a[f]} expected ${e[f]}`);
    for (const f of METRIC_FIELDS) if (a[f] !== e[f]) problems.push(`${k} ${f}: actual ${a[f]} expected ${e[f]}`);
  }
  for (const [k, a] of actualByKey) if (!expectedByKey.has(k)) problems.push(`extra row ${k} (serving ${a.servingDuration})`);
  if (problems.length === 0) {
    // same rows: order must match too
    const order = actual.map(key).join(',') === expected.map(key).join(',');
    if (!order) problems.push('rows not in the expected order (userId, intervalStart)');
    if (actual.length !== expected.length) problems.push(`row count ${actual.length} vs ${expected.length} (duplicate keys?)`);
  }
  return problems.length === 0 ? null : problems.slice(0, 12).join('\n') + (problems.length > 12 ? `\n… ${problems.length - 12} more` : '');
}

export function assertRowsEqual(actual: readonly RowLike[], expected: readonly RowLike[], what: string): void {
  const diff = diffRows(actual, expected);
  if (diff !== null) throw new Error(`${what}:\n${diff}`);
}

/** Field-wise sums; a field null in every row stays null (a mix of null and numbers throws: it must never happen). */
export function sumMetrics(rows: readonly Readonly<Record<MetricField, number | null>>[]): Record<MetricField, number | null> {
  const out = {} as Record<MetricField, number | null>;
  for (const f of METRIC_FIELDS) {
    const values = rows.map((r) => r[f]);
    const numbers = values.filter((v): v is number => v !== null);
    if (numbers.length > 0 && numbers.length < values.length) throw new Error(`${f}: a mix of numbers and null`);
    out[f] = numbers.length === 0 && values.length > 0 ? null : numbers.reduce((a, b) => a + b, 0);
  }
  return out;
}

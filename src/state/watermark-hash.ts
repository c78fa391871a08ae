import type { Completeness } from './store-types.ts';

/**
 * Reads a `watermark:{tenant}` hash (`p<partition>` → applied watermark, `partitions` → input partition count):
 * `upTo` is the lowest partition watermark, null until every expected partition has one.
 */
export function parseWatermarkHash(hash: Readonly<Record<string, string>>): Completeness {
  const partitions: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) if (/^p\d+$/.test(field)) partitions[field.slice(1)] = Number(value);
  const expected = hash['partitions'] === undefined ? null : Number(hash['partitions']);
  const values = Object.values(partitions);
  const complete = expected !== null && values.length >= expected;
  return { upTo: complete && values.length > 0 ? Math.min(...values) : null, partitions, expectedPartitions: expected };
}

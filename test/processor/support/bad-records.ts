import type { AvroSerde } from '../../../src/kafka/avro-serde.ts';
import { rawValue } from './pipeline.ts';
import type { RawRecord } from './raw-history.ts';
import { mulberry32 } from '../../../src/core/random/prng.ts';

/** One fuzzed input value and the errorCode the processor must dead-letter it with. */
export interface BadRecord {
  readonly key: string;
  readonly value: Buffer | null;
  readonly errorCode: string;
}

/** Semantically broken but well-typed records (they decode, the engine rejects them) and their reasons. */
const SEMANTIC: readonly [string, (good: RawRecord) => RawRecord][] = [
  ['missing-userId', (g) => ({ ...g, userId: '' })],
  ['missing-sessionId', (g) => ({ ...g, sessionId: '' })],
  ['bad-timestamp', (g) => ({ ...g, changeTimestamp: '2019-02-30 10:00:00.000' })],
  ['bad-timestamp', (g) => ({ ...g, changeTimestamp: 'yesterday' })],
  ['unknown-status', (g) => ({ ...g, status: 'Flying', statusTimestamp: g['changeTimestamp'] ?? '' })],
  ['unknown-userStatus', (g) => ({ ...g, userStatus: 'Asleep', userStatusTimestamp: g['changeTimestamp'] ?? '' })],
  ['missing-statusTimestamp', ({ statusTimestamp: _s, userStatus: _u, userStatusTimestamp: _t, ...g }) => ({ ...g, status: 'Waiting' })],
  ['no-status-change', ({ status: _s, statusTimestamp: _st, userStatus: _u, userStatusTimestamp: _ut, ...g }) => g],
  // "zero dates" and clock faults: event times far from the record's own changeTimestamp
  ['event-time-too-old', (g) => ({ ...g, status: 'Waiting', statusTimestamp: '1970-01-01 00:00:00.000' })],
  ['event-time-in-future', (g) => ({ ...g, status: 'Waiting', statusTimestamp: '2099-01-01 00:00:00.000' })],
];

/**
 * `count` fuzzed raw values, cycling through: random garbage (no wire header), a wire header naming a schema id
 * the registry does not know, truncated and over-long Avro bodies, a writer schema with wrong field types, a
 * writer schema of another record type, tombstones, an invalid tenant, and semantically broken records (zero-dated event times included).
 */
export async function fuzzBadRecords(options: {
  count: number;
  seed: number;
  good: readonly RawRecord[];
  serde: AvroSerde;
  rawTopic: string;
  wrongTypeSubjectTopic: string;
  otherRecordTopic: string;
}): Promise<BadRecord[]> {
  const random = mulberry32(options.seed);
  const int = (n: number) => Math.floor(random() * n);
  const template = async (i: number) => options.serde.encode(options.rawTopic, rawValue(options.good[i % options.good.length]!));
  const bad: BadRecord[] = [];
  for (let i = 0; bad.length < options.count; i++) {
    const good = options.good[int(options.good.length)]!;
    const key = good['userId'] ?? 'x';
    switch (i % 10) {
      case 0: {
        const bytes = Buffer.from(Array.from({ length: 1 + int(64) }, () => int(256)));
        bytes[0] = 1 + int(255);
        bad.push({ key, value: bytes, errorCode: 'WIRE_FORMAT_INVALID' });
        break;
      }
      case 1: {
        const header = Buffer.alloc(5);
        header.writeUInt32BE(900_000 + int(40), 1);
        bad.push({ key, value: Buffer.concat([header, Buffer.from(Array.from({ length: int(40) }, () => int(256)))]), errorCode: 'SCHEMA_NOT_FOUND' });
        break;
      }
      case 2: {
        const valid = await template(i);
        bad.push({ key, value: valid.subarray(0, 5 + int(Math.min(20, valid.length - 6))), errorCode: 'WIRE_FORMAT_INVALID' });
        break;
      }
      case 3:
        bad.push({ key, value: Buffer.concat([await template(i), Buffer.from([1, 2, 3, int(256)])]), errorCode: 'WIRE_FORMAT_INVALID' });
        break;
      case 4: {
        const value = { ...rawValue(good), changeTimestamp: int(1_000_000) };
        bad.push({ key, value: await options.serde.encode(options.wrongTypeSubjectTopic, value), errorCode: 'SCHEMA_MISMATCH' });
        break;
      }
      case 5: {
        const value = { tenant: 'default', source: 'x', pollId: `p${i}`, watermark: int(1e9), publishedAt: 0 };
        bad.push({ key, value: await options.serde.encode(options.otherRecordTopic, value), errorCode: 'SCHEMA_MISMATCH' });
        break;
      }
      case 6:
        bad.push({ key, value: null, errorCode: 'WIRE_FORMAT_INVALID' });
        break;
      case 7:
        bad.push({ key, value: await options.serde.encode(options.rawTopic, { ...rawValue(good), tenant: '' }), errorCode: 'RECORD_INVALID' });
        break;
      default: {
        const [reason, mutate] = SEMANTIC[int(SEMANTIC.length)]!;
        bad.push({ key, value: await options.serde.encode(options.rawTopic, rawValue(mutate(good))), errorCode: reason });
      }
    }
  }
  return bad;
}

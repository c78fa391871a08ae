/**
 * Encoding output values into the Confluent wire format: AvroSerde.encode (a reused buffer, one exact-size copy)
 * against the registry client's own encode (what AvroSerde did before), on the same values, alternating.
 *
 *   node bench/avro-encode.bench.ts [records=200000] [rounds=5]
 *
 * Values: dead letters whose original value is 100 bytes (the size of a timeline segment or a quarter-hour row) and,
 * one in 50, 20,000 bytes (a deflated changelog entry). Needs the registry (`npm run stack -- up`). Prints per round
 * the time of each and the medians; the outputs are compared byte for byte in the first round.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { deadLetterRecord } from '../src/processor/output-records.ts';
import { createBenchStack, machineLine, median } from './support/bench-stack.ts';

const [recordsArg = '200000', roundsArg = '5'] = process.argv.slice(2);
const RECORDS = Number(recordsArg);
const ROUNDS = Number(roundsArg);

console.log(`machine at start: ${machineLine()}`);
const stack = await createBenchStack();
try {
  const topic = stack.topics.deadLetter;
  const values = Array.from({ length: RECORDS }, (_, i) =>
    deadLetterRecord(topic, { topic: 'source', partition: i % 6, offset: String(i), key: Buffer.from(`user-${i % 800}`), value: Buffer.alloc(i % 50 === 0 ? 20_000 : 100, i % 251) }, { errorCode: 'TEST', reason: 'bench' }, 1_700_000_000_000 + i).value!,
  );
  const registry = new SchemaRegistry({ host: stack.config.schemaRegistry.url });
  const id = await stack.serde.schemaIdFor(topic);
  await stack.serde.encode(topic, values[0]);
  await registry.encode(id, values[0]);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let started = performance.now();
    const a: Buffer[] = [];
    for (const value of values) a.push(await stack.serde.encode(topic, value));
    const serdeMs = performance.now() - started;
    started = performance.now();
    const b: Buffer[] = [];
    for (const value of values) b.push(await registry.encode(id, value));
    const registryMs = performance.now() - started;
    if (round === 1 && a.some((buffer, i) => !buffer.equals(b[i]!))) throw new Error('the encodings differ');
    ours.push(serdeMs);
    theirs.push(registryMs);
    console.log(`round ${round}: AvroSerde.encode ${serdeMs.toFixed(0)} ms, registry encode ${registryMs.toFixed(0)} ms`);
  }
  const a = median(ours);
  const b = median(theirs);
  console.log(`${RECORDS} values, median of ${ROUNDS}: AvroSerde.encode ${a.toFixed(0)} ms (${((a * 1000) / RECORDS).toFixed(2)} µs/value), registry encode ${b.toFixed(0)} ms (${((b * 1000) / RECORDS).toFixed(2)} µs/value); ${(b / a).toFixed(2)}× faster`);
} finally {
  await stack.cleanup();
  await stack.redis.quit().catch(() => undefined);
}
console.log(`machine at end: ${machineLine()}`);
process.exit(0);

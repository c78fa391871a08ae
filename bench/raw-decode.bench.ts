/**
 * The processor's raw-record decoding alone: `RawRecordDecoder.decodeIfKnown` (wire header, Avro body resolved
 * against the reader schema, tenant check, the record without its envelope) over the raw records of the catch-up
 * bench, in one process.
 *
 *   node bench/raw-decode.bench.ts [records=200000] [rounds=7]
 *
 * Generates `records` agentStatusHistory records as bench/processor-throughput.bench.ts does (seed 7, 800 agents per
 * 200,000 records, 8 h), encodes them with the full writer schema as the pollers do, and serves that schema from a
 * local stand-in registry (test/support/fake-registry.ts). Each round decodes every record once; prints per round
 * and the median, in ms and µs per record. With BENCH_BASELINE_DIR=<a checkout of another commit>, that checkout's
 * decoder runs too, alternating round by round, and the ratio of the medians is printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { generateRawHistory } from '../test/processor/support/raw-history.ts';
import { schemaFound, startRegistryStub, ANSWERS } from '../test/support/fake-registry.ts';
import { machineLine, median, rawValue } from './support/bench-stack.ts';

const RECORDS = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 7);
const BASELINE_DIR = process.env['BENCH_BASELINE_DIR'];
const SCHEMA_ID = 1;

interface Decoder {
  decode(value: Buffer | null): Promise<unknown>;
  decodeIfKnown(value: Buffer | null): unknown;
}
type DecoderClass = new (endpoint: { url: string }, readerSchema: string, options: { notFoundTtlMs: number }) => Decoder;

async function decoderClass(root: string): Promise<DecoderClass> {
  const module = (await import(join(root, 'src/processor/raw-record-decoder.ts'))) as { RawRecordDecoder: DecoderClass };
  return module.RawRecordDecoder;
}

function round(decoder: Decoder, values: readonly Buffer[]): number {
  const started = performance.now();
  let fields = 0;
  for (const value of values) {
    const decoded = decoder.decodeIfKnown(value) as { record?: Record<string, unknown> } | undefined;
    if (decoded?.record === undefined) throw new Error('a record did not decode');
    fields += Object.keys(decoded.record).length;
  }
  if (fields === 0) throw new Error('no fields decoded');
  return performance.now() - started;
}

async function main(): Promise<void> {
  console.log(`machine: ${machineLine()}`);
  const schema = readFileSync(new URL('../schemas/sinch-agent-status-history.avsc', import.meta.url), 'utf8');
  const type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  const records = generateRawHistory({ seed: 7, agents: Math.max(1, Math.ceil(RECORDS / 250)), start: Date.parse('2026-03-02T06:00:00Z'), spanMs: 8 * 3_600_000 }).slice(0, RECORDS);
  const values = records.map((record) => {
    const header = Buffer.alloc(5);
    header.writeUInt32BE(SCHEMA_ID, 1);
    return Buffer.concat([header, type.toBuffer(rawValue(record))]);
  });
  const bytes = values.reduce((sum, value) => sum + value.length, 0);
  console.log(`${values.length} records, ${bytes} bytes (${(bytes / values.length).toFixed(0)} B/record)`);
  const stub = await startRegistryStub((path) => (path === `/schemas/ids/${SCHEMA_ID}` ? schemaFound(schema) : ANSWERS.proxyNotFound));
  try {
    const variants: [string, Decoder][] = [];
    for (const [name, root] of [['this tree', join(import.meta.dirname, '..')], ...(BASELINE_DIR === undefined ? [] : [['baseline', BASELINE_DIR]])] as const) {
      const Decoder = await decoderClass(root);
      const decoder = new Decoder({ url: stub.url }, schema, { notFoundTtlMs: 60_000 });
      await decoder.decode(values[0]!);
      variants.push([name, decoder]);
    }
    const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, decoder] of r % 2 === 0 ? variants : [...variants].reverse()) times.get(name)!.push(round(decoder, values));
    }
    for (const [name, list] of times) {
      const mid = median(list);
      console.log(`${name}: ${list.map((ms) => ms.toFixed(0)).join(', ')} ms; median ${mid.toFixed(0)} ms, ${((mid * 1000) / values.length).toFixed(2)} µs/record`);
    }
    if (BASELINE_DIR !== undefined) console.log(`this tree / baseline (medians): ${(median(times.get('this tree')!) / median(times.get('baseline')!)).toFixed(2)}`);
  } finally {
    await stub.close();
  }
}

await main();

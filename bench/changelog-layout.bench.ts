/**
 * How many changelog bytes and records different layouts of the state entries would write, on the engine alone.
 *
 *   node bench/changelog-layout.bench.ts [agents=200] [transactions=32]
 *
 * Generates 8 h of agentStatusHistory for `agents` agents (the fault test's generator), feeds it in event-time order
 * in `transactions` equal polls, each followed by its watermark, and after each takes the partition's state entries
 * (snapshotEntries) as a commit does. Per layout it then counts what the changelog tracker would send, the way
 * ChangelogTracker does: nothing for an entry whose JSON is unchanged; else the whole entry, or the parts whose id
 * the entry did not have before plus a manifest. Bytes are the state text plus an estimated 300 bytes of key and
 * envelope per record (and 70 per part id in a manifest). Layouts:
 * - whole entries up to 256 KiB, content-defined parts above (what the processor does);
 * - content-defined parts of about 4 KiB and 2 KiB (src/processor/content-chunks.ts with smaller limits);
 * - structural parts: cut where an array of the entry (log, marks, segments, windows) enters a new time bucket.
 */
import { TimelineEngine } from '../src/core/engine/timeline-engine.ts';
import { chunkId, splitContent } from '../src/processor/content-chunks.ts';
import type { ChunkLimits } from '../src/processor/content-chunks.ts';
import type { StateEntry } from '../src/processor/state-entries.ts';
import { snapshotEntries } from '../src/processor/state-entries.ts';
import { sinchAgentStatusHistoryAdapter } from '../src/vendors/sinch/agent-status-history-adapter.ts';
import { generateRawHistory } from '../test/processor/support/raw-history.ts';

const AGENTS = Number(process.argv[2] ?? 200);
const TRANSACTIONS = Number(process.argv[3] ?? 32);
const ENVELOPE_BYTES = 300;
const MANIFEST_BYTES_PER_PART = 70;

/** Splits an entry's JSON into the texts of its records (one text: written whole). */
type Layout = (entry: StateEntry) => string[];

const contentDefined = (whole: number, limits: ChunkLimits): Layout => (entry) => (entry.json.length <= whole ? [entry.json] : splitContent(entry.json, limits));

/** The first timestamp of an array element of the state (an event, a mark, a segment, a window), if it has one. */
function elementTime(element: unknown): number | null {
  if (Array.isArray(element)) return typeof element[0] === 'number' ? element[0] : null;
  if (element === null || typeof element !== 'object') return null;
  const object = element as { start?: unknown; segment?: { start?: unknown } };
  const time = object.start ?? object.segment?.start;
  return typeof time === 'number' ? time : null;
}

/** JSON.stringify of an entry, cut before each top-level field and where a top-level array enters a new bucket. */
const structural = (bucketMs: number, minPartBytes: number): Layout => (entry) => {
  let json = '{';
  const cuts: number[] = [];
  for (const [key, value] of Object.entries(JSON.parse(entry.json) as Record<string, unknown>)) {
    if (json.length > 1) json += ',';
    cuts.push(json.length);
    json += `${JSON.stringify(key)}:`;
    if (!Array.isArray(value)) {
      json += JSON.stringify(value);
      continue;
    }
    let bucket: number | null = null;
    json += '[';
    value.forEach((element: unknown, i) => {
      const time = elementTime(element);
      const next = time === null ? null : Math.floor(time / bucketMs);
      if (i > 0) {
        if (next !== null && bucket !== null && next !== bucket) cuts.push(json.length);
        json += ',';
      }
      if (next !== null) bucket = next;
      json += JSON.stringify(element) ?? 'null';
    });
    json += ']';
  }
  json += '}';
  if (json !== entry.json) throw new Error(`structural layout changed the JSON of ${entry.kind} ${entry.id}`);
  const parts: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    if (cut - start < minPartBytes) continue;
    parts.push(json.slice(start, cut));
    start = cut;
  }
  parts.push(json.slice(start));
  return parts;
};

const LAYOUTS: [string, Layout][] = [
  ['whole entries ≤ 256 KiB (now)', contentDefined(256 * 1024, { minBytes: 16 * 1024, maxBytes: 256 * 1024, maskBits: 14 })],
  ['content-defined ~4 KiB', contentDefined(8 * 1024, { minBytes: 2 * 1024, maxBytes: 64 * 1024, maskBits: 12 })],
  ['content-defined ~2 KiB', contentDefined(4 * 1024, { minBytes: 1024, maxBytes: 32 * 1024, maskBits: 11 })],
  ['structural, 1 h buckets', structural(3_600_000, 512)],
  ['structural, 15 min buckets', structural(900_000, 512)],
];

const records = generateRawHistory({ seed: 7, agents: AGENTS, start: Date.UTC(2024, 1, 5, 6), spanMs: 8 * 3_600_000 });
records.sort((a, b) => ((a['changeTimestamp'] ?? '') < (b['changeTimestamp'] ?? '') ? -1 : 1));
const engine = new TimelineEngine({ allowedLatenessMs: 120_000, correctionHorizonMs: 6 * 3_600_000, tenant: 't' });
const written = LAYOUTS.map(() => new Map<string, { json: string; parts: ReadonlySet<string> }>());
const sent = LAYOUTS.map(() => ({ bytes: 0, records: 0, ms: 0 }));
const size = Math.ceil(records.length / TRANSACTIONS);
let stateBytes = 0;
for (let t = 0; t < TRANSACTIONS; t++) {
  const poll = records.slice(t * size, (t + 1) * size);
  if (poll.length === 0) break;
  for (const record of poll) engine.ingestRecord(record, sinchAgentStatusHistoryAdapter);
  const watermark = Date.parse(`${(poll[poll.length - 1]?.['changeTimestamp'] ?? '').replace(' ', 'T')}Z`);
  engine.advanceWatermark(watermark, watermark);
  const entries = snapshotEntries('t', engine.snapshot());
  stateBytes = entries.reduce((sum, entry) => sum + entry.json.length, 0);
  LAYOUTS.forEach(([, layout], l) => {
    const started = performance.now();
    const before = written[l]!;
    const after = new Map<string, { json: string; parts: ReadonlySet<string> }>();
    const total = sent[l]!;
    for (const entry of entries) {
      const key = `${entry.kind}|${entry.id}`;
      const previous = before.get(key);
      if (previous?.json === entry.json) {
        after.set(key, previous);
        continue;
      }
      const texts = layout(entry);
      if (texts.length === 1) {
        total.bytes += entry.json.length + ENVELOPE_BYTES;
        total.records++;
        after.set(key, { json: entry.json, parts: new Set() });
        continue;
      }
      const parts = new Set<string>();
      for (const text of texts) {
        const id = chunkId(text);
        parts.add(id);
        if (previous?.parts.has(id) === true) continue;
        total.bytes += text.length + ENVELOPE_BYTES;
        total.records++;
      }
      total.bytes += ENVELOPE_BYTES + texts.length * MANIFEST_BYTES_PER_PART;
      total.records++;
      after.set(key, { json: entry.json, parts });
    }
    written[l] = after;
    total.ms += performance.now() - started;
  });
}
console.log(`${records.length} records, ${AGENTS} agents, ${TRANSACTIONS} transactions; state at the end ${(stateBytes / 1e6).toFixed(2)} MB`);
LAYOUTS.forEach(([name], l) => {
  const total = sent[l]!;
  console.log(`${name.padEnd(32)} ${(total.bytes / 1e6).toFixed(1).padStart(7)} MB in ${String(total.records).padStart(6)} records (layout and hashing ${total.ms.toFixed(0)} ms)`);
});

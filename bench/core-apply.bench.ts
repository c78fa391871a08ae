/**
 * Benchmark of the timeline core and the replay CLI.
 *
 *   node bench/core-apply.bench.ts [records=1000000] [runs=5]
 *
 * Generates well-formed Sinch agentStatusHistory records deterministically (seeded PRNG, many
 * agents and sessions), then reports the median events/s over several runs of:
 *   (a1) the batch core: canonical events → session machines → quarter-hour accumulation;
 *   (a2) the streaming engine: canonical events → TimelineEngine with a watermark every 10000 events;
 *   (b)  replay end to end from an NDJSON file on disk via replayCommand (parse + replay + serialize).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayCommand } from '../src/cli/replay.ts';
import type { AgentEvent } from '../src/core/events/agent-event.ts';
import { TimelineEngine } from '../src/core/engine/timeline-engine.ts';
import { aggregateQuarterHours } from '../src/core/replay/quarter-hour-aggregation.ts';
import { adaptSinchRecord } from '../src/core/sinch/agent-status-history.ts';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 5);
/** Optional: BENCH_ONLY=a1|a2|b runs one part (for profiling). */
const ONLY = process.env['BENCH_ONLY'];
const enabled = (part: string): boolean => ONLY === undefined || ONLY === part;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function sinchTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

type RawRecord = Record<string, string>;

/** Agents work shifts of sessions: Ready/Waiting, contacts (inbound, outbound dial+talk, chat, email), wrap, pauses. */
function generate(count: number): RawRecord[] {
  const random = prng(42);
  const agents = Math.max(1, Math.round(count / 200));
  const records: { t: number; r: RawRecord }[] = [];
  const base = Date.UTC(2024, 9, 1, 6);
  const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo));
  let perAgent = Math.ceil(count / agents);
  for (let a = 0; a < agents && records.length < count; a++) {
    const userId = `U${a.toString(16).toUpperCase().padStart(31, '0')}`;
    const userName = `Agent ${a}`;
    let t = base + between(0, 3_600_000);
    let session = 0;
    let left = Math.min(perAgent, count - records.length);
    while (left > 0) {
      const sessionId = `S${a.toString(16).padStart(20, '0')}${(session++).toString(16).padStart(11, '0')}`.toUpperCase();
      const push = (r: Record<string, string>, at: number): void => {
        records.push({ t: at, r: { sessionId, userId, userName, ...r, changeTimeStamp: sinchTime(at + between(50, 900)) } });
        left--;
      };
      push({ userStatus: 'Ready', userStatusTimeStamp: sinchTime(t), status: 'Waiting', statusTimestamp: sinchTime(t) }, t);
      const sessionRecords = Math.min(left, between(40, 160));
      for (let i = 0; i < sessionRecords - 2 && left > 1; i++) {
        t += between(5_000, 120_000);
        const roll = random();
        const status =
          roll < 0.3 ? 'Talking_Inbound'
          : roll < 0.4 ? 'Dialing_Outbound'
          : roll < 0.5 ? 'Talking_Outbound'
          : roll < 0.55 ? 'Chatting_Inbound'
          : roll < 0.6 ? 'Emailing_Inbound'
          : roll < 0.8 ? 'Wrap'
          : roll < 0.95 ? 'Waiting'
          : '';
        if (status === '') {
          push({ userStatus: random() < 0.5 ? 'Pause' : 'NotReady', userStatusTimeStamp: sinchTime(t), profile: 'Lunch', profileReason: 'NONE', profileType: 'Absence' }, t);
          t += between(60_000, 600_000);
          if (left > 1) push({ userStatus: 'Ready', userStatusTimeStamp: sinchTime(t), profile: 'Office', profileReason: 'NONE', profileType: 'Presence' }, t);
        } else {
          push({ status, statusTimestamp: sinchTime(t) }, t);
        }
      }
      t += between(1_000, 60_000);
      push({ status: 'LoggedOut', statusTimestamp: sinchTime(t) }, t);
      t += between(600_000, 7_200_000);
    }
    perAgent = Math.ceil((count - records.length) / Math.max(1, agents - a - 1));
  }
  records.sort((x, y) => x.t - y.t);
  return records.map((x) => x.r);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measure(label: string, events: number, body: () => void): number {
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    body();
    const seconds = (performance.now() - start) / 1000;
    rates.push(events / seconds);
  }
  const m = median(rates);
  console.log(`${label.padEnd(46)} median ${Math.round(m).toLocaleString('en-US').padStart(12)} events/s  (runs: ${rates.map((r) => Math.round(r / 1000) + 'k').join(', ')})`);
  return m;
}

async function measureAsync(label: string, events: number, body: () => Promise<void>): Promise<number> {
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await body();
    rates.push(events / ((performance.now() - start) / 1000));
  }
  const m = median(rates);
  console.log(`${label.padEnd(46)} median ${Math.round(m).toLocaleString('en-US').padStart(12)} events/s  (runs: ${rates.map((r) => Math.round(r / 1000) + 'k').join(', ')})`);
  return m;
}

const t0 = performance.now();
const records = generate(RECORDS);
const events: AgentEvent[] = [];
const perRecord: (readonly AgentEvent[])[] = [];
for (const record of records) {
  const adapted = adaptSinchRecord(record);
  if ('rejection' in adapted) throw new Error(`generator produced a bad record: ${adapted.rejection}`);
  perRecord.push(adapted.events);
  for (const e of adapted.events) events.push(e);
}
/** Optional: BENCH_WRITE=path writes the generated NDJSON there and exits. */
const writeTo = process.env['BENCH_WRITE'];
if (writeTo !== undefined) {
  writeFileSync(writeTo, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  process.exit(0);
}
console.log(`generated ${records.length.toLocaleString('en-US')} records / ${events.length.toLocaleString('en-US')} events in ${Math.round(performance.now() - t0)} ms; node ${process.version}`);

let rows = 0;
if (enabled('a1')) measure('(a1) core batch: events → machines → windows', events.length, () => {
  rows = aggregateQuarterHours(events).quarterHours.length;
});
console.log(`     quarter-hour rows: ${rows.toLocaleString('en-US')}`);

let emissions = 0;
if (enabled('a2')) measure('(a2) core streaming: TimelineEngine', events.length, () => {
  const engine = new TimelineEngine({ allowedLatenessMs: 120_000, correctionHorizonMs: 900_000, tenant: 'bench' });
  emissions = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < perRecord.length; i++) {
    const recordEvents = perRecord[i] as readonly AgentEvent[];
    engine.ingestEvents(recordEvents);
    if (i % 10_000 === 9_999) {
      watermark = Math.max(watermark, (recordEvents[0] as AgentEvent).eventTime - 30_000);
      emissions += engine.advanceWatermark(watermark).length;
    }
  }
  emissions += engine.advanceWatermark(watermark + 86_400_000).length;
});
console.log(`     emissions: ${emissions.toLocaleString('en-US')}`);

const dir = mkdtempSync(join(tmpdir(), 'agent-timelines-bench-'));
const file = join(dir, 'records.ndjson');
writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
let outBytes = 0;
const io = {
  stdin: (async function* () {})(),
  stdout: { write: (s: string) => (outBytes += s.length) },
  stderr: { write: (s: string) => process.stderr.write(s) },
  readFile: (path: string) => readFile(path, 'utf8'),
};
if (enabled('b')) await measureAsync('(b)  replay CLI: NDJSON file → rows JSON', events.length, async () => {
  outBytes = 0;
  const code = await replayCommand([file], io);
  if (code !== 0) throw new Error(`replay exited ${code}`);
});
console.log(`     output: ${outBytes.toLocaleString('en-US')} chars`);
rmSync(dir, { recursive: true, force: true });

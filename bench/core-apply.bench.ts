/**
 * Benchmark of the timeline core and the replay CLI.
 *
 *   node bench/core-apply.bench.ts [records=1000000] [runs=5]
 *
 * Generates well-formed Sinch agentStatusHistory records deterministically (seeded PRNG, many
 * agents and sessions), then reports the median events/s over several runs of:
 *   (a1) the batch core: canonical events → session machines → quarter-hour accumulation;
 *   (a2) the streaming engine: canonical events → TimelineEngine with a watermark every 10000 events;
 *   (a3) the streaming engine as the processor drives it: records split into partitions by userId, batches
 *        of 500 records per partition, advanceWatermark(max changeTimestamp seen) after every batch;
 *   (b)  replay end to end from an NDJSON file on disk via replayCommand (parse + replay + serialize).
 * With BENCH_BASELINE_DIR=<a checkout of an older commit>, (a2) and (a3) also run that checkout's engine in the
 * same process, so before/after ratios come from one run: `git worktree add /tmp/baseline <rev>` first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayCommand } from '../src/cli/replay.ts';
import type { AgentEvent } from '../src/core/events/agent-event.ts';
import { TimelineEngine } from '../src/core/engine/timeline-engine.ts';
import type { EngineConfig, EngineEmission } from '../src/core/engine/timeline-engine.ts';
import { aggregateQuarterHours } from '../src/core/replay/quarter-hour-aggregation.ts';
import { adaptSinchRecord } from '../src/vendors/sinch/agent-status-history-adapter.ts';
import { mulberry32 as prng } from '../src/core/random/prng.ts';

const RECORDS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 5);
/** Optional: BENCH_ONLY=a1|a2|a3|b runs one part (for profiling). */
const ONLY = process.env['BENCH_ONLY'];
const enabled = (part: string): boolean => ONLY === undefined || ONLY === part;
const BASELINE_DIR = process.env['BENCH_BASELINE_DIR'];
/** Partitions of (a3): records keyed by userId, as the ingest producer keys them. */
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const BATCH = 500;

/** The engine surface the streaming parts use (the current engine and the frozen baseline). */
interface StreamingEngine {
  ingestEvents(events: readonly AgentEvent[]): string | null;
  advanceWatermark(watermark: number): EngineEmission[];
}
type EngineFactory = (config: EngineConfig) => StreamingEngine;
const ENGINES: [string, EngineFactory][] = [
  ['', (config) => new TimelineEngine(config)],
];
if (BASELINE_DIR !== undefined) {
  const baseline = (await import(join(BASELINE_DIR, 'src/core/engine/timeline-engine.ts'))) as { TimelineEngine: new (config: EngineConfig) => StreamingEngine };
  ENGINES.push([' [baseline]', (config) => new baseline.TimelineEngine(config)]);
}
const CONFIG: EngineConfig = { allowedLatenessMs: 120_000, correctionHorizonMs: 900_000, tenant: 'bench' };

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
if (enabled('a2')) {
  for (const [suffix, create] of ENGINES) {
    measure(`(a2) core streaming: TimelineEngine${suffix}`, events.length, () => {
      const engine = create(CONFIG);
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
  }
}

/** (a3) input: per partition, the records' events in arrival order (changeTimestamp order within a partition). */
function partitionStreams(): (readonly AgentEvent[])[][] {
  const parts: (readonly AgentEvent[])[][] = Array.from({ length: PARTITIONS }, () => []);
  const partitionOf = new Map<string, number>();
  for (const recordEvents of perRecord) {
    const userId = (recordEvents[0] as AgentEvent).userId;
    let p = partitionOf.get(userId);
    if (p === undefined) {
      p = partitionOf.size % PARTITIONS;
      partitionOf.set(userId, p);
    }
    (parts[p] as (readonly AgentEvent[])[]).push(recordEvents);
  }
  for (const part of parts) part.sort((a, b) => (a[0] as AgentEvent).changeTime - (b[0] as AgentEvent).changeTime);
  return parts;
}
if (enabled('a3')) {
  const parts = partitionStreams();
  for (const [suffix, create] of ENGINES) {
    let advances = 0;
    let seconds = 0;
    measure(`(a3) processor-style: ${PARTITIONS} partitions × ${BATCH}${suffix}`, events.length, () => {
      const start = performance.now();
      emissions = 0;
      advances = 0;
      const engines = parts.map(() => create(CONFIG));
      const maxCt = parts.map(() => Number.NEGATIVE_INFINITY);
      const offsets = parts.map(() => 0);
      for (let busy = true; busy; ) {
        busy = false;
        parts.forEach((part, p) => {
          const engine = engines[p] as StreamingEngine;
          let at = offsets[p] as number;
          const end = Math.min(part.length, at + BATCH);
          if (at >= end) return;
          busy = true;
          let watermark = maxCt[p] as number;
          for (; at < end; at++) {
            const recordEvents = part[at] as readonly AgentEvent[];
            engine.ingestEvents(recordEvents);
            const ct = (recordEvents[0] as AgentEvent).changeTime;
            if (ct > watermark) watermark = ct;
          }
          offsets[p] = at;
          maxCt[p] = watermark;
          emissions += engine.advanceWatermark(watermark).length;
          advances++;
        });
      }
      engines.forEach((engine, p) => (emissions += engine.advanceWatermark((maxCt[p] as number) + 86_400_000).length));
      seconds = (performance.now() - start) / 1000;
    });
    console.log(`     emissions: ${emissions.toLocaleString('en-US')} in ${advances.toLocaleString('en-US')} advances (last run: ${Math.round(emissions / seconds).toLocaleString('en-US')} emissions/s)`);
  }
}

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

/**
 * Benchmark of `agent-timelines replay` on ordered NDJSON: peak RSS and wall time, beside a bare JSON.parse of every
 * line of the same file.
 *
 *   node bench/replay.bench.ts [sizes=1000000,10000000] [runs=3] [agents=5000]
 *
 * For each size, a deterministic input is generated once (mulberry32, seed 42) into
 * $BENCH_DIR (default /tmp/agent-timelines-bench): `agents` agents working back-to-back shifts of sessions
 * (Ready/Waiting, inbound and outbound calls, chats, e-mails, wrap, pauses with profiles, LoggedOut), their records
 * merged in event-time order, one JSON object per line. The agent count is fixed, so a larger input is a longer
 * period of the same center: the state the replay needs stays the same and only the input grows.
 *
 * Each run starts two child processes under `/usr/bin/time -v` (peak RSS = "Maximum resident set size"), alternating:
 *   replay: `node src/bin/cli.ts replay FILE` (default options: quarterHour, UTC, rows sorted by userId through the
 *           external merge sort, written to /dev/null);
 *   parse:  `node bench/support/parse-lines.ts FILE`: reads the file in 1 MiB chunks, splits lines, JSON.parse each.
 * Prints the median wall time and peak RSS of each, replay/parse ratios, and the 10 M / 1 M RSS ratio.
 * With BENCH_BASELINE_DIR=<checkout of an older commit>, inputs of at most 2 M records also run that checkout's
 * `replay` (the batch one holds everything: about 1.9 GB per million records) in the same alternation.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/random/prng.ts';

const SIZES = (process.argv[2] ?? '1000000,10000000').split(',').map(Number);
const RUNS = Number(process.argv[3] ?? 3);
const AGENTS = Number(process.argv[4] ?? 5000);
const DIR = process.env['BENCH_DIR'] ?? '/tmp/agent-timelines-bench';
const NODE = process.execPath;
const ROOT = new URL('..', import.meta.url).pathname;
const BASELINE_DIR = process.env['BENCH_BASELINE_DIR'];

function sinchTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** One agent's timeline: the next record it produces and when. */
interface Agent {
  readonly index: number;
  readonly userId: string;
  readonly userName: string;
  session: number;
  sessionId: string;
  /** Records left in the current session (0: the next record logs in). */
  left: number;
  /** Pending record to emit at `t` (pauses emit a Ready afterwards). */
  t: number;
  next: Record<string, string>;
}

/** Writes `count` records of `agents` agents in event-time order (a min-heap of agents by their next event time). */
async function generate(path: string, count: number, agents: number): Promise<void> {
  const random = mulberry32(42);
  const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo));
  const base = Date.UTC(2024, 9, 1, 6);
  const heap: Agent[] = [];
  const less = (a: Agent, b: Agent): boolean => a.t < b.t || (a.t === b.t && a.index < b.index);
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i] as Agent, heap[p] as Agent)) return;
      [heap[i], heap[p]] = [heap[p] as Agent, heap[i] as Agent];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l] as Agent, heap[m] as Agent)) m = l;
      if (r < heap.length && less(heap[r] as Agent, heap[m] as Agent)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as Agent, heap[i] as Agent];
      i = m;
    }
  };
  const login = (agent: Agent, t: number): void => {
    agent.sessionId = `S${agent.index.toString(16).padStart(20, '0')}${(agent.session++).toString(16).padStart(11, '0')}`.toUpperCase();
    agent.left = between(40, 160);
    agent.t = t;
    agent.next = { userStatus: 'Ready', userStatusTimeStamp: sinchTime(t), status: 'Waiting', statusTimestamp: sinchTime(t) };
  };
  /** Plans the agent's record after the one just written. */
  const plan = (agent: Agent, wrote: Record<string, string>): void => {
    agent.left--;
    if (wrote['status'] === 'LoggedOut') {
      login(agent, agent.t + between(600_000, 7_200_000));
      return;
    }
    if (wrote['userStatus'] === 'Pause' || wrote['userStatus'] === 'NotReady') {
      agent.t += between(60_000, 600_000);
      agent.next = { userStatus: 'Ready', userStatusTimeStamp: sinchTime(agent.t), profile: 'Office', profileReason: 'NONE', profileType: 'Presence' };
      return;
    }
    if (agent.left <= 1) {
      agent.t += between(1_000, 60_000);
      agent.next = { status: 'LoggedOut', statusTimestamp: sinchTime(agent.t) };
      return;
    }
    agent.t += between(5_000, 120_000);
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
    agent.next = status === ''
      ? { userStatus: random() < 0.5 ? 'Pause' : 'NotReady', userStatusTimeStamp: sinchTime(agent.t), profile: 'Lunch', profileReason: 'NONE', profileType: 'Absence' }
      : { status, statusTimestamp: sinchTime(agent.t) };
  };
  for (let a = 0; a < agents; a++) {
    const agent: Agent = { index: a, userId: `U${a.toString(16).toUpperCase().padStart(31, '0')}`, userName: `Agent ${a}`, session: 0, sessionId: '', left: 0, t: 0, next: {} };
    login(agent, base + between(0, 3_600_000));
    heap.push(agent);
    up(heap.length - 1);
  }
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  let text = '';
  for (let i = 0; i < count; i++) {
    const agent = heap[0] as Agent;
    const record = agent.next;
    text += JSON.stringify({ sessionId: agent.sessionId, userId: agent.userId, userName: agent.userName, ...record, changeTimeStamp: sinchTime(agent.t + between(50, 900)) }) + '\n';
    plan(agent, record);
    down(0);
    if (text.length > 1 << 20) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
  renameSync(tmp, path);
}

interface Measurement {
  seconds: number;
  maxRssMb: number;
}

/** Runs `args` under /usr/bin/time -v with stdout to /dev/null; wall time measured here, peak RSS from time(1). */
function measure(args: string[]): Measurement {
  const start = performance.now();
  const child = spawnSync('/usr/bin/time', ['-v', NODE, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}:\n${child.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
  if (rss === null) throw new Error(`no peak RSS in:\n${child.stderr}`);
  return { seconds, maxRssMb: Number(rss[1]) / 1024 };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const fmt = (n: number, digits = 2): string => n.toFixed(digits);

mkdirSync(DIR, { recursive: true });
console.log(`node ${process.version}, ${RUNS} runs per size, ${AGENTS} agents, inputs in ${DIR}`);
const summary: { size: number; replay: Measurement; parse: Measurement }[] = [];
for (const size of SIZES) {
  const path = join(DIR, `replay-${AGENTS}-${size}.ndjson`);
  if (!existsSync(path)) {
    const t0 = performance.now();
    await generate(path, size, AGENTS);
    console.log(`generated ${path} in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  console.log(`${size.toLocaleString('en-US')} records, ${fmt(statSync(path).size / 1e6, 0)} MB`);
  const replays: Measurement[] = [];
  const parses: Measurement[] = [];
  const baselines: Measurement[] = [];
  for (let run = 0; run < RUNS; run++) {
    const replay = measure(['src/bin/cli.ts', 'replay', path]);
    const parse = measure(['bench/support/parse-lines.ts', path]);
    replays.push(replay);
    parses.push(parse);
    let line = `  run ${run + 1}: replay ${fmt(replay.seconds)} s ${fmt(replay.maxRssMb, 0)} MB | parse ${fmt(parse.seconds)} s ${fmt(parse.maxRssMb, 0)} MB`;
    if (BASELINE_DIR !== undefined && size <= 2_000_000) {
      const baseline = measure([join(BASELINE_DIR, 'src/bin/cli.ts'), 'replay', path]);
      baselines.push(baseline);
      line += ` | baseline replay ${fmt(baseline.seconds)} s ${fmt(baseline.maxRssMb, 0)} MB`;
    }
    console.log(line);
  }
  if (baselines.length > 0) {
    console.log(`  median baseline replay: ${fmt(median(baselines.map((m) => m.seconds)))} s, peak RSS ${fmt(median(baselines.map((m) => m.maxRssMb)), 0)} MB`);
  }
  const replay = { seconds: median(replays.map((m) => m.seconds)), maxRssMb: median(replays.map((m) => m.maxRssMb)) };
  const parse = { seconds: median(parses.map((m) => m.seconds)), maxRssMb: median(parses.map((m) => m.maxRssMb)) };
  summary.push({ size, replay, parse });
  console.log(
    `  median: replay ${fmt(replay.seconds)} s, peak RSS ${fmt(replay.maxRssMb, 0)} MB; parse ${fmt(parse.seconds)} s, peak RSS ${fmt(parse.maxRssMb, 0)} MB; ` +
      `replay/parse time ${fmt(replay.seconds / parse.seconds)}×, replay ${Math.round(size / replay.seconds).toLocaleString('en-US')} records/s`,
  );
}
if (summary.length > 1) {
  const first = summary[0] as (typeof summary)[number];
  const last = summary[summary.length - 1] as (typeof summary)[number];
  console.log(`peak RSS ${last.size.toLocaleString('en-US')} / ${first.size.toLocaleString('en-US')}: ${fmt(last.replay.maxRssMb / first.replay.maxRssMb)}× (acceptance ≤ 1.2×)`);
}
for (const s of summary) console.log(`time replay / parse at ${s.size.toLocaleString('en-US')}: ${fmt(s.replay.seconds / s.parse.seconds)}× (acceptance ≤ 2×)`);

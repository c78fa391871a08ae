/**
 * End-to-end processor latency at a fixed input rate.
 *
 *   node bench/processor-latency.bench.ts [ratePerSecond=500] [seconds=60] [agents=1000]
 *
 * Starts one processor instance (startProcessorInstance, Redis sink off) on a fresh `bench-<uuid>.` topic set, in a
 * child process of its own (bench/support/processor-child.ts) so that it does not share its thread with this
 * process's load generator and output reader, as in production (`BENCH_PROCESSOR=inline`: in this process, as the
 * bench ran before 2026-12-01; `BENCH_CHILD_EXEC_ARGV` passes node options to the child, e.g. `--cpu-prof`). Then it
 * produces live agentStatusHistory records for `agents` agents at `ratePerSecond` (batches every 100 ms, keyed by
 * userId, acks=all; each agent logs in first, then cycles Talking_Inbound → Wrap → Waiting with changeTimestamp =
 * statusTimestamp = now), and a poll watermark (= the newest changeTimestamp produced) after every second's records.
 * A read_committed consumer on out.agent-statistic-quarter-hour decodes every row; a record counts as visible when
 * a row of its user arrives whose maxChangeTimestamp is ≥ the record's changeTimestamp (the processor reads a
 * partition in order, so the row was built after the record). Latency = that arrival time − the record's send time.
 * Windows are only emitted when a watermark is applied, so latency includes waiting for the next watermark (≤ 1 s).
 * Reports p50/p90/p99/max over all records and without the first 5 s (warm-up), and the time from sending the
 * watermark that covers a record (the first one sent after it) to the row. Also reports the issue's definition of
 * the processor's own part: from the processor reading a watermark to the commit of the rows applying it emitted
 * (the `watermark_commit_ms` observations, one per watermark and partition, after the warm-up), the partitions' state
 * transactions (`state_commit_ms`), how many of those watermark samples overlapped a state transaction of their
 * partition or only another partition's, and how many of the highest 1 % overlapped any. Deletes its topics,
 * subjects, groups and Redis keys at the end.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Config } from '../src/config/config.ts';
import type { Message } from 'kafkajs';
import { parseTimestamp } from '../src/core/time/timestamp.ts';
import { startProcessorInstance } from '../src/processor/processor-instance.ts';
import { createProcessorMetrics } from '../src/processor/processor-metrics.ts';
import { createLogger } from '../src/runtime/logger.ts';
import type { QuarterHourRow } from '../src/state/store-types.ts';
import { sinchTimestamp } from '../test/processor/support/raw-history.ts';
import { cleanupOnSignal, createBenchStack, machineLine, median, percentile, rawValue, sleep, watermarkMessage } from './support/bench-stack.ts';
import type { RawRecord } from './support/bench-stack.ts';
import { processorSource } from '../src/cli/processor-sources.ts';

const RATE = Number(process.argv[2] ?? 500);
const SECONDS = Number(process.argv[3] ?? 60);
const AGENTS = Number(process.argv[4] ?? 1000);
const TICK_MS = 100;
const WARMUP_MS = 5_000;
const DRAIN_MS = 20_000;
const FLOW = ['Talking_Inbound', 'Wrap', 'Waiting'] as const;
const INLINE = process.env['BENCH_PROCESSOR'] === 'inline';

/** A histogram observation of the processor: name, duration, when it ended (epoch ms) and its partition label. */
type Observe = (name: string, ms: number, at: number, partition: string) => void;

/** One observed duration, ending at `at` (epoch ms). */
interface Timed {
  readonly ms: number;
  readonly at: number;
  readonly partition: string;
}

interface BenchProcessor {
  /** Resolves once every assigned partition is restored (or after 10 s). */
  readonly ready: Promise<void>;
  readonly stop: () => Promise<void>;
}

/** The processor on this thread, sharing it with the load generator and the output reader (the bench before 2026-12-01). */
async function inlineProcessor(config: Config, observe: Observe): Promise<BenchProcessor> {
  const metrics = createProcessorMetrics();
  metrics.onObservation(({ name, ms, labels }) => observe(name, ms, Date.now(), labels['partition'] ?? ''));
  const instance = await startProcessorInstance(config, processorSource(config, 'sinch-rai'), createLogger('error'), { metrics });
  instance.fatal.catch((error: unknown) => console.error('processor failed:', error));
  const ready = (async () => {
    for (let i = 0; i < 100 && !instance.processor.status().restored; i++) await sleep(100);
  })();
  return { ready, stop: () => instance.stop() };
}

/** The processor in a child process of its own (bench/support/processor-child.ts), as `agent-timelines process` runs it. */
async function childProcessor(env: Record<string, string>, observe: Observe): Promise<BenchProcessor> {
  const execArgv = (process.env['BENCH_CHILD_EXEC_ARGV'] ?? '').split(' ').filter((arg) => arg !== '');
  const child = fork(fileURLToPath(new URL('./support/processor-child.ts', import.meta.url)), [], { env: { ...process.env, ...env }, execArgv });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`processor child exited with ${code}`)));
    child.on('message', (message: { type: string; name?: string; ms?: number; at?: number; partition?: string }) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'observation') observe(message.name!, message.ms!, message.at!, message.partition ?? '');
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

interface Pending {
  readonly changeTs: number;
  readonly sentAt: number;
}

async function main(): Promise<void> {
  console.log(`machine at start: ${machineLine()}`);
  const stack = await createBenchStack({ PROCESSOR_REDIS_SINK: 'false' });
  const extraGroups: string[] = [];
  const cleanup = (): Promise<void> => stack.cleanup(extraGroups);
  cleanupOnSignal(cleanup);
  try {
    const seenToCommitted: Timed[] = [];
    const stateCommits: Timed[] = [];
    let measureFrom = Infinity;
    const observe: Observe = (name, ms, at, partition) => {
      if (at < measureFrom) return;
      if (name === 'watermark_commit_ms') seenToCommitted.push({ ms, at, partition });
      else if (name === 'state_commit_ms') stateCommits.push({ ms, at, partition });
    };
    const processor = INLINE ? await inlineProcessor(stack.config, observe) : await childProcessor(stack.baseEnv, observe);
    console.log(`processor: ${INLINE ? 'in this process (BENCH_PROCESSOR=inline)' : 'a child process'}`);
    const pending = new Map<string, Pending[]>();
    const latencies: { sentAt: number; ms: number }[] = [];
    let rows = 0;
    const outGroup = `${stack.id}-out-${randomUUID()}`;
    extraGroups.push(outGroup);
    const out = stack.kafka.consumer({ groupId: outGroup, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 50 });
    await out.connect();
    await out.subscribe({ topics: [stack.topics.quarterHours], fromBeginning: true });
    await out.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        const arrived = Date.now();
        for (const message of batch.messages) {
          if (message.value === null) continue;
          const row = await stack.serde.decode<QuarterHourRow>(message.value);
          rows++;
          const queue = pending.get(row.userId);
          if (queue === undefined) continue;
          let n = 0;
          while (n < queue.length && queue[n]!.changeTs <= row.maxChangeTimestamp) {
            latencies.push({ sentAt: queue[n]!.sentAt, ms: arrived - queue[n]!.sentAt });
            n++;
          }
          if (n > 0) queue.splice(0, n);
        }
      },
    });
    // Let the processor and the output consumer join their groups before the clock starts.
    await processor.ready;
    await sleep(2_000);

    const step = new Map<number, number>();
    const lastTs = new Map<number, number>();
    let nextAgent = 0;
    let sent = 0;
    const perTick = RATE * (TICK_MS / 1000);
    const started = Date.now();
    const endAt = started + SECONDS * 1000;
    measureFrom = started + WARMUP_MS;
    let newest = 0;
    const watermarkSentAt: number[] = [];
    for (let tick = 0; ; tick++) {
      const due = started + tick * TICK_MS;
      if (due >= endAt) break;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const now = Date.now();
      const messages: Message[] = [];
      const batch: { userId: string; changeTs: number }[] = [];
      for (let i = 0; i < perTick; i++) {
        const agent = nextAgent;
        nextAgent = (nextAgent + 1) % AGENTS;
        const userId = `B${String(agent).padStart(5, '0')}`;
        // Unique, increasing changeTimestamps per agent, never behind the last watermark.
        const ts = Math.max(now, (lastTs.get(agent) ?? 0) + 1);
        lastTs.set(agent, ts);
        const stamp = sinchTimestamp(ts);
        const k = step.get(agent) ?? -1;
        step.set(agent, k + 1);
        const record: RawRecord =
          k < 0
            ? { sessionId: `S-${userId}`, userId, userName: `Agent ${agent}`, signOn: stamp, userStatus: 'Ready', userStatusTimestamp: stamp, status: 'Waiting', statusTimestamp: stamp, changeTimestamp: stamp }
            : { sessionId: `S-${userId}`, userId, userName: `Agent ${agent}`, status: FLOW[k % FLOW.length]!, statusTimestamp: stamp, changeTimestamp: stamp };
        messages.push({ key: userId, value: await stack.serde.encode(stack.topics.raw, rawValue(record)) });
        batch.push({ userId, changeTs: parseTimestamp(stamp) });
        newest = Math.max(newest, ts);
      }
      const sentAt = Date.now();
      for (const { userId, changeTs } of batch) {
        let queue = pending.get(userId);
        if (queue === undefined) pending.set(userId, (queue = []));
        queue.push({ changeTs, sentAt });
      }
      await stack.producer.send({ topic: stack.topics.raw, acks: -1, messages });
      sent += messages.length;
      if ((tick + 1) % (1000 / TICK_MS) === 0) {
        watermarkSentAt.push(Date.now());
        await stack.producer.send({ topic: stack.topics.watermarks, acks: -1, messages: [await watermarkMessage(stack, newest)] });
      }
    }
    const producedMs = Date.now() - started;
    watermarkSentAt.push(Date.now());
    await stack.producer.send({ topic: stack.topics.watermarks, acks: -1, messages: [await watermarkMessage(stack, newest)] });
    const drainUntil = Date.now() + DRAIN_MS;
    while (latencies.length < sent && Date.now() < drainUntil) await sleep(100);
    await out.disconnect();
    await processor.stop();

    const all = latencies.map((l) => l.ms);
    const steady = latencies.filter((l) => l.sentAt - started >= WARMUP_MS).map((l) => l.ms);
    const show = (label: string, values: readonly number[]): void => {
      if (values.length === 0) {
        console.log(`${label}: no records matched`);
        return;
      }
      console.log(`${label}: n=${values.length} p50 ${percentile(values, 50)} ms, p90 ${percentile(values, 90)} ms, p99 ${percentile(values, 99)} ms, max ${values.reduce((a, b) => Math.max(a, b), -Infinity)} ms, median ${median(values)} ms`);
    };
    console.log('');
    console.log(`produced ${sent} records in ${(producedMs / 1000).toFixed(1)} s (${Math.round(sent / (producedMs / 1000))} records/s, target ${RATE}/s), ${AGENTS} agents, watermark every 1 s`);
    console.log(`quarter-hour rows read: ${rows}; records matched to an output row: ${latencies.length} of ${sent}`);
    show('latency, all records', all);
    show(`latency, after the first ${WARMUP_MS / 1000} s`, steady);
    // The part after the watermark that covers a record was sent: the processor's own share of the latency.
    const afterWatermark: number[] = [];
    for (const l of latencies) {
      if (l.sentAt - started < WARMUP_MS) continue;
      let lo = 0;
      let hi = watermarkSentAt.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (watermarkSentAt[mid]! < l.sentAt) lo = mid + 1;
        else hi = mid;
      }
      const wm = watermarkSentAt[lo];
      if (wm !== undefined) afterWatermark.push(l.sentAt + l.ms - wm);
    }
    show(`time from sending the covering watermark to the row, after the first ${WARMUP_MS / 1000} s`, afterWatermark);
    show(`processor's own part, watermark read → its rows committed (per watermark and partition), after the first ${WARMUP_MS / 1000} s`, seenToCommitted.map((s) => Math.round(s.ms)));
    show(`state transactions of the partitions, after the first ${WARMUP_MS / 1000} s`, stateCommits.map((s) => Math.round(s.ms)));
    const overlaps = (w: Timed, own: boolean): boolean => stateCommits.some((s) => (s.partition === w.partition) === own && s.at - s.ms < w.at && s.at > w.at - w.ms);
    const listed = (samples: readonly Timed[]): string => (samples.length === 0 ? '' : ` (${samples.map((s) => Math.round(s.ms)).sort((a, b) => b - a).join(', ')} ms)`);
    const ownOverlap = seenToCommitted.filter((w) => overlaps(w, true));
    console.log(`own-part samples that overlapped a state transaction of their partition: ${ownOverlap.length} of ${seenToCommitted.length}${listed(ownOverlap)}`);
    const otherOverlap = seenToCommitted.filter((w) => !overlaps(w, true) && overlaps(w, false));
    const top = [...seenToCommitted].sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.ceil(seenToCommitted.length / 100)));
    console.log(`… that overlapped only another partition's: ${otherOverlap.length}; of the ${top.length} highest samples, ${top.filter((w) => overlaps(w, false) || overlaps(w, true)).length} overlapped any state transaction`);
    console.log(`machine at end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);

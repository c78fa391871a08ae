/**
 * Processor throughput against the pipe alone and a plain kafkajs consume of the same raw records, side by side in one
 * run.
 *
 *   node bench/processor-throughput.bench.ts [records=200000] [runs=3] [feed=polls|end]
 *
 * Generates `records` raw agentStatusHistory records deterministically (test/processor/support/raw-history.ts,
 * seed 7, 8 h of an 8-hour day), Avro-encodes them once and produces them (keyed by userId, acks=all) plus one
 * poll watermark per quarter hour of event time into `runs` fresh `bench-<uuid>.` topic sets: the processor restores its
 * state (and its input position) from the changelog, so every processor run needs its own topics. Then it
 * alternates, for i = 1..runs:
 *   (raw i)  a kafkajs consumer group (fresh group id, eachBatch, no processing) reads set i's raw topic to its end;
 *   (proc i) a processor instance (startProcessorInstance, fresh group id, Redis sink off) consumes set i's raw topic
 *            until its committed offsets (admin.fetchOffsets) reach the end offsets and every partition has committed
 *            the last watermark (its `applied_watermark_ms` gauge, set after each commit): a catch-up is done when the
 *            rows and state of its last watermark are committed, not when its input offsets are. Its first record and
 *            that last commit are timed inside the processor's metrics calls (a polling loop sees them late: a batch
 *            is processed without yielding to timers);
 *   (pipe i) the pipe alone (bench/support/pipe-consume.ts): what proc i committed to its output topics is read back,
 *            then a fresh group consumes set i's raw topic again and, per batch, produces that batch's share of those
 *            records (same keys, values, partitions) and commits the offset in one transaction per batch, with the
 *            processor's producer settings: the processor's Kafka traffic without the engine.
 * With BENCH_CPU_PROFILE=<dir>, each processor run (proc i, and only it) is CPU-profiled in this process through
 * node:inspector, into <dir>/proc-<i>.cpuprofile (summarise with bench/support/cpu-profile-top.ts).
 * With BENCH_PLATFORMATIC=1, each round also runs the raw consume and the pipe with @platformatic/kafka
 * (bench/support/pipe-consume-platformatic.ts), for the choice of Kafka client.
 * Reports records/s medians (wall time from start, and from the first record seen, i.e. without the group join)
 * and the ratios processor/pipe and processor/raw. Deletes its topics, subjects, groups and Redis keys at the end.
 * The processor is started after everything was produced (a catch-up). With feed `polls` (default) the records are
 * produced as a poller would, a quarter-hour of change time at a time, each followed by its watermark carrying where
 * the records ended (`rawEnds`, docs/processor.md), so each watermark applies as the partition reads past it. With
 * feed `end` all records come first and the watermarks carry no ends: every watermark is gated at the end offsets,
 * the windows stay provisional until the partition reaches its end, then go final in one advance (the behaviour
 * before `rawEnds`, and that of pollers that do not count their ends).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Message } from 'kafkajs';
import { startProcessorInstance } from '../src/processor/processor-instance.ts';
import { createLogger } from '../src/runtime/logger.ts';
import { generateRawHistory } from '../test/processor/support/raw-history.ts';
import {
  cleanupOnSignal, committedReached, createBenchStack, encodeRaw, endOffsets, machineLine, median, produceMessages, restamp, sleep, watermarkMessage,
} from './support/bench-stack.ts';
import type { BenchStack, RawRecord } from './support/bench-stack.ts';
import { processorSource } from '../src/cli/processor-sources.ts';
import { producePolls } from './support/bench-polls.ts';
import { captureOutputs, pipeConsume } from './support/pipe-consume.ts';
import { pipeConsumePlatformatic, rawConsumePlatformatic } from './support/pipe-consume-platformatic.ts';
import type { ConsumeResult } from './support/pipe-consume-platformatic.ts';
import type { PipeResult } from './support/pipe-consume.ts';
import { createProcessorMetrics } from '../src/processor/processor-metrics.ts';
import type { ProcessorMetrics } from '../src/processor/processor-metrics.ts';

const RECORDS = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.argv[3] ?? 3);
const FEED = process.argv[4] ?? 'polls';
if (FEED !== 'polls' && FEED !== 'end') throw new Error(`feed must be polls or end, not ${FEED}`);
const START = Date.parse('2026-03-02T06:00:00Z');
const SPAN_MS = 8 * 3_600_000;
const DEADLINE_MS = 90_000;

function generate(records: number): RawRecord[] {
  // ≈ 290 records per agent over 8 h with 2 sessions; generate a few more agents and keep the first `records`.
  const agents = Math.max(1, Math.ceil(records / 250));
  return generateRawHistory({ seed: 7, agents, start: START, spanMs: SPAN_MS }).slice(0, records);
}

interface RunResult {
  readonly totalMs: number;
  readonly fromFirstMs: number;
}

interface ProcResult extends RunResult {
  readonly windows: number;
  readonly transactions: number;
  /** End offsets summed over partitions per output topic (records plus transaction markers). */
  readonly out: Record<string, number>;
}

async function rawConsume(stack: BenchStack, ends: ReadonlyMap<number, number>, expected: number): Promise<RunResult> {
  const consumer = stack.kafka.consumer({ groupId: `${stack.id}-raw-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  const started = performance.now();
  let first = 0;
  let seen = 0;
  const done = new Promise<void>((resolve) => {
    const remaining = new Map([...ends].filter(([, end]) => end > 0));
    void consumer.connect().then(async () => {
      await consumer.subscribe({ topics: [stack.topics.raw], fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: ends.size,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = performance.now();
          seen += batch.messages.length;
          const end = remaining.get(batch.partition);
          if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      });
    });
  });
  await Promise.race([done, sleep(DEADLINE_MS).then(() => Promise.reject(new Error('raw consume timed out')))]);
  const finished = performance.now();
  await consumer.disconnect();
  if (seen < expected) throw new Error(`raw consumer saw ${seen} of ${expected} records`);
  return { totalMs: finished - started, fromFirstMs: finished - first };
}

/**
 * The processor's metrics, timing a catch-up from inside: `first` is when the first raw record was counted, `done`
 * when the last partition holding records committed a watermark of at least `last` (the gauge is set after each
 * commit; the commit that applies the last watermark holds the input offsets up to its poll's ends, here the end
 * offsets). Timed in the processor's own calls: a bench loop polling between them would see both late, as a batch is
 * processed without yielding to timers.
 */
function timedMetrics(ends: ReadonlyMap<number, number>, last: number): { metrics: ProcessorMetrics; first: () => number; done: () => number | null } {
  const base = createProcessorMetrics();
  const busy = [...ends].filter(([, end]) => end > 0).map(([partition]) => String(partition));
  const reached = new Map<string, number>();
  let first = 0;
  const metrics: ProcessorMetrics = {
    ...base,
    inc: (name, labels, by) => {
      if (first === 0 && name === 'records_consumed') first = performance.now();
      base.inc(name, labels, by);
    },
    set: (name, labels, value) => {
      const partition = labels['partition'];
      if (name === 'applied_watermark_ms' && partition !== undefined && value >= last && !reached.has(partition)) reached.set(partition, performance.now());
      base.set(name, labels, value);
    },
  };
  const done = (): number | null => (busy.every((partition) => reached.has(partition)) ? Math.max(...busy.map((partition) => reached.get(partition)!)) : null);
  return { metrics, first: () => first, done };
}

async function processorConsume(stack: BenchStack, ends: ReadonlyMap<number, number>, lastWatermark: number): Promise<ProcResult> {
  const groupId = `${stack.id}-proc-${randomUUID()}`;
  const config = stack.configWith({ PROCESSOR_GROUP_ID: groupId, PROCESSOR_REDIS_SINK: 'false' });
  const timed = timedMetrics(ends, lastWatermark);
  const started = performance.now();
  const instance = await startProcessorInstance(config, processorSource(config, 'sinch-rai'), createLogger('error'), { metrics: timed.metrics });
  try {
    const deadline = started + DEADLINE_MS;
    for (;;) {
      // done when the input is committed and so is the last watermark's effect (its rows and the state after it)
      if (timed.done() !== null && (await committedReached(stack.admin, groupId, stack.topics.raw, ends))) break;
      if (performance.now() > deadline) throw new Error('processor did not reach the end offsets in time');
      await Promise.race([sleep(50), instance.fatal]);
    }
    const finished = timed.done()!;
    const first = timed.first();
    const { metrics } = instance.processor;
    const windows = metrics.total('window_emissions');
    const transactions = metrics.total('transactions_committed');
    const out: Record<string, number> = {};
    for (const [name, topic] of [['changelog', stack.topics.changelog], ['quarterHours', stack.topics.quarterHours], ['segments', stack.topics.segments], ['agentState', stack.topics.agentState]] as const) {
      // End offsets include one transaction marker per partition and transaction.
      out[name] = [...(await endOffsets(stack.admin, topic)).values()].reduce((sum, end) => sum + end, 0);
    }
    return { totalMs: finished - started, fromFirstMs: finished - (first === 0 ? started : first), windows, transactions, out };
  } finally {
    await instance.stop();
  }
}

async function main(): Promise<void> {
  console.log(`machine at start: ${machineLine()}`);
  const generatedAt = performance.now();
  const records = generate(RECORDS);
  const agents = new Set(records.map((r) => r['userId'])).size;
  console.log(`generated ${records.length} records of ${agents} agents in ${Math.round(performance.now() - generatedAt)} ms`);

  const stacks: BenchStack[] = [];
  const cleanup = async (): Promise<void> => {
    await Promise.allSettled(stacks.map((stack) => stack.cleanup()));
  };
  cleanupOnSignal(cleanup);
  try {
    for (let i = 0; i < RUNS; i++) stacks.push(await createBenchStack());
    const first = stacks[0]!;
    const encoded = await encodeRaw(first, records);
    const marks: Message[] = [];
    const watermarks: number[] = [];
    for (let wm = START + 60_000; wm <= START + SPAN_MS + 900_000; wm += 900_000) {
      watermarks.push(wm);
      marks.push(await watermarkMessage(first, wm));
    }
    const times = records.map((r) => Date.parse(`${(r['changeTimestamp'] ?? '').replace(' ', 'T')}Z`));
    const rawBytes = encoded.reduce((sum, m) => sum + (Buffer.isBuffer(m.value) ? m.value.length : 0), 0);
    console.log(`encoded: ${rawBytes} bytes of Avro values (${(rawBytes / records.length).toFixed(0)} B/record), ${marks.length} watermarks`);
    const ends: Map<number, number>[] = [];
    for (const stack of stacks) {
      const producedAt = performance.now();
      const rawId = await stack.serde.schemaIdFor(stack.topics.raw);
      const wmId = await stack.serde.schemaIdFor(stack.topics.watermarks);
      if (FEED === 'polls') {
        await producePolls(stack, restamp(encoded, rawId), times, watermarks);
      } else {
        await produceMessages(stack, stack.topics.raw, restamp(encoded, rawId));
        await produceMessages(stack, stack.topics.watermarks, restamp(marks, wmId));
      }
      ends.push(await endOffsets(stack.admin, stack.topics.raw));
      const ms = performance.now() - producedAt;
      console.log(`produced into ${stack.prefix} in ${Math.round(ms)} ms (${Math.round(records.length / (ms / 1000))} records/s)`);
    }

    const raw: RunResult[] = [];
    const proc: ProcResult[] = [];
    const pipe: PipeResult[] = [];
    const rawPk: ConsumeResult[] = [];
    const pipePk: PipeResult[] = [];
    const platformatic = process.env['BENCH_PLATFORMATIC'] === '1';
    for (let i = 0; i < RUNS; i++) {
      const r = await rawConsume(stacks[i]!, ends[i]!, records.length);
      raw.push(r);
      console.log(`raw  ${i + 1}: ${Math.round(r.totalMs)} ms total (${Math.round(records.length / (r.totalMs / 1000))} records/s), ${Math.round(r.fromFirstMs)} ms from the first record (${Math.round(records.length / (r.fromFirstMs / 1000))} records/s)`);
      const profileDir = process.env['BENCH_CPU_PROFILE'];
      const session = profileDir === undefined ? null : new Session();
      if (session !== null) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const p = await processorConsume(stacks[i]!, ends[i]!, watermarks[watermarks.length - 1]!);
      if (session !== null) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(`${profileDir}/proc-${i + 1}.cpuprofile`, JSON.stringify(profile));
        session.disconnect();
      }
      proc.push(p);
      console.log(`proc ${i + 1}: ${Math.round(p.totalMs)} ms total (${Math.round(records.length / (p.totalMs / 1000))} records/s), ${Math.round(p.fromFirstMs)} ms from the first record (${Math.round(records.length / (p.fromFirstMs / 1000))} records/s), ${p.windows} window emissions, ${p.transactions} transactions; output end offsets ${JSON.stringify(p.out)}`);
      const stack = stacks[i]!;
      const outputs = await captureOutputs(stack, [stack.topics.changelog, stack.topics.quarterHours, stack.topics.segments, stack.topics.agentState]);
      const outBytes = outputs.reduce((sum, o) => sum + (o.key?.length ?? 0) + (o.value?.length ?? 0), 0);
      const perTopic: Record<string, string> = {};
      for (const topic of new Set(outputs.map((o) => o.topic))) {
        const of = outputs.filter((o) => o.topic === topic);
        perTopic[topic.slice(stack.prefix.length)] = `${of.length} records, ${of.reduce((sum, o) => sum + (o.key?.length ?? 0) + (o.value?.length ?? 0), 0)} B`;
      }
      console.log(`proc ${i + 1} committed: ${JSON.stringify(perTopic)}`);
      const q = await pipeConsume(stack, ends[i]!, outputs, DEADLINE_MS);
      pipe.push(q);
      console.log(`pipe ${i + 1}: ${Math.round(q.totalMs)} ms total (${Math.round(records.length / (q.totalMs / 1000))} records/s), ${Math.round(q.fromFirstMs)} ms from the first record (${Math.round(records.length / (q.fromFirstMs / 1000))} records/s), ${q.produced} records (${outBytes} bytes of keys and values) in ${q.transactions} transactions`);
      if (platformatic) {
        const rk = await rawConsumePlatformatic(stack, ends[i]!, DEADLINE_MS);
        rawPk.push(rk);
        console.log(`raw  ${i + 1} @platformatic/kafka: ${Math.round(rk.totalMs)} ms total (${Math.round(records.length / (rk.totalMs / 1000))} records/s), ${Math.round(rk.fromFirstMs)} ms from the first record (${Math.round(records.length / (rk.fromFirstMs / 1000))} records/s)`);
        const qk = await pipeConsumePlatformatic(stack, ends[i]!, outputs, DEADLINE_MS);
        pipePk.push(qk);
        console.log(`pipe ${i + 1} @platformatic/kafka: ${Math.round(qk.totalMs)} ms total (${Math.round(records.length / (qk.totalMs / 1000))} records/s), ${Math.round(qk.fromFirstMs)} ms from the first record (${Math.round(records.length / (qk.fromFirstMs / 1000))} records/s), ${qk.produced} records in ${qk.transactions} transactions`);
      }
    }
    const rate = (ms: number): number => records.length / (ms / 1000);
    const rawTotal = median(raw.map((r) => rate(r.totalMs)));
    const procTotal = median(proc.map((r) => rate(r.totalMs)));
    const rawFirst = median(raw.map((r) => rate(r.fromFirstMs)));
    const procFirst = median(proc.map((r) => rate(r.fromFirstMs)));
    const pipeTotal = median(pipe.map((r) => rate(r.totalMs)));
    const pipeFirst = median(pipe.map((r) => rate(r.fromFirstMs)));
    console.log('');
    console.log(`records: ${records.length}, agents: ${agents}, feed: ${FEED}, runs: ${RUNS} each, alternating raw/processor/pipe`);
    console.log(`median records/s, wall time incl. group join: raw ${Math.round(rawTotal)}, pipe ${Math.round(pipeTotal)}, processor ${Math.round(procTotal)}; processor/pipe ${(procTotal / pipeTotal).toFixed(2)}, processor/raw ${(procTotal / rawTotal).toFixed(2)}`);
    console.log(`median records/s, from the first record:      raw ${Math.round(rawFirst)}, pipe ${Math.round(pipeFirst)}, processor ${Math.round(procFirst)}; processor/pipe ${(procFirst / pipeFirst).toFixed(2)}, processor/raw ${(procFirst / rawFirst).toFixed(2)}`);
    if (platformatic) {
      const rawPkFirst = median(rawPk.map((r) => rate(r.fromFirstMs)));
      const pipePkFirst = median(pipePk.map((r) => rate(r.fromFirstMs)));
      console.log(`@platformatic/kafka, median records/s from the first record: raw ${Math.round(rawPkFirst)}, pipe ${Math.round(pipePkFirst)}; its pipe/kafkajs pipe ${(pipePkFirst / pipeFirst).toFixed(2)}, its raw/kafkajs raw ${(rawPkFirst / rawFirst).toFixed(2)}, processor/its pipe ${(procFirst / pipePkFirst).toFixed(2)}`);
    }
    console.log(`machine at end: ${machineLine()}`);
  } finally {
    await cleanup();
  }
}

await main();
process.exit(0);

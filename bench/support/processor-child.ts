/**
 * A processor instance in a process of its own, for benchmarks that must not share its thread with their load
 * generator and output reader (bench/processor-latency.bench.ts).
 *
 *   forked with env = the bench stack's baseEnv (BenchStack.baseEnv); IPC messages:
 *   child → parent: { type: 'ready' } once every assigned partition is restored (or after 10 s);
 *                   { type: 'observation', name, ms, at, partition } for every histogram observation (at: epoch ms);
 *   parent → child: { type: 'stop' } stops the instance, then the child exits.
 *
 * The instance is the sinch-rai source, like the in-process bench; CPU profiling works with
 * `BENCH_CHILD_EXEC_ARGV="--cpu-prof --cpu-prof-dir=D"`.
 */
import { parseConfig } from '../../src/config/config.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { startProcessorInstance } from '../../src/processor/processor-instance.ts';
import { createProcessorMetrics } from '../../src/processor/processor-metrics.ts';
import { createLogger } from '../../src/runtime/logger.ts';

const send = (message: unknown): void => {
  process.send?.(message);
};

const config = parseConfig(process.env);
const metrics = createProcessorMetrics();
metrics.onObservation(({ name, ms, labels }) => send({ type: 'observation', name, ms, at: Date.now(), partition: labels['partition'] }));
const instance = await startProcessorInstance(config, processorSource(config, 'sinch-rai'), createLogger('error'), { metrics });
instance.fatal.catch((error: unknown) => {
  console.error('processor failed:', error);
  process.exit(1);
});
for (let i = 0; i < 100 && !instance.processor.status().restored; i++) await new Promise((resolve) => setTimeout(resolve, 100));
send({ type: 'ready' });
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stop') return;
  void instance.stop().finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));

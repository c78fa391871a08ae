/**
 * The cost of turning a partition's state into changelog records at each commit, on the engine alone (no Kafka).
 *
 *   node bench/changelog-commit.bench.ts <blocks|whole> [agents=1000] [eventsPerAgentPerSecond=0.1] [seconds=1800] [commitEverySeconds=5]
 *
 * Feeds `agents` live agents (a login, then Talking_Inbound → Wrap → Waiting, round-robin, event time = change time)
 * at the given rate for `seconds` of event time; every `commitEverySeconds` it advances the watermark to the newest
 * second and commits: takes the state entries and diffs them with a ChangelogTracker, as a partition task does.
 * - `blocks`: StateBlockWriter over TimelineEngine.persistedChanges() (what the processor does);
 * - `whole`: snapshotEntries(TimelineEngine.snapshot()) (each entry serialized whole at every commit, the processor
 *   before state blocks).
 * Prints the state's JSON size at the end, the median time of the last 10 commits (entries + diff, deflating
 * included), and per commit over the last 60 s the records and bytes (as stored: deflated or plain text) written.
 * Run the two modes alternately; each is its own process. `BENCH_LAYOUT` (JSON, a part of state-blocks.ts BlockLayout,
 * for example '{"blocksFromCharacters":4096}') changes how the `blocks` writer cuts entries.
 */
import { TimelineEngine } from '../src/core/engine/timeline-engine.ts';
import type { ChangelogValue } from '../src/processor/changelog-records.ts';
import { ChangelogTracker } from '../src/processor/changelog-tracker.ts';
import type { BlockLayout } from '../src/processor/state-blocks.ts';
import { StateBlockWriter } from '../src/processor/state-blocks.ts';
import { snapshotEntries } from '../src/processor/state-entries.ts';
import { sinchAgentStatusHistoryAdapter } from '../src/vendors/sinch/agent-status-history-adapter.ts';
import { sinchTimestamp } from '../test/processor/support/raw-history.ts';
import { machineLine, median } from './support/bench-stack.ts';

const [mode, agentsArg = '1000', rateArg = '0.1', secondsArg = '1800', everyArg = '5'] = process.argv.slice(2);
if (mode !== 'blocks' && mode !== 'whole') {
  console.error('usage: node bench/changelog-commit.bench.ts <blocks|whole> [agents] [eventsPerAgentPerSecond] [seconds] [commitEverySeconds]');
  process.exit(2);
}
const AGENTS = Number(agentsArg);
const RATE = Number(rateArg) * AGENTS;
const SECONDS = Number(secondsArg);
const EVERY = Number(everyArg);
const FLOW = ['Talking_Inbound', 'Wrap', 'Waiting'] as const;

console.log(`machine at start: ${machineLine()}`);
const engine = new TimelineEngine({ allowedLatenessMs: 120_000, correctionHorizonMs: 21_600_000, tenant: 't' });
const tracker = new ChangelogTracker({ topic: 'changelog', inputTopic: 'raw', partition: 0 });
const writer = new StateBlockWriter(JSON.parse(process.env['BENCH_LAYOUT'] ?? '{}') as Partial<BlockLayout>);
const start = Date.UTC(2026, 11, 1, 9);
const steps = new Array<number>(AGENTS).fill(-1);
let agent = 0;
let carry = 0;
const commitMs: number[] = [];
let records = 0;
let bytes = 0;
let measured = 0;
for (let second = 0; second < SECONDS; second++) {
  carry += RATE;
  const count = Math.floor(carry);
  carry -= count;
  for (let i = 0; i < count; i++) {
    const stamp = sinchTimestamp(start + second * 1000 + Math.floor((i * 1000) / count));
    const userId = `B${String(agent).padStart(5, '0')}`;
    const step = (steps[agent] as number) + 1;
    steps[agent] = step;
    const base = { sessionId: `S-${userId}`, userId, userName: `Agent ${agent}`, statusTimestamp: stamp, changeTimestamp: stamp };
    engine.ingestRecord(step === 0 ? { ...base, signOn: stamp, userStatus: 'Ready', userStatusTimestamp: stamp, status: 'Waiting' } : { ...base, status: FLOW[step % FLOW.length] }, sinchAgentStatusHistoryAdapter);
    agent = (agent + 1) % AGENTS;
  }
  if ((second + 1) % EVERY !== 0) continue;
  engine.advanceWatermark(start + second * 1000 + 999);
  const started = performance.now();
  const entries = mode === 'blocks' ? writer.entries('t', engine.persistedChanges()) : snapshotEntries('t', engine.snapshot());
  const out = tracker.diff(entries, 0);
  tracker.accept();
  commitMs.push(performance.now() - started);
  if (second < SECONDS - 60) continue;
  measured++;
  records += out.length;
  for (const record of out) {
    const value = record.value as ChangelogValue | null;
    if (value !== null) bytes += (value.stateDeflated?.length ?? 0) + value.state.length;
  }
}
const stateBytes = snapshotEntries('t', engine.snapshot()).reduce((sum, entry) => sum + entry.json.length, 0);
console.log(
  `${mode}: ${AGENTS} agents, ${rateArg} events/s each, ${SECONDS} s, a commit every ${EVERY} s; state at the end ${(stateBytes / 1e6).toFixed(1)} MB of JSON; ` +
    `last 10 commits median ${median(commitMs.slice(-10)).toFixed(0)} ms; per commit in the last 60 s: ${Math.round(records / measured)} records, ${(bytes / measured / 1e3).toFixed(0)} KB`,
);
console.log(`machine at end: ${machineLine()}`);

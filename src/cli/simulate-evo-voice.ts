import type { EvoFaultOptions, EvoSimulatorOptions } from '../vendors/evo-voice/simulator/index.ts';
import { exportTruth, isIanaZone, startEvoSimulator, worldOf } from '../vendors/evo-voice/simulator/index.ts';


/** The parsed `simulate` flags the Evo Voice simulator reads (strings as given; undefined when absent). */
export interface EvoSimulateFlags {
  zone?: string;
  faults?: string;
  'stuck-rate'?: string;
  'error-rate'?: string;
  'rate-429'?: string;
  'retry-after'?: string;
  'rate-5xx'?: string;
  'slow-download-rate'?: string;
  'truncated-rate'?: string;
  'queued-ms'?: string;
  'running-ms'?: string;
}

/** Flags only `--vendor evo-voice` takes. */
export const EVO_ONLY_FLAGS = ['zone', 'stuck-rate', 'error-rate', 'rate-429', 'retry-after', 'rate-5xx', 'slow-download-rate', 'truncated-rate', 'queued-ms', 'running-ms'] as const;

const RATE_FLAGS: ReadonlyArray<readonly [keyof EvoSimulateFlags, keyof EvoFaultOptions]> = [
  ['stuck-rate', 'stuckRate'], ['error-rate', 'errorRate'], ['rate-429', 'rate429'], ['rate-5xx', 'rate5xx'],
  ['slow-download-rate', 'slowDownloadRate'], ['truncated-rate', 'truncatedRate'],
];

function share(text: string, name: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new Error(`--${name} must be a number in [0, 1], got '${text}'`);
  return value;
}

function milliseconds(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number of milliseconds, got '${text}'`);
  return Number(text);
}

/** The Evo-specific part of the simulator options: zone, faults (`--faults JSON`, then the rate flags), job timings. */
export function evoOptions(flags: EvoSimulateFlags): Pick<EvoSimulatorOptions, 'zone' | 'faults' | 'jobs'> {
  const zone = flags.zone ?? 'UTC';
  if (!isIanaZone(zone)) throw new Error(`--zone must be an IANA time zone id (e.g. Europe/Helsinki), got '${zone}'`);
  const faults: Partial<EvoFaultOptions> = flags.faults === undefined ? {} : (JSON.parse(flags.faults) as Partial<EvoFaultOptions>);
  for (const [flag, option] of RATE_FLAGS) {
    const text = flags[flag];
    if (text !== undefined) faults[option] = share(text, flag);
  }
  const retryAfter = flags['retry-after'] === undefined ? undefined : integerSeconds(flags['retry-after']);
  if (retryAfter !== undefined) faults.retryAfterSeconds = retryAfter;
  const queuedMs = milliseconds(flags['queued-ms'], 'queued-ms');
  const runningMs = milliseconds(flags['running-ms'], 'running-ms');
  return { zone, faults, jobs: { ...(queuedMs === undefined ? {} : { queuedMs }), ...(runningMs === undefined ? {} : { runningMs }) } };
}

function integerSeconds(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--retry-after must be a whole number of seconds, got '${text}'`);
  return Number(text);
}

interface Io {
  stdout: { write(text: string): unknown };
}

/** `--export-truth FILE` for Evo Voice: the truth lines at the simulated now `--to` (the whole range). */
export async function exportEvoTruth(options: EvoSimulatorOptions, file: string, io: Io): Promise<void> {
  const count = await exportTruth(file, worldOf(options), options.to);
  io.stdout.write(`wrote ${count} agent state intervals to ${file}\n`);
}

/** Serves the Evo Voice simulator until `signal` aborts, then prints its stats. */
export async function serveEvo(options: EvoSimulatorOptions, signal: AbortSignal, io: Io): Promise<void> {
  const simulator = await startEvoSimulator(options);
  const clock = options.clock.mode === 'historical' ? 'historical' : `${options.clock.speed}× real time`;
  io.stdout.write(`simulating Evo Voice: ${options.agents} agents per account (${simulator.accounts.map((a) => `${a.name} ${a.id}`).join(', ')}), ${new Date(options.from).toISOString()} – ${new Date(options.to).toISOString()}, ${clock}\n${simulator.url}\n`);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await simulator.close();
  io.stdout.write(`stopped: ${JSON.stringify(simulator.stats())}\n`);
}

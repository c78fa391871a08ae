import type { HostedSuiteFaultOptions, HostedSuiteSimulatorOptions } from '../vendors/hostedsuite/simulator/index.ts';
import { centerOf, DEFAULT_ZONE, exportTruth, startHostedSuiteSimulator } from '../vendors/hostedsuite/simulator/index.ts';
import { isKnownZone } from '../vendors/hostedsuite/local-time.ts';

/** The parsed `simulate` flags the HostedSuite simulator reads. */
export interface HostedSuiteSimulateFlags {
  zone?: string;
  faults?: string;
  customer?: string;
  'late-work-share'?: string;
}

/** Flags only `--vendor hostedsuite` takes (`--zone` and `--faults` are shared with other vendors). */
export const HOSTEDSUITE_ONLY_FLAGS = ['customer', 'late-work-share'] as const;

/** The HostedSuite-specific part of the options: zone, faults (`--faults` JSON), late work share, customer name. */
export function hostedSuiteOptions(flags: HostedSuiteSimulateFlags, user: string | undefined, password: string | undefined): Pick<HostedSuiteSimulatorOptions, 'zone' | 'faults' | 'lateWorkShare' | 'credentials'> {
  const zone = flags.zone ?? DEFAULT_ZONE;
  if (!isKnownZone(zone)) throw new Error(`--zone must be an IANA time zone id (e.g. America/Chicago), got '${zone}'`);
  const faults = flags.faults === undefined ? {} : (JSON.parse(flags.faults) as Partial<HostedSuiteFaultOptions>);
  const share = flags['late-work-share'] === undefined ? undefined : Number(flags['late-work-share']);
  if (share !== undefined && !(share >= 0 && share <= 1)) throw new Error(`--late-work-share must be a number in [0, 1], got '${flags['late-work-share'] ?? ''}'`);
  return {
    zone, faults, ...(share === undefined ? {} : { lateWorkShare: share }),
    credentials: { customerName: flags.customer ?? 'sim', userName: user ?? 'hs', password: password ?? 'hs' },
  };
}

interface Io {
  stdout: { write(text: string): unknown };
}

/** `--export-truth FILE` for HostedSuite: the truth lines at the simulated now `--to`. */
export async function exportHostedSuiteTruth(options: HostedSuiteSimulatorOptions, file: string, io: Io): Promise<void> {
  const count = await exportTruth(file, centerOf(options).calls, options.to);
  io.stdout.write(`wrote ${count} agent handling intervals to ${file}\n`);
}

/** Serves the HostedSuite simulator until `signal` aborts, then prints its stats. */
export async function serveHostedSuite(options: HostedSuiteSimulatorOptions, signal: AbortSignal, io: Io): Promise<void> {
  const simulator = await startHostedSuiteSimulator(options);
  const clock = options.clock.mode === 'historical' ? 'historical' : options.clock.mode === 'accelerated' ? `${options.clock.speed}× real time` : 'manual';
  io.stdout.write(`simulating HostedSuite: ${options.agents} operators, ${simulator.calls.length} calls, center zone ${simulator.zone}, ${new Date(options.from).toISOString()} – ${new Date(options.to).toISOString()}, ${clock}\n${simulator.url}\n`);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await simulator.close();
  io.stdout.write(`stopped: ${JSON.stringify(simulator.stats())}\n`);
}

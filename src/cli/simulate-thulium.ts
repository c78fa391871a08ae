import type { ThuliumApiUser, ThuliumFaultOptions, ThuliumSimulatorOptions } from '../vendors/thulium/simulator/index.ts';
import { exportTruth, isIanaZone, METHODS, startThuliumSimulator, worldOf } from '../vendors/thulium/simulator/index.ts';

/** The parsed `simulate` flags the Thulium simulator reads (strings as given; undefined when absent). */
export interface ThuliumSimulateFlags {
  zone?: string;
  users?: string;
  faults?: string;
  'rate-429'?: string;
  'retry-after'?: string;
  'rate-5xx'?: string;
  'slow-rate'?: string;
  'slow-ms'?: string;
  'reset-rate'?: string;
}

/** Flags `--vendor thulium` takes beyond the common ones (`--zone`, `--rate-429`, `--retry-after`, `--rate-5xx` are shared with evo-voice). */
export const THULIUM_FLAGS = ['zone', 'users', 'rate-429', 'retry-after', 'rate-5xx', 'slow-rate', 'slow-ms', 'reset-rate'] as const;

const RATE_FLAGS: ReadonlyArray<readonly [keyof ThuliumSimulateFlags, keyof ThuliumFaultOptions]> = [
  ['rate-429', 'rate429'], ['rate-5xx', 'rate5xx'], ['slow-rate', 'slowRate'], ['reset-rate', 'resetRate'],
];

function share(text: string, name: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new Error(`--${name} must be a number in [0, 1], got '${text}'`);
  return value;
}

function whole(text: string, name: string, unit: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number of ${unit}, got '${text}'`);
  return Number(text);
}

/** `--users JSON`: `[{"login","password","methods":["GET agents_statuses", …] | ["*"]}, …]`. */
function usersOf(text: string): ThuliumApiUser[] {
  const parsed: unknown = JSON.parse(text);
  const known: readonly string[] = ['*', ...METHODS];
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('--users must be a non-empty JSON array of {login, password, methods}');
  return parsed.map((entry: unknown) => {
    const user = entry as Partial<ThuliumApiUser>;
    if (typeof user.login !== 'string' || typeof user.password !== 'string' || !Array.isArray(user.methods)) throw new Error('--users: every user needs login, password (strings) and methods (array)');
    const unknown = user.methods.find((m) => !known.includes(m));
    if (unknown !== undefined) throw new Error(`--users: unknown method '${String(unknown)}' (known: ${known.join(', ')})`);
    return { login: user.login, password: user.password, methods: [...user.methods] };
  });
}

/** The Thulium-specific part of the simulator options: zone, API users, faults (`--faults JSON`, then the flags). */
export function thuliumOptions(flags: ThuliumSimulateFlags): Pick<ThuliumSimulatorOptions, 'zone' | 'faults'> & { users?: ThuliumApiUser[] } {
  const zone = flags.zone ?? 'Europe/Warsaw';
  if (!isIanaZone(zone)) throw new Error(`--zone must be an IANA time zone id (e.g. Europe/Warsaw), got '${zone}'`);
  const faults: Partial<ThuliumFaultOptions> = flags.faults === undefined ? {} : (JSON.parse(flags.faults) as Partial<ThuliumFaultOptions>);
  for (const [flag, option] of RATE_FLAGS) {
    const text = flags[flag];
    if (text !== undefined) faults[option] = share(text, flag);
  }
  if (flags['retry-after'] !== undefined) faults.retryAfterSeconds = whole(flags['retry-after'], 'retry-after', 'seconds');
  if (flags['slow-ms'] !== undefined) faults.slowMs = whole(flags['slow-ms'], 'slow-ms', 'milliseconds');
  return { zone, faults, ...(flags.users === undefined ? {} : { users: usersOf(flags.users) }) };
}

interface Io {
  stdout: { write(text: string): unknown };
}

/** `--export-truth FILE` for Thulium: the truth lines and `<FILE>.thulium.ndjson` at the simulated now `--to`. */
export async function exportThuliumTruth(options: ThuliumSimulatorOptions, file: string, io: Io): Promise<void> {
  const counts = await exportTruth(file, worldOf(options), options.to);
  io.stdout.write(`wrote ${counts.truth} agent state intervals to ${file} and ${counts.vendor} vendor-level lines to ${file}.thulium.ndjson\n`);
}

/** Serves the Thulium simulator until `signal` aborts, then prints its stats. */
export async function serveThulium(options: ThuliumSimulatorOptions, signal: AbortSignal, io: Io): Promise<void> {
  const simulator = await startThuliumSimulator(options);
  const clock = options.clock.mode === 'accelerated' ? `${options.clock.speed}× real time` : options.clock.mode;
  io.stdout.write(`simulating Thulium: ${options.agents} agents in ${simulator.world.groups.length} groups, zone ${simulator.world.options.zone}, ${new Date(options.from).toISOString()} – ${new Date(options.to).toISOString()}, ${clock}\n${simulator.url}\n`);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await simulator.close();
  io.stdout.write(`stopped: ${JSON.stringify(simulator.stats())}\n`);
}

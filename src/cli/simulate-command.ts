import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseTimestamp } from '../core/time/timestamp.ts';
import type { EvoSimulatorOptions } from '../vendors/evo-voice/simulator/index.ts';
import type { FaultOptions, SimulatorOptions } from '../vendors/sinch/simulator/index.ts';
import type { ThuliumSimulatorOptions } from '../vendors/thulium/simulator/index.ts';
import { directTruthFile, exportDirectTruth, exportStatusTruth, exportTruth, generateGroundTruth, groundTruthOf, startSimulator, statusTruthFile } from '../vendors/sinch/simulator/index.ts';
import type { EvoSimulateFlags } from './simulate-evo-voice.ts';
import { EVO_ONLY_FLAGS, evoOptions, exportEvoTruth, serveEvo } from './simulate-evo-voice.ts';
import type { HostedSuiteSimulatorOptions } from '../vendors/hostedsuite/simulator/index.ts';
import type { HostedSuiteSimulateFlags } from './simulate-hostedsuite.ts';
import { exportHostedSuiteTruth, HOSTEDSUITE_ONLY_FLAGS, hostedSuiteOptions, serveHostedSuite } from './simulate-hostedsuite.ts';
import type { ThuliumSimulateFlags } from './simulate-thulium.ts';
import { exportThuliumTruth, serveThulium, THULIUM_FLAGS, thuliumOptions } from './simulate-thulium.ts';

const USAGE = `usage: agent-timelines simulate [--vendor sinch|evo-voice|thulium|hostedsuite] [--seed N] [--agents N] [--from ISO] [--to ISO]
                                [--speed 60 | --historical | --live (thulium)] [--port 8089|8090|8091|8092] [--host 127.0.0.1] [--user U --password P]
                                [--faults JSON] [--fault-seed N] [--export FILE (sinch)] [--export-truth FILE]
       evo-voice only:          [--zone IANA] [--stuck-rate R] [--error-rate R] [--rate-429 R] [--retry-after S] [--rate-5xx R]
                                [--slow-download-rate R] [--truncated-rate R] [--queued-ms MS] [--running-ms MS]
       thulium only:            [--zone IANA (default Europe/Warsaw)] [--users JSON] [--rate-429 R] [--retry-after S] [--rate-5xx R]
                                [--slow-rate R] [--slow-ms MS] [--reset-rate R] [--live]
       hostedsuite only:        [--zone IANA] [--customer NAME] [--late-work-share R] (port default 8092)`;
const VENDORS = ['sinch', 'evo-voice', 'thulium', 'hostedsuite'] as const;
type Vendor = (typeof VENDORS)[number];
const DAY = 86_400_000;

export interface SimulateIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Stops the server when aborted; default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
}

function integer(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text)) throw new Error(`--${name} must be an integer, got '${text}'`);
  return Number(text);
}

function time(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const ms = parseTimestamp(text);
  if (Number.isNaN(ms)) throw new Error(`--${name} must be an ISO-8601 time, got '${text}'`);
  return ms;
}

function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  controller.signal.addEventListener('abort', () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });
  return controller.signal;
}

/**
 * `agent-timelines simulate …` (argv excludes the command name). `--vendor sinch` (the default) serves the simulated
 * RAI API and prints its URL until Ctrl-C (exit 0), or with `--export FILE` writes the ground truth as NDJSON
 * (agentStatusHistory rows to FILE, contacts to FILE with `.contacts.ndjson`) and exits; with
 * `--export-truth FILE` writes the agents' true state intervals (one JSON line each, see
 * exportTruth) and, for Sinch, the agentStatus truth to FILE.status.ndjson (status-truth.ts) and exits. Both may be given. `--vendor evo-voice` serves the Evo Voice report API
 * (docs/vendors/evo-voice-contract.md) the same way; `--export-truth` writes its truth at now = `--to`.
 * `--vendor thulium` serves Thulium's REST API (docs/vendors/thulium-contract.md); `--export-truth FILE` writes the
 * truth and `FILE.thulium.ndjson` (the vendor-level model) at now = `--to`.
 * Exit 2 on usage errors.
 */
export async function simulateCommand(argv: string[], io: SimulateIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let evo: EvoSimulatorOptions | undefined;
  let hostedSuite: HostedSuiteSimulatorOptions | undefined;
  let thulium: ThuliumSimulatorOptions | undefined;
  let options: SimulatorOptions;
  let exportFile: string | undefined;
  let truthFile: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        seed: { type: 'string' }, agents: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, speed: { type: 'string' },
        historical: { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' },
        faults: { type: 'string' }, 'fault-seed': { type: 'string' }, export: { type: 'string' }, 'export-truth': { type: 'string' },
        vendor: { type: 'string' }, help: { type: 'boolean', short: 'h' }, live: { type: 'boolean' },
        ...Object.fromEntries([...EVO_ONLY_FLAGS, ...THULIUM_FLAGS, ...HOSTEDSUITE_ONLY_FLAGS].map((flag) => [flag, { type: 'string' as const }])),
      },
    });
    if (values.help === true) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const vendorText = values.vendor ?? 'sinch';
    if (!(VENDORS as readonly string[]).includes(vendorText)) throw new Error(`--vendor must be one of ${VENDORS.join(', ')}, got '${vendorText}'`);
    const vendor = vendorText as Vendor;
    const flags = values as EvoSimulateFlags & ThuliumSimulateFlags & Record<string, unknown>;
    const evoFlags: readonly string[] = EVO_ONLY_FLAGS;
    const thuliumFlags: readonly string[] = THULIUM_FLAGS;
    const hostedSuiteFlags: readonly string[] = ['zone', 'faults', ...HOSTEDSUITE_ONLY_FLAGS];
    const owner = (flag: string): Vendor => (evoFlags.includes(flag) ? 'evo-voice' : thuliumFlags.includes(flag) ? 'thulium' : 'hostedsuite');
    const misplaced = (allowed: readonly string[]): string | undefined =>
      [...evoFlags, ...thuliumFlags, ...HOSTEDSUITE_ONLY_FLAGS].find((flag) => !allowed.includes(flag) && flags[flag] !== undefined);
    const allowed = vendor === 'sinch' ? [] : vendor === 'evo-voice' ? evoFlags : vendor === 'thulium' ? thuliumFlags : hostedSuiteFlags;
    const stray = misplaced(allowed);
    if (stray !== undefined) throw new Error(`--${stray} is for --vendor ${owner(stray)}`);
    if (vendor !== 'thulium' && values.live === true) throw new Error('--live is for --vendor thulium');
    if (vendor !== 'sinch' && values.export !== undefined) throw new Error('--export is for --vendor sinch (use --export-truth)');
    const realNow = Date.now();
    const from = time(values.from, Math.floor(realNow / DAY) * DAY, 'from');
    const to = time(values.to, from + DAY, 'to');
    if (to <= from) throw new Error('--to must be after --from');
    const speed = Number(values.speed ?? '60');
    if (!(speed > 0)) throw new Error(`--speed must be a positive number, got '${values.speed ?? ''}'`);
    const seed = integer(values.seed, 1, 'seed');
    if (vendor === 'evo-voice') {
      evo = {
        seed,
        agents: integer(values.agents, 20, 'agents'),
        from,
        to,
        clock: values.historical === true ? { mode: 'historical' } : { mode: 'accelerated', speed, startedAt: realNow },
        ...evoOptions(flags),
        faultSeed: integer(values['fault-seed'], seed, 'fault-seed'),
        host: values.host ?? '127.0.0.1',
        port: integer(values.port, 8090, 'port'),
        credentials: { username: values.user ?? 'evo', password: values.password ?? 'evo' },
      };
    }
    if (vendor === 'hostedsuite') {
      hostedSuite = {
        seed,
        agents: integer(values.agents, 20, 'agents'),
        from,
        to,
        clock: values.historical === true ? { mode: 'historical' } : { mode: 'accelerated', speed, startedAt: realNow },
        ...hostedSuiteOptions(flags as HostedSuiteSimulateFlags, values.user, values.password),
        faultSeed: integer(values['fault-seed'], seed, 'fault-seed'),
        host: values.host ?? '127.0.0.1',
        port: integer(values.port, 8092, 'port'),
      };
    }
    if (vendor === 'thulium') {
      thulium = {
        seed,
        agents: integer(values.agents, 20, 'agents'),
        from,
        to,
        clock: values.live === true ? { mode: 'live' } : values.historical === true ? { mode: 'historical' } : { mode: 'accelerated', speed, startedAt: realNow },
        ...thuliumOptions(flags),
        faultSeed: integer(values['fault-seed'], seed, 'fault-seed'),
        host: values.host ?? '127.0.0.1',
        port: integer(values.port, 8091, 'port'),
        credentials: { username: values.user ?? 'thulium', password: values.password ?? 'thulium' },
      };
    }
    const faults = values.faults === undefined || vendor !== 'sinch' ? {} : (JSON.parse(values.faults) as Partial<FaultOptions>);
    options = {
      seed,
      agents: integer(values.agents, 20, 'agents'),
      from,
      to,
      clock: values.historical === true ? { mode: 'historical' } : { mode: 'accelerated', speed, startedAt: realNow },
      faults,
      faultSeed: integer(values['fault-seed'], seed, 'fault-seed'),
      host: values.host ?? '127.0.0.1',
      port: integer(values.port, 8089, 'port'),
      credentials: { username: values.user ?? 'rai', password: values.password ?? 'rai' },
    };
    exportFile = values.export;
    truthFile = values['export-truth'];
  } catch (error: unknown) {
    io.stderr.write(`agent-timelines simulate: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }

  if (hostedSuite !== undefined) {
    if (truthFile !== undefined) await exportHostedSuiteTruth(hostedSuite, truthFile, io);
    else await serveHostedSuite(hostedSuite, io.signal ?? shutdownSignal(), io);
    return 0;
  }
  if (thulium !== undefined) {
    if (truthFile !== undefined) await exportThuliumTruth(thulium, truthFile, io);
    else await serveThulium(thulium, io.signal ?? shutdownSignal(), io);
    return 0;
  }

  if (evo !== undefined) {
    if (truthFile !== undefined) await exportEvoTruth(evo, truthFile, io);
    else await serveEvo(evo, io.signal ?? shutdownSignal(), io);
    return 0;
  }

  if (exportFile !== undefined || truthFile !== undefined) {
    const day = generateGroundTruth({ ...options, changeLagMaxMs: options.faults?.changeLagMaxMs, lateVisibilityMaxMs: options.faults?.lateVisibilityMaxMs });
    if (exportFile !== undefined) {
      const truth = groundTruthOf(day);
      const contactsFile = `${exportFile.replace(/\.ndjson$/, '')}.contacts.ndjson`;
      const ndjson = (rows: readonly unknown[]): string => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
      await writeFile(exportFile, ndjson(truth.agentStatusHistory));
      await writeFile(contactsFile, ndjson(truth.contacts));
      io.stdout.write(`wrote ${truth.agentStatusHistory.length} agentStatusHistory rows to ${exportFile} and ${truth.contacts.length} contacts to ${contactsFile}\n`);
    }
    if (truthFile !== undefined) {
      io.stdout.write(`wrote ${await exportTruth(truthFile, day)} agent state intervals to ${truthFile}\n`);
      io.stdout.write(`wrote ${await exportStatusTruth(truthFile, day)} agentStatus truth lines (agents, profiles, contacts) to ${statusTruthFile(truthFile)}\n`);
      io.stdout.write(`wrote ${await exportDirectTruth(truthFile, day)} Direct truth lines (per agent and quarter-hour) to ${directTruthFile(truthFile)}\n`);
    }
    return 0;
  }

  const simulator = await startSimulator(options);
  io.stdout.write(`simulating ${options.agents} agents, ${new Date(options.from).toISOString()} – ${new Date(options.to).toISOString()}, ${options.clock.mode === 'historical' ? 'historical' : `${options.clock.speed}× real time`}\n${simulator.url}\n`);
  const signal = io.signal ?? shutdownSignal();
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await simulator.close();
  io.stdout.write(`stopped: ${JSON.stringify(simulator.stats())}\n`);
  return 0;
}

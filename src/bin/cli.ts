#!/usr/bin/env node
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

const USAGE = `usage: agent-timelines <command> [options]

commands:
  setup                 create/update the declared Kafka topics and register the Avro schemas (idempotent)
  demo                  the whole pipeline on the local stack for a Sinch RAI and an Evo Voice tenant side by side:
                        simulators (accelerated), pollers, processors, HTTP API
  simulate [--vendor sinch|evo-voice|thulium] [--seed N] [--agents N] [--from ISO] [--to ISO] [--speed 60 | --historical]
           [--port 8089|8090] [--export FILE] [--export-truth FILE] …
                        run a vendor simulator, Sinch RAI (default), Evo Voice or Thulium: a faithful fake of the vendor API
                        with ground truth (see docs/simulator.md)
  replay FILE [--time-category quarterHour|hour|day|week|month|year|all] [--time-zone IANA] [--until ISO] [--max-disorder 5m] [--order user|time]
                        replay Sinch agentStatusHistory records (NDJSON streamed in event-time order, or a JSON array; - for stdin)
                        and print agentStatistic rows as JSON
  poll [--once] [--tenant ID] [--backfill --from ISO --to ISO --chunk 1h]
                        poll the Sinch RAI tenants of SINCH_TENANTS(_FILE) into the raw topics (see docs/pollers.md)
  process [--skip-setup]
                        run a timeline processor instance (exactly-once, Kafka → outputs + Redis) until SIGTERM/SIGINT
                        (see docs/processor.md)
  reprocess [--skip-setup]
                        run only the re-processor: raw records too late for the live processor (a backfill, a late
                        correction of any age) become corrected quarter-hour rows (see docs/processor.md)
  alerts [--skip-setup]
                        run an alert evaluator instance: rules of ALERT_RULES_FILE over out.agent-state and the clock,
                        exactly once into out.alerts; one instance evaluates, others stand by (see docs/alerts.md)
  serve [--host HOST] [--port PORT]
                        serve the HTTP API (RAI /agentStatistic, /agentStatus, timelines, /healthz, /readyz, /metrics,
                        /openapi.json) from Redis until SIGTERM/SIGINT (see docs/http-api.md)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'setup': {
      // each command loads its own modules: `replay` and `--help` need no Kafka client
      const [{ parseConfig }, { createLogger }, { setupTopology }] = await Promise.all([import('../config/config.ts'), import('../runtime/logger.ts'), import('../cli/setup-command.ts')]);
      const config = parseConfig(process.env);
      const logger = createLogger(config.logLevel, process.stdout, config.logFormat);
      const { topics, subjects } = await setupTopology(config, logger);
      for (const change of topics) process.stdout.write(`topic   ${change.action.padEnd(20)} ${change.topic}${change.detail === undefined ? '' : ` (${change.detail})`}\n`);
      for (const subject of subjects) process.stdout.write(`schema  id ${String(subject.id).padEnd(17)} ${subject.subject}\n`);
      return 0;
    }
    case 'demo': {
      const { demoCommand } = await import('../cli/demo-command.ts');
      return demoCommand(rest);
    }
    case 'replay': {
      const { replayCommand } = await import('../cli/replay.ts');
      return replayCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, readFile: (path) => readFile(path, 'utf8'), openFile: (path) => createReadStream(path, { highWaterMark: 1 << 20 }) });
    }
    case 'simulate': {
      const { simulateCommand } = await import('../cli/simulate-command.ts');
      return simulateCommand(rest);
    }
    case 'poll': {
      const { pollCommand } = await import('../cli/poll-command.ts');
      return pollCommand(rest);
    }
    case 'process': {
      const { processCommand } = await import('../cli/process-command.ts');
      return processCommand(rest);
    }
    case 'reprocess': {
      const { reprocessCommand } = await import('../cli/reprocess-command.ts');
      return reprocessCommand(rest);
    }
    case 'alerts': {
      const { alertsCommand } = await import('../cli/alerts-command.ts');
      return alertsCommand(rest);
    }
    case 'serve': {
      const { serveCommand } = await import('../cli/serve-command.ts');
      return serveCommand(rest);
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`agent-timelines: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

/** The commands that run until a signal; once one has shut down, nothing it left open may keep the process alive. */
const SERVICE_COMMANDS = new Set(['demo', 'poll', 'process', 'reprocess', 'alerts', 'serve']);
/** How long a service command's process may take to exit by itself after its shutdown finished. */
const EXIT_GRACE_MS = 10_000;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (!SERVICE_COMMANDS.has(process.argv[2] ?? '')) return;
    setTimeout(() => {
      process.stderr.write(`agent-timelines: still running ${EXIT_GRACE_MS / 1000} s after shutdown (open: ${process.getActiveResourcesInfo().join(', ')}); exiting\n`);
      process.exit(code);
    }, EXIT_GRACE_MS).unref();
  },
  (error: unknown) => {
    const message = error instanceof AgentTimelinesError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`agent-timelines: ${message}\n`);
    process.exit(1);
  },
);

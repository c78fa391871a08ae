#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseConfig } from '../config/config.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import { createLogger } from '../runtime/logger.ts';
import { setupTopology } from '../cli/setup-command.ts';

const USAGE = `usage: agent-timelines <command> [options]

commands:
  setup                 create/update the declared Kafka topics and register the Avro schemas (idempotent)
  demo                  run the demo pipeline against the local stack (today: setup, then a summary)
  replay FILE [--time-category quarterHour|hour|day|week|month|year|all] [--time-zone IANA] [--until ISO]
                        batch-replay Sinch agentStatusHistory records (JSON array or NDJSON, - for stdin)
                        and print agentStatistic rows as JSON
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'setup':
    case 'demo': {
      const config = parseConfig(process.env);
      const logger = createLogger(config.logLevel);
      const { topics, subjects } = await setupTopology(config, logger);
      for (const change of topics) process.stdout.write(`topic   ${change.action.padEnd(20)} ${change.topic}${change.detail === undefined ? '' : ` (${change.detail})`}\n`);
      for (const subject of subjects) process.stdout.write(`schema  id ${String(subject.id).padEnd(17)} ${subject.subject}\n`);
      if (command === 'demo') {
        process.stdout.write(`\nstack ready: Kafka ${config.kafka.brokers.join(',')}, registry ${config.schemaRegistry.url}, Redis ${config.redis.url}\n`);
      }
      return 0;
    }
    case 'replay': {
      const { replayCommand } = await import('../cli/replay.ts');
      return replayCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, readFile: (path) => readFile(path, 'utf8') });
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof AgentTimelinesError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`agent-timelines: ${message}\n`);
    process.exitCode = 1;
  },
);

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireServices } from '../support/services.ts';

const CLI = resolve(import.meta.dirname, '../../src/bin/cli.ts');
const SEED = resolve(import.meta.dirname, '../fixtures/sinch-seed-agent-status-history.json');

/** Runs the CLI on this Node with --trace-warnings and returns its exit code and stderr. */
async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ['--trace-warnings', CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? String(error) };
  }
}

describe('agent-timelines prints no runtime warnings (real Node, real stack)', () => {
  it('--help and an offline command', async () => {
    for (const args of [['--help'], ['replay', SEED]]) {
      const { code, stderr } = await runCli(args);
      expect({ args, code, warnings: stderr.match(/^.*Warning.*$/gm) ?? [] }).toEqual({ args, code: 0, warnings: [] });
    }
  }, 60_000);

  it('setup, which talks to Kafka and the registry', async () => {
    const config = await requireServices();
    const { code, stderr } = await runCli(['setup'], {
      KAFKA_BROKERS: config.kafka.brokers.join(','),
      SCHEMA_REGISTRY_URL: config.schemaRegistry.url,
      TOPIC_PREFIX: `test.cli-warnings.${randomUUID()}.`,
      LOG_LEVEL: 'warn',
    });
    expect({ code, warnings: stderr.match(/^.*Warning.*$/gm) ?? [] }).toEqual({ code: 0, warnings: [] });
  }, 90_000);
});

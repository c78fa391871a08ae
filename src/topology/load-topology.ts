import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { topologySchema } from './topology-schema.ts';
import type { Topology } from './topology-schema.ts';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

export const DEFAULT_TOPOLOGY_FILE = fileURLToPath(new URL('../../topologies/agent-timelines.topology.json', import.meta.url));
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** Reads and validates a topology file, and checks that every value schema it names exists and is JSON. */
export async function loadTopology(file: string = DEFAULT_TOPOLOGY_FILE, schemasDir: string = SCHEMAS_DIR): Promise<Topology> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new AgentTimelinesError('TOPOLOGY_INVALID', `cannot read topology ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = topologySchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AgentTimelinesError('TOPOLOGY_INVALID', `invalid topology ${file}:\n  ${lines.join('\n  ')}`);
  }
  for (const topic of parsed.data.topics) {
    await readValueSchema(topic.valueSchema, schemasDir);
  }
  return parsed.data;
}

/** Returns the Avro schema text of `schemas/<name>.avsc`. */
export async function readValueSchema(name: string, schemasDir: string = SCHEMAS_DIR): Promise<string> {
  const path = `${schemasDir.replace(/\/?$/, '/')}${name}.avsc`;
  try {
    const text = await readFile(path, 'utf8');
    JSON.parse(text);
    return text;
  } catch (cause) {
    throw new AgentTimelinesError('TOPOLOGY_INVALID', `value schema ${name} (${path}) is missing or not JSON: ${(cause as Error).message}`, { cause });
  }
}

/** The topic name as it exists in Kafka. */
export function physicalTopicName(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}

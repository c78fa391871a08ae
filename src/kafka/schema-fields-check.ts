import { isDeepStrictEqual } from 'node:util';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { AvroSerde } from './avro-serde.ts';

/**
 * Throws SCHEMA_MISMATCH unless the value schema registered for `topic` (the one {@link AvroSerde.encode} writes
 * with) round-trips `fields` of `probe`. Encoding silently drops fields the writer schema lacks, so a process started
 * against an older registered schema (setup not run after an upgrade) would otherwise write records that lose data.
 */
export async function assertSchemaCarries(serde: AvroSerde, topic: string, probe: Readonly<Record<string, unknown>>, fields: readonly string[]): Promise<void> {
  const decoded = await serde.decode<Record<string, unknown>>(await serde.encode(topic, probe));
  const lost = fields.filter((field) => !isDeepStrictEqual(decoded[field], probe[field]));
  if (lost.length > 0) {
    throw new AgentTimelinesError('SCHEMA_MISMATCH', `the schema registered for ${topic} does not carry ${lost.join(', ')}: it is older than this release; run \`agent-timelines setup\``);
  }
}

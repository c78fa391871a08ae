import type { Topology } from '../topology/topology-schema.ts';
import { physicalTopicName, readValueSchema } from '../topology/load-topology.ts';
import { registryRequest } from './schema-registry-http.ts';
import type { RegistryEndpoint } from './schema-registry-http.ts';

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

export interface RegisteredSubject {
  readonly topic: string;
  readonly subject: string;
  readonly id: number;
}

/** TopicNameStrategy: the value subject of a topic. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/**
 * Registers `schema` under `subject` and pins the subject's compatibility. Registering an identical schema again
 * returns the same id; an incompatible change is refused by the registry (409) and surfaces as an error.
 */
export async function registerSchema(endpoint: RegistryEndpoint, subject: string, schema: string, compatibility: Compatibility = 'BACKWARD'): Promise<number> {
  const encoded = encodeURIComponent(subject);
  const { id } = await registryRequest<{ id: number }>(endpoint, 'POST', `/subjects/${encoded}/versions`, { schema, schemaType: 'AVRO' });
  await registryRequest(endpoint, 'PUT', `/config/${encoded}`, { compatibility });
  return id;
}

/** Registers the value schema of every topic in the topology under `<prefix><topic>-value`. Idempotent. */
export async function registerTopologySchemas(endpoint: RegistryEndpoint, topology: Topology, prefix: string): Promise<RegisteredSubject[]> {
  const registered: RegisteredSubject[] = [];
  for (const spec of topology.topics) {
    const topic = physicalTopicName(prefix, spec.name);
    const subject = valueSubject(topic);
    const id = await registerSchema(endpoint, subject, await readValueSchema(spec.valueSchema));
    registered.push({ topic, subject, id });
  }
  return registered;
}

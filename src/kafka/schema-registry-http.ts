import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

export interface RegistryEndpoint {
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string } | undefined;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** One call to the Confluent-compatible registry API; non-2xx answers become errors carrying the body. */
export async function registryRequest<T>(endpoint: RegistryEndpoint, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: CONTENT_TYPE };
  if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
  if (endpoint.auth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${endpoint.auth.username}:${endpoint.auth.password}`).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(`${endpoint.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `schema registry at ${endpoint.url} is unreachable: ${(cause as Error).message}`, { cause });
  }
  const text = await response.text();
  if (!response.ok) {
    const code = response.status === 404 ? 'SCHEMA_NOT_FOUND' : response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'SCHEMA_REGISTRATION_FAILED';
    throw new AgentTimelinesError(code, `schema registry ${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return (text.length === 0 ? undefined : JSON.parse(text)) as T;
}

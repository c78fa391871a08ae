import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { ErrorCode } from '../errors/agent-timelines-error.ts';

export interface RegistryEndpoint {
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string } | undefined;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * A failed registry call. `reason` names what went wrong for metrics and logs: `unreachable` (network error or
 * timeout), `malformed` (a 2xx body that is not JSON) or `http_<status>`.
 */
export class SchemaRegistryError extends AgentTimelinesError {
  readonly status: number | undefined;
  readonly reason: string;

  constructor(code: ErrorCode, message: string, details: { status?: number; reason: string; cause?: unknown }) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SchemaRegistryError';
    this.status = details.status;
    this.reason = details.reason;
  }
}

/** A 404 carrying the registry's own not-found error (Confluent error codes 40401 subject, 40402 version, 40403 schema). */
function isRegistryNotFound(text: string): boolean {
  try {
    const code = (JSON.parse(text) as { error_code?: unknown }).error_code;
    return typeof code === 'number' && code >= 40_400 && code < 40_500;
  } catch {
    return false;
  }
}

/**
 * The error code of a non-2xx answer. Only a 404 with the registry's not-found error is SCHEMA_NOT_FOUND; a 404
 * without it (a proxy, a wrong base path), 401/403 (credentials being rotated, a gateway), 408, 429 and 5xx say
 * nothing about the schema and are SERVICE_UNAVAILABLE (retriable). Other 4xx (400, 409 incompatible, 422 invalid)
 * are the request's fault: SCHEMA_REGISTRATION_FAILED.
 */
function errorCodeOf(status: number, text: string): ErrorCode {
  if (status === 404) return isRegistryNotFound(text) ? 'SCHEMA_NOT_FOUND' : 'SERVICE_UNAVAILABLE';
  if (status === 401 || status === 403 || status === 408 || status === 429 || status >= 500) return 'SERVICE_UNAVAILABLE';
  return 'SCHEMA_REGISTRATION_FAILED';
}

/**
 * One call to the Confluent-compatible registry API. Throws a {@link SchemaRegistryError}: SERVICE_UNAVAILABLE
 * (retriable) when the registry cannot be reached, times out (`timeoutMs`, default 10 s), answers a transient
 * status or a 2xx body that is not JSON; SCHEMA_NOT_FOUND for a definite not-found; SCHEMA_REGISTRATION_FAILED for
 * a refused request.
 */
export async function registryRequest<T>(
  endpoint: RegistryEndpoint,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  options: { readonly timeoutMs?: number } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: CONTENT_TYPE };
  if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
  if (endpoint.auth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${endpoint.auth.username}:${endpoint.auth.password}`).toString('base64')}`;
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${endpoint.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: timeout });
    text = await response.text();
  } catch (cause) {
    const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : (cause as Error).message;
    throw new SchemaRegistryError('SERVICE_UNAVAILABLE', `schema registry at ${endpoint.url} is unreachable (${method} ${path}): ${why}`, { reason: 'unreachable', cause });
  }
  const { status } = response;
  if (!response.ok) {
    throw new SchemaRegistryError(errorCodeOf(status, text), `schema registry ${method} ${path} answered ${status}: ${text.slice(0, 500)}`, { status, reason: `http_${status}` });
  }
  if (text.length === 0) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new SchemaRegistryError('SERVICE_UNAVAILABLE', `schema registry ${method} ${path} answered ${status} with a body that is not JSON (a proxy page?): ${text.slice(0, 200)}`, {
      status,
      reason: 'malformed',
      cause,
    });
  }
}

import type { IncomingMessage } from 'node:http';
import { ServiceStackError } from './service-stack-error.ts';

/** Largest request body read (a report request is a few hundred bytes). */
const MAX_BODY_BYTES = 1_000_000;

/**
 * A request DTO's fields as ServiceStack fills them: from the query string, then from a JSON or form body (body
 * wins), names case-insensitive.
 */
export class RequestFields {
  private readonly values = new Map<string, unknown>();

  constructor(query: URLSearchParams, body: Record<string, unknown>) {
    for (const [name, value] of query) this.values.set(name.toLowerCase(), value);
    for (const [name, value] of Object.entries(body)) this.values.set(name.toLowerCase(), value);
  }

  /** The field as text; undefined when absent, null or empty. */
  text(name: string): string | undefined {
    const value = this.values.get(name.toLowerCase());
    if (value === undefined || value === null) return undefined;
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
    return text === '' ? undefined : text;
  }

  /** The field as a boolean (true/false in any case, 1/0); `fallback` when absent; 400 otherwise. */
  boolean(name: string, fieldName: string, fallback: boolean): boolean {
    const value = this.values.get(name.toLowerCase());
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'boolean') return value;
    const text = String(value).toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    throw new ServiceStackError(400, 'SerializationException', `Unable to bind to request '${fieldName}': '${String(value)}' is not a Boolean`, [
      { errorCode: 'SerializationException', fieldName, message: `'${String(value)}' is not a Boolean` },
    ]);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ServiceStackError(413, 'RequestEntityTooLarge', `Request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads the body (JSON object or form) and merges it with the query; 400 SerializationException for a bad JSON body. */
export async function requestFields(req: IncomingMessage, query: URLSearchParams): Promise<RequestFields> {
  const text = await readBody(req);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (text.trim() === '') return new RequestFields(query, {});
  if (type === 'application/x-www-form-urlencoded') return new RequestFields(query, Object.fromEntries(new URLSearchParams(text)));
  if (type === 'application/json' || type === '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ServiceStackError(400, 'SerializationException', 'Could not deserialize the request body as JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ServiceStackError(400, 'SerializationException', 'The request body must be a JSON object');
    return new RequestFields(query, parsed as Record<string, unknown>);
  }
  throw new ServiceStackError(415, 'UnsupportedMediaType', `Content-Type '${type}' is not supported: send application/json or a form`);
}

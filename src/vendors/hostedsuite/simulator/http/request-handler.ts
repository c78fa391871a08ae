import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { SimCall } from '../model/call-model.ts';
import type { FaultInjector } from './fault-injector.ts';
import { listCallRecords } from './list-call-records.ts';
import { ServiceStackError, unauthorized } from './service-stack-error.ts';

export interface HostedSuiteHandlerSetup {
  readonly calls: readonly SimCall[];
  readonly zone: string;
  readonly now: () => number;
  readonly credentials: { readonly customerName: string; readonly userName: string; readonly password: string };
  readonly faults: FaultInjector;
  readonly retryAfterSeconds: number;
  readonly count: (counter: string) => void;
}

/** The routes of ListCallRecordsRequest: its own, the pre-defined reply route, and the `.json` suffix. */
const ROUTES = new Set(['/api/calls', '/api/calls.json', '/api/json/reply/ListCallRecordsRequest']);

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceStackError(400, 'SerializationException', 'Could not deserialize the request body as JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ServiceStackError(400, 'SerializationException', 'The request body must be a JSON object');
  return json as Record<string, unknown>;
}

/**
 * Serves the HostedSuite v2 call records (docs/vendors/hostedsuite-contract.md): `POST /api/calls`,
 * `/api/calls.json` and `/api/json/reply/ListCallRecordsRequest`, `?format=json` accepted. The credentials travel in
 * the body; a missing or wrong one is 401 `Unauthorized`. Faults are drawn per request before anything else.
 */
export async function handleHostedSuiteRequest(setup: HostedSuiteHandlerSetup, req: IncomingMessage, res: ServerResponse): Promise<void> {
  setup.count('requests');
  const fault = setup.faults.request();
  if (fault.latencyMs > 0) await delay(fault.latencyMs);
  try {
    if (fault.kind === 'reset') {
      setup.count('fault:reset');
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'tooManyRequests') {
      setup.count('fault:429');
      throw new ServiceStackError(429, 'TooManyRequests', 'Too many requests', null, { 'retry-after': String(setup.retryAfterSeconds) });
    }
    if (fault.kind === 'serverError') {
      setup.count('fault:5xx');
      throw new ServiceStackError(fault.status, 'InternalServerError', 'The server had an error');
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (!ROUTES.has(url.pathname)) throw new ServiceStackError(404, 'NotFound', `Handler for Request not found: ${url.pathname}`);
    if (req.method !== 'POST') throw new ServiceStackError(405, 'NotImplementedException', `${req.method ?? ''} is not supported: use POST`);
    const format = url.searchParams.get('format');
    if (format !== null && format !== 'json') throw new ServiceStackError(406, 'NotAcceptable', 'Only format=json is served');
    const body = await readBody(req);
    const { customerName, userName, password } = setup.credentials;
    if (body['CustomerName'] !== customerName || body['UserName'] !== userName || body['Password'] !== password) throw unauthorized('Invalid CustomerName, UserName or Password');
    const answer = listCallRecords(setup.calls, body, setup.now(), setup.zone);
    if (fault.junkRow) {
      setup.count('fault:junk-row');
      const template = answer.Items[0];
      if (template !== undefined) answer.Items.push({ ...template, Id: `junk${template.Id.slice(4)}`, StartTime: '0000-00-00T00:00:00' });
    }
    setup.count('rows');
    const text = JSON.stringify(answer);
    if (fault.malformed) {
      setup.count('fault:malformed');
      send(res, 200, text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    }
    send(res, 200, text);
    setup.count('status:200');
  } catch (error) {
    const e = error instanceof ServiceStackError ? error : new ServiceStackError(500, 'Exception', error instanceof Error ? error.message : String(error));
    setup.count(`status:${e.status}`);
    send(res, e.status, JSON.stringify(e.body()), { ...e.headers });
  }
}

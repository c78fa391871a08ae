import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest } from './bad-request.ts';
import type { Endpoint } from './endpoint.ts';
import type { RequestFaults } from './fault-injector.ts';
import { parseRaiQuery } from './rai-query.ts';
import { DEFAULT_PAGE_LIMIT, pageOf, sortRows } from './row-order.ts';
import { nonNegativeIntParam } from './query-values.ts';
import type { SimulatorData } from './simulator-data.ts';

export interface HandlerSetup {
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  readonly data: SimulatorData;
  readonly authorization: string;
  readonly retryAfterSeconds: number;
  readonly count: (counter: string) => void;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}, type = 'text/plain; charset=utf-8'): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((part) => /^\s*(application\/json|application\/\*|\*\/\*)\s*(;.*)?$/i.test(part));
}

/**
 * Answers one request at simulated time `now` after its faults were decided: injected failures
 * first, then method (GET), Basic auth, path, Accept (JSON only), query validation, rows, sort,
 * row limit, paging and the page cap. Every answer is counted by status.
 */
export function handleRaiRequest(setup: HandlerSetup, req: IncomingMessage, res: ServerResponse, now: number, faults: RequestFaults): void {
  const { count } = setup;
  const reply = (status: number, body: string, headers?: Record<string, string>, type?: string): void => {
    count(`status:${status}`);
    send(res, status, body, headers, type);
  };
  switch (faults.fault.kind) {
    case 'reset':
      count('fault:reset');
      req.socket.destroy();
      return;
    case 'timeout':
      count('fault:timeout');
      return;
    case 'tooManyRequests':
      count('fault:429');
      return reply(429, 'Too Many Requests', { 'Retry-After': String(setup.retryAfterSeconds) });
    case 'serverError':
      count('fault:5xx');
      return reply(faults.fault.status, faults.fault.status === 503 ? 'Service Unavailable' : 'Internal Server Error');
    case 'none':
      break;
  }
  if (req.method !== 'GET') return reply(405, 'Method Not Allowed: the simulator serves GET only', { Allow: 'GET' });
  if (req.headers.authorization !== setup.authorization) return reply(401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="RAI"' });
  const url = new URL(req.url ?? '/', 'http://simulator');
  const endpoint = setup.endpoints.get(url.pathname);
  if (endpoint === undefined) return reply(404, `Not Found: ${url.pathname}`);
  count(`endpoint:${endpoint.path}`);
  if (!acceptsJson(req.headers.accept)) return reply(406, `Not Acceptable: '${req.headers.accept ?? ''}'. The simulator answers only Accept: application/json`);
  let body: string;
  try {
    const query = parseRaiQuery(url.searchParams, endpoint.parameters, endpoint.fields);
    const paging = { offset: nonNegativeIntParam(query.params, 'offset', 0), limit: nonNegativeIntParam(query.params, 'limit', DEFAULT_PAGE_LIMIT) };
    let rows = endpoint.rows(query, { now, data: setup.data });
    if (endpoint.defaultSort !== null) rows = sortRows(rows, query.params, endpoint.fields, endpoint.defaultSort);
    const repeat = paging.offset > 0 ? Math.min(faults.repeatRows, paging.offset) : 0;
    if (repeat > 0) count('fault:repeatRows');
    let page = pageOf(rows, paging, repeat);
    if (faults.pageCap !== null && page.length > faults.pageCap) {
      count('fault:pageCap');
      page = page.slice(0, faults.pageCap);
    }
    body = JSON.stringify(page);
  } catch (error: unknown) {
    if (error instanceof BadRequest) return reply(400, error.message);
    throw error;
  }
  if (faults.malformed) {
    count('fault:malformed');
    body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  }
  reply(200, body, {}, 'application/json; charset=utf-8');
}

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub does with one request: a scripted answer, `hang` (never answer), or `forward` to the target registry. */
export type StubAnswer = { readonly status: number; readonly body: string; readonly type?: string; readonly headers?: Record<string, string> } | 'hang' | 'forward';

export interface RegistryStub {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Every request path seen, in arrival order. */
  readonly paths: string[];
  close(): Promise<void>;
}

/** Canned answers of misbehaving registries and the things in front of them. */
export const ANSWERS = {
  tooManyRequests: { status: 429, body: 'Too Many Requests', type: 'text/plain', headers: { 'retry-after': '1' } },
  serviceUnavailable: { status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>', type: 'text/html' },
  htmlOk: { status: 200, body: '<!DOCTYPE html><html><body>Please sign in</body></html>', type: 'text/html' },
  unauthorized: { status: 401, body: '{"error_code":40101,"message":"Unauthorized"}', type: 'application/json' },
  forbidden: { status: 403, body: '<html>Forbidden by gateway</html>', type: 'text/html' },
  requestTimeout: { status: 408, body: 'Request Timeout', type: 'text/plain' },
  proxyNotFound: { status: 404, body: '<html><body>404 Not Found (nginx)</body></html>', type: 'text/html' },
  emptyObject: { status: 200, body: '{}', type: 'application/json' },
} as const satisfies Record<string, StubAnswer>;

/** The registry's own answer for an unknown schema id (Confluent error code 40403, as Apicurio's ccompat API sends it). */
export function schemaNotFound(id: number): StubAnswer {
  return { status: 404, body: JSON.stringify({ message: `No content with ID '${id}' was found.`, error_code: 40403 }), type: 'application/json' };
}

export function schemaFound(schema: string): StubAnswer {
  return { status: 200, body: JSON.stringify({ schema }), type: 'application/vnd.schemaregistry.v1+json' };
}

async function forward(target: string, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ['accept', 'content-type', 'authorization']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const method = req.method ?? 'GET';
  const answer = await fetch(`${target}${path}`, { method, headers, ...(chunks.length === 0 || method === 'GET' ? {} : { body: Buffer.concat(chunks) }) });
  const body = Buffer.from(await answer.arrayBuffer());
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'content-length': String(body.length) });
  res.end(body);
}

/**
 * A schema registry stand-in on 127.0.0.1: `answer(path, method)` decides each request. With `target` (a real
 * registry's base URL) it can also act as a proxy in front of it; without one, `forward` answers 502.
 */
export async function startRegistryStub(answer: (path: string, method: string) => StubAnswer, target?: string): Promise<RegistryStub> {
  const paths: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const path = `${url.pathname}${url.search}`;
    paths.push(url.pathname);
    const decided = answer(url.pathname, req.method ?? 'GET');
    if (decided === 'hang') {
      hanging.add(res);
      return;
    }
    if (decided === 'forward') {
      if (target === undefined) {
        res.writeHead(502).end('no target');
        return;
      }
      forward(target, req, res, path).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy error: ${(error as Error).message}`);
      });
      return;
    }
    res.writeHead(decided.status, { 'content-type': decided.type ?? 'application/json', ...decided.headers });
    res.end(decided.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** A component's readiness: every check `ok`, or a short reason (never hosts, URLs or credentials). */
export interface OpsReadiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, string>>;
}

export interface RunningOpsServer {
  readonly address: string;
  /** Stops listening; idempotent. */
  close(): Promise<void>;
}

/**
 * The operations endpoint of a long-running command (`process`, `poll`): `GET /metrics` answers `registry` in the
 * Prometheus text format, `GET /healthz` 200 while the process runs, `GET /readyz` 200 or 503 with the checks of
 * `readiness` as JSON; everything else 404. Rejects when the port cannot be bound.
 */
export async function startOpsServer(options: { host: string; port: number; registry: Registry; logger: Logger; readiness?: () => OpsReadiness }): Promise<RunningOpsServer> {
  const { registry, logger, readiness } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
      return;
    }
    if (request.method === 'GET' && path === '/readyz' && readiness !== undefined) {
      const state = readiness();
      response.writeHead(state.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify({ status: state.ready ? 'ready' : 'not ready', checks: state.checks })}\n`);
      return;
    }
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: this endpoint serves GET /metrics, /healthz${readiness === undefined ? '' : ' and /readyz'}\n`);
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.warn({ err: error }, 'collecting metrics failed');
        response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    address: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

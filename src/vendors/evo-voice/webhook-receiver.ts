import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PollerMetrics } from '../../ingest/metrics.ts';
import type { JobWaker } from './job-waker.ts';

/** The path a tenant's completion webhooks are POSTed to. */
export function webhookPath(tenant: string): string {
  return `/evo-voice/webhook/${encodeURIComponent(tenant)}`;
}

/** A webhook body above this is refused (413): the poller finds the job by polling anyway. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).length;
    if (total > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The HTTP endpoint for Evo Voice's report-completion webhooks (`POST <publicBaseUrl>/evo-voice/webhook/<tenant>`).
 * It reads only the report `id` of the body and wakes the poller waiting on that job, which then polls the status
 * and downloads the workbook as always: the body's rows are never used as data (the webhook is unauthenticated, at
 * most once and may never come; the workbook is the one path every row takes). A wake for a job nobody waits on is
 * harmless. Answers 204 for a usable body, 400 for a body without an id, 404 for an unknown tenant, 405 for
 * anything but POST, 413 above 32 MiB. Lifecycle: {@link start} → register* → close.
 */
export class WebhookReceiver {
  readonly #server: Server;
  readonly #wakers = new Map<string, JobWaker>();
  readonly #logger: Logger;
  readonly #metrics: PollerMetrics;
  #address = '';

  private constructor(logger: Logger, metrics: PollerMetrics) {
    this.#logger = logger;
    this.#metrics = metrics;
    this.#server = createServer((request, response) => {
      this.#handle(request).then(
        (status) => response.writeHead(status, { 'content-type': 'text/plain' }).end(),
        (error: unknown) => {
          this.#logger.warn({ err: error }, 'webhook request failed');
          response.writeHead(500).end();
        },
      );
    });
  }

  /** Listens on host:port (port 0: any free port); rejects when the port cannot be bound. */
  static async start(options: { host: string; port: number; logger: Logger; metrics: PollerMetrics }): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options.logger, options.metrics);
    await new Promise<void>((resolve, reject) => {
      receiver.#server.once('error', reject);
      receiver.#server.listen(options.port, options.host, () => {
        receiver.#server.off('error', reject);
        resolve();
      });
    });
    const { address, port } = receiver.#server.address() as AddressInfo;
    receiver.#address = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return receiver;
  }

  /** Where it listens, e.g. http://127.0.0.1:9466. */
  get address(): string {
    return this.#address;
  }

  register(tenant: string, waker: JobWaker): void {
    this.#wakers.set(webhookPath(tenant), waker);
  }

  async #handle(request: IncomingMessage): Promise<number> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const waker = this.#wakers.get(path);
    if (waker === undefined) return 404;
    if (request.method !== 'POST') return 405;
    const body = await readBody(request);
    if (body === null) return 413;
    let id: unknown;
    try {
      id = (JSON.parse(body.toString('utf8')) as { id?: unknown } | null)?.id;
    } catch {
      return 400;
    }
    if (typeof id !== 'string' || id === '') return 400;
    const tenant = decodeURIComponent(path.slice(webhookPath('').length));
    const woken = waker.wake(id);
    this.#metrics.inc('report_webhook_wakes', { tenant, endpoint: 'evo-voice/webhook' });
    this.#logger.debug({ tenant, reportId: id, woken }, 'report webhook received');
    return 204;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

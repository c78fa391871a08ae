import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { BoardStream } from '../live/board-stream.ts';
import { FeedHub } from '../live/feed-hub.ts';
import { sseRetry } from '../live/sse-format.ts';
import { parseRaiQuery, tenantParam } from '../query-values.ts';
import type { ServerDeps } from '../server-deps.ts';
import { storeRead } from '../store-read.ts';

const PARAMETERS = new Set(['tenant']);
const NO_FIELDS = new Set<string>();
/** How long a browser waits before reconnecting after the stream ends. */
const RETRY_MS = 2_000;

export const STREAMS_GAUGE = 'http_event_streams';

/** The gauge of open /board/events streams on `registry`, reusing what an earlier server registered there. */
function streamsGauge(registry: Registry): Gauge {
  const existing = registry.getSingleMetric(STREAMS_GAUGE);
  if (existing instanceof Gauge) return existing as Gauge;
  return new Gauge({ name: STREAMS_GAUGE, help: 'Open GET /board/events streams (server-sent events) of this process', registers: [registry] });
}

export const DEFAULT_LIVE_LIMITS = { maxClients: 200, heartbeatMs: 15_000 } as const;

/**
 * `GET /board/events?tenant=`: the tenant's agents as server-sent events (docs/http-api.md, "Live board events"). A
 * tenant data route like the others (access-control.ts checks the token and the tenant before it runs). Answers 503
 * with Retry-After when HTTP_SSE_MAX_CLIENTS streams are open. All streams of a tenant share one feed loop
 * ({@link FeedHub}); one timer sends the heartbeats. Closing the server ends every stream first (preClose), so close
 * does not wait for clients. Not registered without `deps.changeFeed` (the route is then 404).
 */
export function registerBoardEventsRoute(app: FastifyInstance, deps: ServerDeps): void {
  const feed = deps.changeFeed;
  if (feed === undefined) return;
  const alerts = deps.alerts;
  const limits = { ...DEFAULT_LIVE_LIMITS, ...deps.live };
  const hub = new FeedHub(feed, deps.logger, deps.live?.blockMs === undefined ? {} : { blockMs: deps.live.blockMs });
  const streams = new Set<BoardStream>();
  const gauge = streamsGauge(deps.registry);
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.heartbeat();
  }, limits.heartbeatMs);
  heartbeat.unref();
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    for (const stream of [...streams]) stream.close();
    await hub.close();
  });

  app.get('/board/events', async (request, reply) => {
    const { params } = parseRaiQuery(request.url, PARAMETERS, NO_FIELDS);
    const tenant = tenantParam(params, deps.tenant);
    if (streams.size >= limits.maxClients) {
      return reply.code(503).header('retry-after', '5').type('text/plain; charset=utf-8')
        .send(`Service Unavailable: ${streams.size} event streams are open, the most this server serves (HTTP_SSE_MAX_CLIENTS)`);
    }
    const body = new PassThrough();
    const stream = new BoardStream(body, tenant, {
      feed,
      readStates: async (t) => (await storeRead(deps.reader.readAgentStates(t))).rows,
      ...(alerts === undefined ? {} : { readAlerts: (t: string) => storeRead(alerts.readFiring(t)) }),
      clock: deps.clock,
      logger: deps.logger,
    });
    streams.add(stream);
    gauge.inc();
    const unsubscribe = hub.subscribe(tenant, stream);
    stream.onClose = () => {
      streams.delete(stream);
      gauge.dec();
      unsubscribe();
    };
    reply.raw.once('close', () => stream.close());
    body.write(sseRetry(RETRY_MS));
    const lastEventId = request.headers['last-event-id'];
    stream.start(typeof lastEventId === 'string' ? lastEventId.trim() : undefined);
    return reply
      .headers({ 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' })
      .type('text/event-stream; charset=utf-8')
      .send(body);
  });
}

import cors from '@fastify/cors';
import helmet from 'helmet';
import { fastify, LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import { guardRoutes } from './access-control.ts';
import { BadRequest } from './bad-request.ts';
import { instrumentRequests } from './http-metrics.ts';
import { AnswerCache } from './answer-cache.ts';
import { QueryAdmission } from './query-admission.ts';
import { registerAlertRulesRoute } from './routes/alert-rules-route.ts';
import { registerFiringAlertsRoute } from './routes/firing-alerts-route.ts';
import { registerAgentHistoryRoute } from './routes/agent-history-route.ts';
import { registerAgentStatisticRoute } from './routes/agent-statistic-route.ts';
import { registerAgentsWorkReportRoute } from './routes/agents-work-report-route.ts';
import { registerAgentStatusRoute } from './routes/agent-status-route.ts';
import { registerBillingRoute } from './routes/billing-route.ts';
import { registerBoardEventsRoute } from './routes/board-events-route.ts';
import { registerBoardPagesRoute } from './routes/board-pages-route.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerMetricsRoute } from './routes/metrics-route.ts';
import { registerOpenApiRoute } from './routes/openapi-route.ts';
import { registerTimelineRoute } from './routes/timeline-route.ts';
import { DEFAULT_REQUEST_LIMITS } from './server-deps.ts';
import type { ServerDeps } from './server-deps.ts';

const TEXT = 'text/plain; charset=utf-8';
/** The headers a browser script may read from an answer (completeness.ts, the paged routes, 401 and 503). */
const EXPOSED_HEADERS = ['X-Watermark', 'X-Data-Complete-Up-To', 'X-Allowed-Lateness-Ms', 'X-Watermark-Partitions', 'X-Data-Incomplete', 'X-Total-Count', 'Retry-After', 'WWW-Authenticate'];

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).statusCode === 'number';
}

/**
 * Builds the API server over injected dependencies; nothing listens until the caller calls `listen` (or uses
 * `inject`). Client errors are answered `400 text/plain` with the message, an unreachable store `503 text/plain`
 * with Retry-After, anything else `500` (logged). Every route is guarded by {@link guardRoutes} (tokens, tenants, Host),
 * answers carry the security headers of a JSON API (helmet) and, for the configured origins only, CORS headers. The
 * data routes share one {@link QueryAdmission} with the query deadline of `requestLimits`. The caller owns the
 * lifecycle: `close()` stops the server but leaves the reader, probes and registry to their owners.
 * with Retry-After, anything else `500` (logged); `/api/agents_work_report` answers its own errors in Thulium's JSON
 * shape. The statistic routes share one {@link QueryAdmission}. The caller owns the lifecycle: `close()` stops the server but
 * leaves the reader, probes and registry to their owners.
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = fastify({ loggerInstance: deps.logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), requestTimeout: 60_000 });
  const limits = { ...DEFAULT_REQUEST_LIMITS, ...deps.requestLimits };
  const security = deps.security ?? {};
  instrumentRequests(app, deps.registry, deps.collectDefaultMetrics ?? true);
  // helmet's middleware built once (@fastify/helmet builds it again for every request), run on the raw response
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }, crossOriginResourcePolicy: { policy: 'cross-origin' } });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
  if (security.corsOrigins !== undefined) {
    app.register(cors, {
      origin: [...security.corsOrigins],
      methods: ['GET', 'HEAD'],
      allowedHeaders: ['Authorization', 'Accept-Language', 'Last-Event-ID'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  app.after(() => guardRoutes(app, { tokens: security.tokens ?? null, defaultTenant: deps.tenant, allowedHosts: security.allowedHosts }));
  app.setNotFoundHandler(async (request, reply) => reply.code(404).type(TEXT).send(`Not Found: ${request.method} ${request.url.split('?')[0] ?? ''}`));
  app.setErrorHandler(async (error: unknown, request, reply) => {
    if (error instanceof BadRequest) return reply.code(400).type(TEXT).send(error.message);
    if (error instanceof AgentTimelinesError && error.code === 'CLIENT_GONE') {
      request.log.debug({ url: request.url }, 'query dropped: the client closed the connection');
      return reply.code(499).type(TEXT).send('Client Closed Request');
    }
    if (error instanceof AgentTimelinesError && error.code === 'SERVICE_UNAVAILABLE') {
      request.log.warn({ err: error, url: request.url }, 'query not answered');
      return reply.code(503).header('retry-after', '1').type(TEXT).send(`Service Unavailable: ${error.message}`);
    }
    if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).type(TEXT).send(error.message);
    }
    request.log.error({ err: error, url: request.url }, 'request failed');
    return reply.code(500).type(TEXT).send('Internal Server Error');
  });
  const admission = new QueryAdmission({ ...(deps.queryAdmission ?? { concurrent: 2, queued: 32 }), timeoutMs: limits.queryTimeoutMs });
  // one answer cache for the routes that cache answers, so HTTP_ANSWER_CACHE_MB bounds them together
  const answers = new AnswerCache(deps.answerCacheBytes ?? 0);
  registerAgentStatisticRoute(app, deps, admission, answers);
  registerAgentHistoryRoute(app, deps, admission, answers);
  registerAgentsWorkReportRoute(app, deps, admission);
  registerAgentStatusRoute(app, deps, admission);
  registerTimelineRoute(app, deps);
  registerBillingRoute(app, deps);
  registerBoardEventsRoute(app, deps);
  registerAlertRulesRoute(app, deps);
  registerFiringAlertsRoute(app, deps);
  registerBoardPagesRoute(app);
  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  registerOpenApiRoute(app);
  return app;
}

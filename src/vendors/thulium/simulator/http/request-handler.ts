import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ThuliumWorld } from '../model/thulium-world.ts';
import { agentResource, statusResource, timelineOf } from './agent-resources.ts';
import { apiError, languageOf, ThuliumApiError } from './api-errors.ts';
import type { Authenticator } from './authenticator.ts';
import type { FaultInjector } from './fault-injector.ts';
import { PhpQuery } from './query-params.ts';
import { workReportRequest } from './report-request.ts';
import type { MatchedRoute } from './route-table.ts';
import { matchRoute } from './route-table.ts';
import { workReportPage } from './work-report.ts';

/** What the handler works with; built once by startThuliumSimulator. */
export interface ThuliumHandlerSetup {
  readonly world: ThuliumWorld;
  /** The simulated now, epoch ms on a whole second. */
  readonly now: () => number;
  readonly auth: Authenticator;
  readonly faults: FaultInjector;
  readonly retryAfterSeconds: number;
  /** The next request id: 13 lowercase hex digits. */
  readonly requestId: () => string;
  /** Resolves after `ms` (timers the simulator cancels on close). */
  readonly delay: (ms: number) => Promise<void>;
  readonly count: (counter: string) => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function answer(setup: ThuliumHandlerSetup, route: MatchedRoute, query: URLSearchParams): unknown {
  const { world } = setup;
  const now = setup.now();
  switch (route.method) {
    case 'GET agents_work_report':
      return workReportPage(world, workReportRequest(new PhpQuery(query), world), now);
    case 'GET agents':
      return world.timelines.map((t) => agentResource(t.agent));
    case 'GET agents/:login':
      return agentResource(timelineOf(world, route.login ?? '').agent);
    case 'GET agents_groups':
      return world.groups.map((g) => ({ id: g.id, name: g.name }));
    case 'GET agents_statuses':
      return world.timelines.map((t) => statusResource(t, now, world.options.zone));
    case 'GET agents/:login/status':
      return statusResource(timelineOf(world, route.login ?? ''), now, world.options.zone);
  }
}

/**
 * Serves one request: the injected fault first (reset, delay, 429 with Retry-After, 500/503), then the route
 * (404/405), Basic authentication (401), the user's allow-list (403) and the method's validation (400, 404).
 * Every error is `{request_id, errors:[{message, code}]}`, Polish for `Accept-Language: pl`.
 */
export async function handleThuliumRequest(setup: ThuliumHandlerSetup, req: IncomingMessage, res: ServerResponse): Promise<void> {
  setup.count('requests');
  const url = new URL(req.url ?? '/', 'http://simulator');
  const requestId = setup.requestId();
  try {
    const fault = setup.faults.request();
    if (fault.kind === 'reset') {
      setup.count('fault:reset');
      req.socket.destroy();
      return;
    }
    if (fault.delayMs > 0) {
      setup.count('fault:slow');
      await setup.delay(fault.delayMs);
    }
    if (fault.kind === 'tooManyRequests') {
      setup.count('fault:429');
      throw apiError('tooManyRequests', { seconds: String(setup.retryAfterSeconds) }, { 'retry-after': String(setup.retryAfterSeconds) });
    }
    if (fault.kind === 'serverError') {
      setup.count(`fault:${fault.status}`);
      throw apiError(fault.status === 500 ? 'internal' : 'unavailable');
    }
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    setup.count(`route:${route.method}`);
    const user = setup.auth.authenticate(req);
    setup.auth.authorize(user, route.method);
    sendJson(res, 200, answer(setup, route, url.searchParams));
  } catch (error: unknown) {
    const failure = error instanceof ThuliumApiError ? error : apiError('internal');
    if (!res.headersSent && !res.destroyed) sendJson(res, failure.status, failure.body(requestId, languageOf(req.headers['accept-language'])), failure.headers);
  } finally {
    if (!res.destroyed || res.headersSent) setup.count(`status:${res.statusCode}`);
  }
}

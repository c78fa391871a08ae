import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EvoAccount, EvoUser } from '../model/tenant.ts';
import { mayRunReports, reachableAccounts } from '../model/tenant.ts';
import type { Authenticator } from './authenticator.ts';
import type { FaultInjector } from './fault-injector.ts';
import type { ReportJobs } from './report-jobs.ts';
import { agentStateReportRequest, billingReportRequest, resolveAccount } from './report-request.ts';
import { RequestFields, requestFields } from './request-fields.ts';
import type { MatchedRoute } from './route-table.ts';
import { matchRoute, negotiateJson } from './route-table.ts';
import type { TimerSet } from './send-workbook.ts';
import { sendWorkbook } from './send-workbook.ts';
import { fieldError, forbidden, missingField, notAuthenticated, notFound, ServiceStackError } from './service-stack-error.ts';

/** What the handler works with; built once by startEvoSimulator. */
export interface EvoHandlerSetup {
  readonly accounts: readonly EvoAccount[];
  readonly auth: Authenticator;
  readonly jobs: ReportJobs;
  readonly faults: FaultInjector;
  readonly retryAfterSeconds: number;
  readonly slowDownload: { chunkBytes: number; pauseMs: number };
  readonly downloadTimers: TimerSet;
  readonly count: (counter: string) => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function requireReportRole(user: EvoUser): void {
  if (!mayRunReports(user)) throw forbidden('Invalid Role: reports require SystemAdministrator, Manager or Customer');
}

const COOKIE_FOREVER = 'expires=Fri, 01 Jan 2100 00:00:00 GMT';
const COOKIE_GONE = 'expires=Thu, 01 Jan 1970 00:00:00 GMT';

async function credentialsLogin(setup: EvoHandlerSetup, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const fields = await requestFields(req, query);
  const provider = fields.text('provider') ?? 'credentials';
  if (provider.toLowerCase() !== 'credentials') throw fieldError('Provider', 'ArgumentException', `Provider '${provider}' is not served: use credentials`);
  const userName = fields.text('userName');
  const password = fields.text('password');
  if (userName === undefined) throw missingField('UserName', 'User Name');
  if (password === undefined) throw missingField('Password', 'Password');
  const user = setup.auth.verify(userName, password);
  if (user === undefined) throw notAuthenticated('Invalid UserName or Password');
  const rememberMe = fields.boolean('rememberMe', 'RememberMe', false);
  const session = setup.auth.login(user, rememberMe);
  sendJson(res, 200, { sessionId: session.sessionId, userName: user.userName, displayName: user.displayName, responseStatus: {} }, {
    'set-cookie': [
      `ss-id=${session.sessionId}; path=/; samesite=lax; httponly`,
      `ss-pid=${session.permanentId}; path=/; ${COOKIE_FOREVER}; samesite=lax; httponly`,
      `ss-opt=${rememberMe ? 'perm' : 'temp'}; path=/; ${COOKIE_FOREVER}; samesite=lax; httponly`,
    ],
  });
}

async function answer(setup: EvoHandlerSetup, route: MatchedRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  if (route.name === 'auth-credentials') return credentialsLogin(setup, req, res, query);
  if (route.name === 'auth-logout') {
    setup.auth.logout(req);
    return sendJson(res, 200, { responseStatus: {} }, { 'set-cookie': ['ss-id', 'ss-pid', 'ss-opt'].map((name) => `${name}=; path=/; ${COOKIE_GONE}`) });
  }
  const user = setup.auth.authenticate(req);
  if (route.name === 'auth-status') {
    const reachable = reachableAccounts(user, setup.accounts);
    return sendJson(res, 200, {
      isAuthenticated: true, userName: user.userName, displayName: user.displayName,
      accountIds: reachable.map((a) => a.id), accountNames: reachable.map((a) => a.name), roles: [...user.roles], responseStatus: {},
    });
  }
  requireReportRole(user);
  switch (route.name) {
    case 'agent-state-report':
    case 'billing-report': {
      const fields = await requestFields(req, query);
      const request = route.name === 'agent-state-report' ? agentStateReportRequest(fields, user, setup.accounts) : billingReportRequest(fields, user, setup.accounts);
      return sendJson(res, 200, setup.jobs.submit(user, request));
    }
    case 'list-reports':
      return sendJson(res, 200, { reports: setup.jobs.list(user, resolveAccount(new RequestFields(query, {}).text('accountId'), user, setup.accounts)) });
    case 'delete-report':
      if (!setup.jobs.delete(user, route.id ?? '')) throw notFound(`Report ${route.id ?? ''} not found`);
      return sendJson(res, 200, {});
    case 'download-report': {
      const job = setup.jobs.find(user, route.id ?? '');
      if (job === undefined) throw notFound(`Report ${route.id ?? ''} not found`);
      if (job.info.status !== 'Completed' || job.content === null) throw new ServiceStackError(409, 'ReportNotReady', `Report ${job.info.id} is ${job.info.status}: download it once it is Completed`);
      const fault = setup.faults.download();
      if (fault.slow) setup.count('fault:slowDownload');
      if (fault.truncateShare !== null) setup.count('fault:truncated');
      const fileName = `${job.info.name.replace(/\s+/g, '-')}-${job.info.id}.xlsx`;
      return sendWorkbook(res, job.content.workbook, fileName, fault, setup.slowDownload, setup.downloadTimers);
    }
    default:
      throw notFound(`No route ${route.name}`);
  }
}

/**
 * Serves one request: injected faults first (429 with Retry-After, 5xx), then the route (404/405), the format
 * (406), authentication (401), the role (403) and the route's own validation; every error is a JSON responseStatus.
 */
export async function handleEvoRequest(setup: EvoHandlerSetup, req: IncomingMessage, res: ServerResponse): Promise<void> {
  setup.count('requests');
  const url = new URL(req.url ?? '/', 'http://simulator');
  try {
    const fault = setup.faults.request();
    if (fault.kind === 'tooManyRequests') {
      setup.count('fault:429');
      throw new ServiceStackError(429, 'TooManyRequests', 'Too many requests: retry later', [], { 'retry-after': String(setup.retryAfterSeconds) });
    }
    if (fault.kind === 'serverError') {
      setup.count('fault:5xx');
      throw new ServiceStackError(fault.status, 'InternalServerError', 'The server had an internal error (injected)');
    }
    const route = matchRoute(req.method ?? 'GET', url.pathname);
    setup.count(`route:${route.name}`);
    if (route.name !== 'download-report' && !route.jsonSuffix) negotiateJson(url.searchParams, req.headers.accept);
    await answer(setup, route, req, res, url.searchParams);
  } catch (error: unknown) {
    const failure = error instanceof ServiceStackError ? error : new ServiceStackError(500, 'Exception', error instanceof Error ? error.message : String(error));
    if (!res.headersSent) sendJson(res, failure.status, failure.body(), { ...failure.headers });
  } finally {
    setup.count(`status:${res.statusCode}`);
  }
}

import { ServiceStackError } from './service-stack-error.ts';

export type RouteName = 'auth-credentials' | 'auth-status' | 'auth-logout' | 'agent-state-report' | 'billing-report' | 'list-reports' | 'download-report' | 'delete-report';

/** A matched route: its name, the report id for /reports/{id}…, and whether the path chose JSON by a `.json` suffix. */
export interface MatchedRoute {
  readonly name: RouteName;
  readonly id: string | null;
  readonly jsonSuffix: boolean;
}

const ALL_BUT_DELETE = ['GET', 'POST', 'PUT', 'PATCH'] as const;

/** Fixed paths (after a `.json` suffix is removed) and their verbs; /json/reply/{Operation} are ServiceStack's pre-defined routes. */
const FIXED: ReadonlyArray<{ path: string; name: RouteName; verbs: readonly string[] }> = [
  { path: '/auth/credentials', name: 'auth-credentials', verbs: ['POST'] },
  { path: '/auth/status', name: 'auth-status', verbs: ['GET'] },
  { path: '/auth/logout', name: 'auth-logout', verbs: ['GET', 'POST'] },
  { path: '/reports/agent-state', name: 'agent-state-report', verbs: ALL_BUT_DELETE },
  { path: '/json/reply/agentstatereport', name: 'agent-state-report', verbs: ALL_BUT_DELETE },
  { path: '/reports/billing', name: 'billing-report', verbs: ALL_BUT_DELETE },
  { path: '/json/reply/billingreport', name: 'billing-report', verbs: ALL_BUT_DELETE },
  { path: '/reports', name: 'list-reports', verbs: ['GET'] },
];

/** Format suffixes ServiceStack knows; only .json is served. */
const OTHER_FORMATS = /\.(xml|csv|jsv|html|jsonl)$/i;

function methodNotAllowed(method: string, path: string, verbs: readonly string[]): ServiceStackError {
  return new ServiceStackError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`, [], { allow: verbs.join(', ') });
}

/**
 * The route of `method path`: 404 NotFound when no route has the path, 405 when the route does not take the verb,
 * 406 for a format suffix other than .json. Paths match case-insensitively, as ServiceStack's do.
 */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const download = /^\/reports\/([^/]+)\.xlsx$/i.exec(pathname);
  if (download?.[1] !== undefined) {
    if (method !== 'GET') throw methodNotAllowed(method, pathname, ['GET']);
    return { name: 'download-report', id: decodeURIComponent(download[1]), jsonSuffix: false };
  }
  if (OTHER_FORMATS.test(pathname)) throw new ServiceStackError(406, 'NotAcceptable', `Only JSON is served: ${pathname}`);
  const jsonSuffix = /\.json$/i.test(pathname);
  const path = pathname.replace(/\.json$/i, '').replace(/\/+$/, '').toLowerCase();
  const fixed = FIXED.find((route) => route.path === path);
  if (fixed !== undefined) {
    if (!fixed.verbs.includes(method)) throw methodNotAllowed(method, pathname, fixed.verbs);
    return { name: fixed.name, id: null, jsonSuffix };
  }
  const report = /^\/reports\/([^/]+)$/.exec(path);
  if (report?.[1] !== undefined) {
    if (method !== 'DELETE') throw methodNotAllowed(method, pathname, ['DELETE']);
    const original = /^\/reports\/([^/]+?)(?:\.json)?\/*$/i.exec(pathname)?.[1] ?? report[1];
    return { name: 'delete-report', id: decodeURIComponent(original), jsonSuffix };
  }
  throw new ServiceStackError(404, 'NotFound', `No route for ${method} ${pathname}`);
}

/**
 * Format negotiation for a JSON route: `?format=json`, or an Accept that allows JSON (application/json,
 * application/*, *\/*, or none at all). Anything else is 406 NotAcceptable: JSON is the only format served.
 */
export function negotiateJson(query: URLSearchParams, accept: string | undefined): void {
  const format = query.get('format');
  if (format !== null) {
    if (format.toLowerCase() !== 'json') throw new ServiceStackError(406, 'NotAcceptable', `format=${format} is not served: only JSON`);
    return;
  }
  if (accept === undefined || accept.trim() === '') return;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  if (!types.some((t) => t === 'application/json' || t === 'application/*' || t === '*/*')) throw new ServiceStackError(406, 'NotAcceptable', `Accept '${accept}' excludes application/json, the only format served`);
}

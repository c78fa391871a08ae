import { apiError } from './api-errors.ts';

/** The served methods, named as the API-user permission list names them. */
export const METHODS = ['GET agents_work_report', 'GET agents', 'GET agents/:login', 'GET agents_groups', 'GET agents_statuses', 'GET agents/:login/status'] as const;
export type MethodName = (typeof METHODS)[number];

export interface MatchedRoute {
  readonly method: MethodName;
  /** The `:login` of the path, decoded; null for routes without one. */
  readonly login: string | null;
}

const ROUTES: ReadonlyArray<{ pattern: RegExp; method: MethodName }> = [
  { pattern: /^\/api\/agents_work_report$/, method: 'GET agents_work_report' },
  { pattern: /^\/api\/agents$/, method: 'GET agents' },
  { pattern: /^\/api\/agents_groups$/, method: 'GET agents_groups' },
  { pattern: /^\/api\/agents_statuses$/, method: 'GET agents_statuses' },
  { pattern: /^\/api\/agents\/([^/]+)\/status$/, method: 'GET agents/:login/status' },
  { pattern: /^\/api\/agents\/([^/]+)$/, method: 'GET agents/:login' },
];

/** The route of `verb path` (a trailing slash ignored): 404 (3002) for an unknown path, 405 (3003) for a verb other than GET. */
export function matchRoute(verb: string, pathname: string): MatchedRoute {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (verb !== 'GET') throw apiError('methodNotAllowed', { verb, path }, { allow: 'GET' });
    return { method: route.method, login: match[1] === undefined ? null : decodeURIComponent(match[1]) };
  }
  throw apiError('routeNotFound', { path });
}

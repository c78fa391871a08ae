import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiToken, ApiTokenScope } from '../config/config-schema.ts';

/**
 * Who may call a route, set as the route's `config.access`: `public` (anyone: /healthz, /openapi.json), a scope
 * (`metrics`, `ready`: a token holding it), or, when unset, `tenant-data`: a token holding the tenant read. Every route
 * without a setting is a data route, so a new route is guarded without doing anything.
 */
export type RouteAccess = 'public' | ApiTokenScope | 'tenant-data';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export interface AccessPolicy {
  /** The API clients; null: no authentication (loopback only, or behind a proxy that authenticates). */
  readonly tokens: readonly ApiToken[] | null;
  /** The tenant a data request without `tenant` reads (config TENANT), unless its token holds exactly one other. */
  readonly defaultTenant: string;
  /** Host header values answered (`host` or `host:port`, case-insensitive); others get 421. Undefined: any. */
  readonly allowedHosts?: readonly string[] | undefined;
}

const TEXT = 'text/plain; charset=utf-8';
const REALM = 'Bearer realm="agent-timelines"';

interface KnownToken {
  readonly hash: Buffer;
  readonly token: ApiToken;
}

/**
 * The token whose SHA-256 is that of `presented`, comparing against every known hash in constant time (no early
 * exit), so the answer time does not tell how much of a hash matched.
 */
function tokenFor(presented: string, known: readonly KnownToken[]): ApiToken | undefined {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: ApiToken | undefined;
  for (const candidate of known) {
    if (timingSafeEqual(digest, candidate.hash) && found === undefined) found = candidate.token;
  }
  return found;
}

function holds(token: ApiToken, tenant: string): boolean {
  return token.tenants.includes('*') || token.tenants.includes(tenant);
}

function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  const lower = host.toLowerCase();
  if (allowed.has(lower)) return true;
  const withoutPort = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.replace(/:\d+$/, '');
  return allowed.has(withoutPort);
}

function refuse(reply: FastifyReply, status: 401 | 403 | 421, message: string, challenge?: string): FastifyReply {
  if (challenge !== undefined) reply.header('www-authenticate', challenge);
  return reply.code(status).type(TEXT).send(message);
}

/**
 * The `onRequest` hook that guards every route (docs/http-api.md, "Security"): refuses an unexpected Host (421) when
 * `allowedHosts` is set; with tokens, answers 401 (with `WWW-Authenticate`) without a known bearer token, 403 for a
 * scope or tenant the token does not hold. A data request without `tenant` reads the token's only tenant when it holds
 * exactly one (the tenant is then added to the request's query, so every route reads the tenant checked here), else
 * the default tenant. A repeated `tenant` is refused 400. CORS preflights (OPTIONS) pass: they read nothing. Data
 * answers are marked `Cache-Control: no-store`.
 */
export function guardRoutes(app: FastifyInstance, policy: AccessPolicy): void {
  const known: KnownToken[] | null = policy.tokens === null ? null : policy.tokens.map((token) => ({ hash: Buffer.from(token.sha256, 'hex'), token }));
  const allowedHosts = policy.allowedHosts === undefined ? undefined : new Set(policy.allowedHosts.map((host) => host.toLowerCase()));
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config.access ?? 'tenant-data';
    if (access === 'public') return;
    if (allowedHosts !== undefined && !hostAllowed(request.headers.host, allowedHosts)) return refuse(reply, 421, 'Misdirected Request: this server does not answer for that Host');
    if (request.method === 'OPTIONS') return;
    if (access === 'tenant-data') reply.header('cache-control', 'no-store');
    if (known === null) return;
    const match = /^Bearer[ ]+([\x21-\x7e]{1,4096})$/i.exec(request.headers.authorization ?? '');
    if (match === null) return refuse(reply, 401, 'Unauthorized: send Authorization: Bearer <token>', REALM);
    const token = tokenFor(match[1] ?? '', known);
    if (token === undefined) return refuse(reply, 401, 'Unauthorized: unknown token', `${REALM}, error="invalid_token"`);
    request.log = request.log.child({ client: token.name });
    if (access !== 'tenant-data') {
      return token.scopes.includes(access) ? undefined : refuse(reply, 403, `Forbidden: this token lacks the ${access} scope`);
    }
    const question = request.url.indexOf('?');
    const search = new URLSearchParams(question < 0 ? '' : request.url.slice(question + 1));
    const asked = search.getAll('tenant');
    if (asked.length > 1) return reply.code(400).type(TEXT).send('Repeated parameter: tenant');
    const only = token.tenants.length === 1 && token.tenants[0] !== '*' ? token.tenants[0] : undefined;
    const tenant = asked[0] ?? only ?? policy.defaultTenant;
    if (!holds(token, tenant)) return refuse(reply, 403, `Forbidden: this token may not read tenant '${tenant.slice(0, 64)}'${asked.length === 0 ? ' (give tenant=)' : ''}`);
    if (asked.length === 0 && tenant !== policy.defaultTenant) {
      request.raw.url = `${request.raw.url ?? '/'}${question < 0 ? '?' : '&'}tenant=${encodeURIComponent(tenant)}`;
    }
    return undefined;
  });
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EvoUser } from '../model/tenant.ts';
import { notAuthenticated } from './service-stack-error.ts';

/** The cookies a credentials login sets: `ss-id` (session), `ss-pid` (permanent) and, with rememberMe, `ss-opt=perm`. */
export interface SessionCookies {
  readonly sessionId: string;
  readonly permanentId: string;
  readonly rememberMe: boolean;
}

function cookiesOf(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return jar;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function sessionKey(): string {
  return randomBytes(15).toString('base64url');
}

/**
 * ServiceStack's BasicAuthProvider and CredentialsAuthProvider over the tenant's users. A request is authenticated
 * by `Authorization: Basic` (checked on every request, no session) or by the cookies of a login: `ss-id`, or
 * `ss-pid` when the login had rememberMe (`ss-opt=perm`). Sessions live until logout or until the simulator stops.
 */
export class Authenticator {
  private readonly users: readonly EvoUser[];
  /** ss-id and, for rememberMe logins, ss-pid → userName. */
  private readonly sessions = new Map<string, string>();

  constructor(users: readonly EvoUser[]) {
    this.users = users;
  }

  /** The user with these credentials, or undefined. */
  verify(userName: string, password: string): EvoUser | undefined {
    return this.users.find((u) => u.userName.toLowerCase() === userName.toLowerCase() && sameText(u.password, password));
  }

  /** The request's user; 401 when it carries no valid credentials or session. */
  authenticate(req: IncomingMessage): EvoUser {
    const header = req.headers.authorization ?? '';
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? undefined : this.verify(decoded.slice(0, colon), decoded.slice(colon + 1));
      if (user === undefined) throw notAuthenticated('Invalid BasicAuth credentials');
      return user;
    }
    const jar = cookiesOf(req);
    const byId = this.sessions.get(jar.get('ss-id') ?? '');
    const byPermanent = jar.get('ss-opt') === 'perm' ? this.sessions.get(jar.get('ss-pid') ?? '') : undefined;
    const userName = byId ?? byPermanent;
    const user = userName === undefined ? undefined : this.users.find((u) => u.userName === userName);
    if (user === undefined) throw notAuthenticated();
    return user;
  }

  /** Starts a cookie session for `user`. */
  login(user: EvoUser, rememberMe: boolean): SessionCookies {
    const cookies = { sessionId: sessionKey(), permanentId: sessionKey(), rememberMe };
    this.sessions.set(cookies.sessionId, user.userName);
    if (rememberMe) this.sessions.set(cookies.permanentId, user.userName);
    return cookies;
  }

  /** Ends the request's cookie session (both its ss-id and ss-pid); a request without one changes nothing. */
  logout(req: IncomingMessage): void {
    const jar = cookiesOf(req);
    for (const name of ['ss-id', 'ss-pid']) {
      const key = jar.get(name);
      if (key !== undefined) this.sessions.delete(key);
    }
  }
}

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { apiError } from './api-errors.ts';

/** An API user (Administration → Users → API users): Basic credentials and the methods it may call (`*`: all). */
export interface ThuliumApiUser {
  readonly login: string;
  readonly password: string;
  /** Method names such as `GET agents_work_report`, `GET agents/:login/status`, or `*`. */
  readonly methods: readonly string[];
}

const CHALLENGE = { 'www-authenticate': 'Basic realm="Thulium API"' };

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** HTTP Basic over the configured API users, with per-method allow-lists. */
export class Authenticator {
  private readonly users: readonly ThuliumApiUser[];

  constructor(users: readonly ThuliumApiUser[]) {
    this.users = users;
  }

  /** The request's user: 401 (2001) without Basic credentials, 401 (2002) for wrong ones. */
  authenticate(req: IncomingMessage): ThuliumApiUser {
    const header = req.headers.authorization ?? '';
    if (!/^basic\s+\S/i.test(header)) throw apiError('authenticationRequired', undefined, CHALLENGE);
    const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? undefined : this.users.find((u) => u.login === decoded.slice(0, colon) && sameText(u.password, decoded.slice(colon + 1)));
    if (user === undefined) throw apiError('badCredentials', undefined, CHALLENGE);
    return user;
  }

  /** 403 (2003) unless `user` may call `method`. */
  authorize(user: ThuliumApiUser, method: string): void {
    if (!user.methods.includes('*') && !user.methods.includes(method)) throw apiError('forbidden', { method });
  }
}

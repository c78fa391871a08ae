import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { HostedSuiteFaultOptions } from '../simulator-options.ts';

export type RequestFault =
  | { readonly kind: 'none'; readonly latencyMs: number; readonly malformed: boolean; readonly junkRow: boolean }
  | { readonly kind: 'tooManyRequests'; readonly latencyMs: number }
  | { readonly kind: 'serverError'; readonly status: 500 | 502 | 503; readonly latencyMs: number }
  | { readonly kind: 'reset'; readonly latencyMs: number };

const SERVER_ERRORS = [500, 502, 503] as const;

/** Draws a fixed number of values per request (7), in arrival order, so each request's fault depends only on the seed and its position. */
export class FaultInjector {
  readonly #options: HostedSuiteFaultOptions;
  readonly #prng: Prng;

  constructor(options: HostedSuiteFaultOptions, seed: number) {
    this.#options = options;
    this.#prng = new Prng(deriveSeed(seed, 'hostedsuite-requests'));
  }

  request(): RequestFault {
    const draws = Array.from({ length: 7 }, () => this.#prng.next());
    const [latency = 0, limited = 1, failed = 1, which = 0, reset = 1, malformed = 1, junk = 1] = draws;
    const o = this.#options;
    const latencyMs = Math.round(o.latencyMs[0] + (o.latencyMs[1] - o.latencyMs[0]) * latency);
    if (limited < o.rate429) return { kind: 'tooManyRequests', latencyMs };
    if (failed < o.rate5xx) return { kind: 'serverError', status: SERVER_ERRORS[Math.floor(which * SERVER_ERRORS.length)] ?? 500, latencyMs };
    if (reset < o.resetRate) return { kind: 'reset', latencyMs };
    return { kind: 'none', latencyMs, malformed: malformed < o.malformedRate, junkRow: junk < o.junkRowRate };
  }
}

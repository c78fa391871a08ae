import { deriveSeed, Prng } from '../../../../core/random/prng.ts';

/** Faults the simulator injects per request, drawn from one PRNG seeded by `faultSeed` in arrival order. */
export interface ThuliumFaultOptions {
  /** Share of requests answered 429 (code 4001) with `Retry-After: retryAfterSeconds`. */
  rate429: number;
  retryAfterSeconds: number;
  /** Share of requests answered 500 (5001) or 503 (5003), equally likely. */
  rate5xx: number;
  /** Share of requests answered only after `slowMs` (a slow vendor; the body is unchanged). */
  slowRate: number;
  slowMs: number;
  /** Share of requests whose socket is destroyed without an answer. */
  resetRate: number;
}

export const NO_FAULTS: ThuliumFaultOptions = Object.freeze({ rate429: 0, retryAfterSeconds: 1, rate5xx: 0, slowRate: 0, slowMs: 2_000, resetRate: 0 });

export type RequestFault =
  | { readonly kind: 'none'; readonly delayMs: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'tooManyRequests'; readonly delayMs: number }
  | { readonly kind: 'serverError'; readonly status: 500 | 503; readonly delayMs: number };

/** Draws 5 numbers per request, so each request's fault depends only on the seed and its position. */
export class FaultInjector {
  private readonly options: ThuliumFaultOptions;
  private readonly rng: Prng;

  constructor(options: ThuliumFaultOptions, seed: number) {
    this.options = options;
    this.rng = new Prng(deriveSeed(seed, 'thulium-requests'));
  }

  request(): RequestFault {
    const [reset, limited, failed, which, slow] = [this.rng.next(), this.rng.next(), this.rng.next(), this.rng.next(), this.rng.next()];
    const delayMs = slow < this.options.slowRate ? this.options.slowMs : 0;
    if (reset < this.options.resetRate) return { kind: 'reset' };
    if (limited < this.options.rate429) return { kind: 'tooManyRequests', delayMs };
    if (failed < this.options.rate5xx) return { kind: 'serverError', status: which < 0.5 ? 500 : 503, delayMs };
    return { kind: 'none', delayMs };
  }
}

/** 32-bit FNV-1a hash of the parts' text, used to derive independent PRNG streams from one seed. */
export function deriveSeed(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Deterministic pseudo-random stream (mulberry32). Same seed, same sequence, on every platform. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform real in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((sum, w) => sum + w, 0);
    let draw = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      draw -= weights[i] ?? 0;
      if (draw < 0) return i;
    }
    return weights.length - 1;
  }

  /** Exponentially distributed waiting time for a Poisson process of `ratePerMs`. */
  exponential(ratePerMs: number): number {
    return -Math.log(1 - this.next()) / ratePerMs;
  }

  /** Log-normal around `median` with shape `sigma`, clamped to [min, max]. */
  logNormal(median: number, sigma: number, min: number, max: number): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.min(max, Math.max(min, Math.round(median * Math.exp(sigma * normal))));
  }

  /** `digits` lowercase hex digits (e.g. 24 for a MongoDB ObjectId). */
  hex(digits: number): string {
    let out = '';
    while (out.length < digits) out += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    return out.slice(0, digits);
  }

  /** A GUID without dashes: 32 uppercase hex digits (the same draws as `hex(32)`). */
  guid(): string {
    return this.hex(32).toUpperCase();
  }
}

/** The same stream as {@link Prng} as a bare function, for code that only needs uniform draws in [0, 1). */
export function mulberry32(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

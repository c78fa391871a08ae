/**
 * A compiled `&field=value` filter pattern: `*` matches any run of characters (also none), `?` exactly one, anything
 * else itself, case-insensitively (both sides lower-cased, compared by code point).
 *
 * Why not a RegExp (or picomatch, minimatch, wildcard-match: all compile to one): a pattern such as `*a*a*a*…b` makes
 * a backtracking regex engine try every way of splitting the value among the stars, exponential in their number
 * (measured 3.5 s per 36-character value with 8 stars). This matcher is the two-pointer wildcard match: on a
 * mismatch it only moves the most recent `*` one character further, never an earlier one, so it takes at most
 * pattern length × value length steps, with no allocation per step.
 */
export class WildcardPattern {
  readonly #pattern: readonly string[];

  constructor(pattern: string) {
    const chars: string[] = [];
    for (const c of pattern.toLowerCase()) if (!(c === '*' && chars[chars.length - 1] === '*')) chars.push(c);
    this.#pattern = chars;
  }

  /** True when the whole of `value` matches the whole pattern. */
  test(value: string): boolean {
    const p = this.#pattern;
    const v = [...value.toLowerCase()];
    let pi = 0;
    let vi = 0;
    let star = -1;
    let resume = 0;
    while (vi < v.length) {
      const c = p[pi];
      if (c !== undefined && c !== '*' && (c === '?' || c === v[vi])) {
        pi += 1;
        vi += 1;
      } else if (c === '*') {
        star = pi;
        pi += 1;
        resume = vi;
      } else if (star >= 0) {
        pi = star + 1;
        resume += 1;
        vi = resume;
      } else {
        return false;
      }
    }
    while (p[pi] === '*') pi += 1;
    return pi === p.length;
  }
}

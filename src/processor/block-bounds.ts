/** How a growing array is cut into runs: about `mean` elements per run, never more than `max`. */
export interface RunSize {
  readonly mean: number;
  readonly max: number;
}

/** murmur3's 32-bit finalizer. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** True when a run may end after an element with this key (about one key in `mean`). */
function cutsAfter(key: number, mean: number): boolean {
  const high = Math.floor(key / 4294967296);
  return mix32((key >>> 0) ^ mix32(high)) % mean === 0;
}

/**
 * Where `[0, n)` is cut into runs, as the exclusive end of each run. A run ends after an element whose key hashes to a
 * cut, unless the next element has the same key (equal keys stay together), or when it reaches `size.max` elements.
 * The cuts depend on the keys, not on positions: removing elements from the front, appending, or changing one element
 * leaves the other runs as they were (except runs cut by `max`, which shift within their stretch of uncut keys).
 * Keys are integers (epoch milliseconds).
 */
export function runEnds(n: number, keyAt: (index: number) => number, size: RunSize): number[] {
  const ends: number[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const key = keyAt(i);
    const last = i === n - 1;
    if (last || i + 1 - start >= size.max || (cutsAfter(key, size.mean) && keyAt(i + 1) !== key)) {
      ends.push(i + 1);
      start = i + 1;
    }
  }
  return ends;
}

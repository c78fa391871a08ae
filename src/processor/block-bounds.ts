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
 * The exclusive end of the run that starts at `start` (a run boundary) in `[0, n)`: after the first element whose key
 * hashes to a cut, unless the next element has the same key (equal keys stay together), or at `size.max` elements,
 * or at `n`. `scanFrom` (at least `start`) skips looking for the cut before it, for when no element of
 * `[start, scanFrom)` ends a run from `start`: so it is for the elements of a run an earlier call cut from the same
 * first element, the same elements in the same order but for its last (`scanFrom` = that run's end − 1), which is how
 * a live session's last run grows without being scanned again from its start.
 */
export function nextRunEnd(n: number, keyAt: (index: number) => number, size: RunSize, start: number, scanFrom = start): number {
  for (let i = scanFrom; i < n; i++) {
    if (i === n - 1 || i + 1 - start >= size.max) return i + 1;
    const key = keyAt(i);
    if (cutsAfter(key, size.mean) && keyAt(i + 1) !== key) return i + 1;
  }
  return n;
}

/**
 * True when {@link nextRunEnd} from `start` is `end`, given that no element in `[start, end - 1)` ends a run from
 * `start`. That holds for the elements of a run an earlier call cut from the same first element, when they are the
 * same elements (same keys) in the same order: only the cut after the last one is checked, which depends on the next
 * element and on `n`.
 */
export function endsRun(n: number, keyAt: (index: number) => number, size: RunSize, start: number, end: number): boolean {
  if (end > n || end <= start) return false;
  if (end === n || end - start >= size.max) return true;
  const key = keyAt(end - 1);
  return cutsAfter(key, size.mean) && keyAt(end) !== key;
}

/**
 * Where `[0, n)` is cut into runs, as the exclusive end of each run: see {@link nextRunEnd}. The cuts depend on the
 * keys, not on positions: removing elements from the front, appending, or changing one element leaves the other
 * runs as they were (except runs cut by `max`, which shift within their stretch of uncut keys). Keys are integers
 * (epoch milliseconds).
 */
export function runEnds(n: number, keyAt: (index: number) => number, size: RunSize): number[] {
  const ends: number[] = [];
  for (let start = 0; start < n; ) {
    start = nextRunEnd(n, keyAt, size, start);
    ends.push(start);
  }
  return ends;
}

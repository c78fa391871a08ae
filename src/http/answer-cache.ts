import { LRUCache } from 'lru-cache';

/** A finished answer: its serialized JSON body and the headers that go with it. */
export interface CachedAnswer {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Bytes counted per entry on top of its body: the key, the headers and the cache's own bookkeeping. */
const ENTRY_OVERHEAD_BYTES = 1_024;

/**
 * Finished answers of the statistic routes, keyed on everything the answer depends on: the request, the resolved
 * range, the tenant's data revision (raised by the Redis sink after every write) and the completeness the answer
 * reports. So an entry can never be served after the data or its completeness changed: a new revision is a new key,
 * and old entries age out of the LRU. Bounded by the total size of the bodies (HTTP_ANSWER_CACHE_MB); one process's
 * memory, not shared between API instances.
 */
export class AnswerCache {
  readonly #entries: LRUCache<string, CachedAnswer> | undefined;

  /** `maxBytes` 0 disables the cache. */
  constructor(maxBytes: number) {
    this.#entries = maxBytes <= 0 ? undefined : new LRUCache<string, CachedAnswer>({ maxSize: maxBytes, sizeCalculation: (answer, key) => answer.body.length + key.length + ENTRY_OVERHEAD_BYTES });
  }

  get(key: string): CachedAnswer | undefined {
    return this.#entries?.get(key);
  }

  /** Keeps `answer` unless it alone exceeds the cache's size. */
  set(key: string, answer: CachedAnswer): void {
    if (this.#entries === undefined || answer.body.length + key.length + ENTRY_OVERHEAD_BYTES > this.#entries.maxSize) return;
    this.#entries.set(key, answer);
  }
}

/** The cache key of an answer: the parts, each on its own line (none of them holds a newline). */
export function answerKey(parts: readonly (string | number)[]): string {
  return parts.join('\n');
}

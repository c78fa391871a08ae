import { gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';

/** A finished answer: its JSON body (UTF-8) and the headers that go with it; its gzip form is made on first use. */
export class CachedAnswer {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  #gzip: Buffer | undefined;

  constructor(json: string, headers: Readonly<Record<string, string>>) {
    this.body = Buffer.from(json, 'utf8');
    this.headers = headers;
  }

  /** The body gzipped (level 1: made once per answer, the cost is in the first request that asks for it). */
  get gzip(): Buffer {
    this.#gzip ??= gzipSync(this.body, { level: 1 });
    return this.#gzip;
  }

  get size(): number {
    return this.body.length + (this.#gzip?.length ?? this.body.length);
  }
}

/** Bytes counted per entry on top of its body: the key, the headers and the cache's own bookkeeping. */
const ENTRY_OVERHEAD_BYTES = 1_024;

/**
 * Finished answers of the statistic routes, keyed on everything the answer depends on: the request, the resolved
 * range, the tenant's data revision (raised by the Redis sink after every write) and the completeness the answer
 * reports. So an entry can never be served after the data or its completeness changed: a new revision is a new key,
 * and old entries age out of the LRU. Bounded by the total size of the bodies (HTTP_ANSWER_CACHE_MB; an entry counts
 * its body twice, room for its gzip form); one process's memory, not shared between API instances.
 */
export class AnswerCache {
  readonly #entries: LRUCache<string, CachedAnswer> | undefined;

  /** `maxBytes` 0 disables the cache. */
  constructor(maxBytes: number) {
    this.#entries = maxBytes <= 0 ? undefined : new LRUCache<string, CachedAnswer>({ maxSize: maxBytes, sizeCalculation: (answer, key) => answer.size + key.length + ENTRY_OVERHEAD_BYTES });
  }

  get(key: string): CachedAnswer | undefined {
    return this.#entries?.get(key);
  }

  /** Keeps `answer` unless it alone exceeds the cache's size. */
  set(key: string, answer: CachedAnswer): void {
    if (this.#entries === undefined || answer.size + key.length + ENTRY_OVERHEAD_BYTES > this.#entries.maxSize) return;
    this.#entries.set(key, answer);
  }
}

/** The cache key of an answer: the parts, each on its own line (none of them holds a newline). */
export function answerKey(parts: readonly (string | number)[]): string {
  return parts.join('\n');
}

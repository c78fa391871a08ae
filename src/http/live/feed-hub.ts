import type { Logger } from 'pino';
import type { BlockingFeedReader, ChangeFeed, FeedChange } from '../../state/change-feed.ts';

/** The part of the store's change feed the live routes use (the Redis {@link ChangeFeed} in production). */
export type ChangeFeedSource = Pick<ChangeFeed, 'lastId' | 'after' | 'holdsAfter' | 'openBlockingReader'>;

/**
 * One read of a tenant's feed loop: the changes after `after`, in order. Consecutive batches of one loop are
 * contiguous (each `after` is the previous batch's last id), so a subscriber needs to fill a gap only before its
 * first batch. `gap`: the feed was trimmed past `after` before the read, so changes may be missing: start again from a
 * snapshot.
 */
export interface FeedBatch {
  readonly after: string;
  readonly changes: readonly FeedChange[];
  readonly gap: boolean;
}

export interface FeedSubscriber {
  /** Called for every batch read after the subscriber joined, in order; must not throw. */
  deliver(batch: FeedBatch): void;
}

export interface FeedHubOptions {
  /** How long one XREAD BLOCK waits (also how soon a stopped loop notices it is idle); default 5000. */
  readonly blockMs?: number;
  /** Entries per XREAD; default 500. */
  readonly count?: number;
}

interface TenantLoop {
  readonly tenant: string;
  readonly subscribers: Set<FeedSubscriber>;
  readonly reader: BlockingFeedReader;
  stopped: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fans each tenant's change feed out to the subscribers of this process: one XREAD BLOCK loop (and one Redis connection)
 * per tenant with at least one subscriber, whatever their number. A loop starts with the tenant's first subscriber
 * at the feed's newest id (announced as an empty batch) and stops, closing its connection, when the last one leaves.
 * Read errors are logged and retried with backoff from the same id, so a Redis outage delays changes but loses none.
 *
 * Lifecycle: subscribe/unsubscribe any number of times, then close once (stops every loop).
 */
export class FeedHub {
  readonly #feed: ChangeFeedSource;
  readonly #logger: Logger;
  readonly #blockMs: number;
  readonly #count: number;
  readonly #loops = new Map<string, TenantLoop>();
  #closed = false;

  constructor(feed: ChangeFeedSource, logger: Logger, options: FeedHubOptions = {}) {
    this.#feed = feed;
    this.#logger = logger;
    this.#blockMs = options.blockMs ?? 5_000;
    this.#count = options.count ?? 500;
  }

  /** Tenants with a running loop (for metrics and tests). */
  get tenants(): readonly string[] {
    return [...this.#loops.keys()];
  }

  /** Adds `subscriber` to `tenant`'s loop, starting it if needed; returns the unsubscribe function. */
  subscribe(tenant: string, subscriber: FeedSubscriber): () => void {
    if (this.#closed) throw new Error('the feed hub is closed');
    let loop = this.#loops.get(tenant);
    if (loop === undefined) {
      loop = { tenant, subscribers: new Set(), reader: this.#feed.openBlockingReader(), stopped: false };
      this.#loops.set(tenant, loop);
      void this.#run(loop);
    }
    loop.subscribers.add(subscriber);
    const joined = loop;
    return () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size === 0) this.#stop(joined);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const loop of [...this.#loops.values()]) this.#stop(loop);
  }

  #stop(loop: TenantLoop): void {
    if (loop.stopped) return;
    loop.stopped = true;
    if (this.#loops.get(loop.tenant) === loop) this.#loops.delete(loop.tenant);
    loop.reader.close();
  }

  #deliver(loop: TenantLoop, batch: FeedBatch): void {
    for (const subscriber of [...loop.subscribers]) subscriber.deliver(batch);
  }

  async #run(loop: TenantLoop): Promise<void> {
    let cursor: string | null = null;
    for (let failures = 0; !loop.stopped;) {
      try {
        if (cursor === null) {
          cursor = await this.#feed.lastId(loop.tenant);
          if (loop.stopped) return;
          this.#deliver(loop, { after: cursor, changes: [], gap: false });
        }
        const changes = await loop.reader.read(loop.tenant, cursor, this.#blockMs, this.#count);
        if (loop.stopped) return;
        failures = 0;
        if (changes.length === 0) continue;
        const gap = changes.length >= this.#count && !(await this.#feed.holdsAfter(loop.tenant, cursor));
        this.#deliver(loop, { after: cursor, changes, gap });
        cursor = changes[changes.length - 1]!.id;
      } catch (error) {
        if (loop.stopped) return;
        failures++;
        this.#logger.warn({ err: error, tenant: loop.tenant, failures }, 'reading the change feed failed; retrying');
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }
}

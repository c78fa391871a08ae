import type { Logger } from 'pino';
import type { AlertTransition } from '../../core/alerts/alert-transition.ts';
import { formatUtc } from '../../core/time/timestamp.ts';
import type { FeedChange } from '../../state/change-feed.ts';
import type { AgentStateRow } from '../../state/store-types.ts';
import { compareStreamIds, parseStreamId } from '../../state/stream-ids.ts';
import { alertView } from '../../core/alerts/alert-view.ts';
import { boardRow } from './board-row.ts';
import type { ChangeFeedSource, FeedBatch, FeedSubscriber } from './feed-hub.ts';
import { sseEvent } from './sse-format.ts';

/** Where a stream's events go: the response body (a PassThrough in production). */
export interface EventSink {
  write(chunk: string): boolean;
  readonly writableLength: number;
  end(): void;
}

export interface BoardStreamDeps {
  readonly feed: ChangeFeedSource;
  /** The tenant's current agent states (the snapshot). */
  readStates(tenant: string): Promise<readonly AgentStateRow[]>;
  /** The tenant's firing alerts (the snapshot's `alerts`); absent where this server has no alert store (`alerts: null`). */
  readAlerts?(tenant: string): Promise<readonly AlertTransition[]>;
  readonly clock: () => number;
  readonly logger: Logger;
  /** The most changes a resume replays; more, and the client gets a snapshot instead. Default 10,000. */
  readonly maxResume?: number;
  /** Bytes a slow client may leave unread before its stream is ended (it reconnects and resumes). Default 4 MiB. */
  readonly maxBufferedBytes?: number;
}

/**
 * The events of one client of `GET /board/events` (docs/http-api.md, "Live board events"): first a `snapshot` of every
 * agent and firing alert, or, resuming from `Last-Event-ID`, the `agent` and `alert` changes after it; then every change the tenant's feed loop
 * delivers, each once, in feed order, with the stream id as SSE id. The stream keeps its position (the id of the last
 * event sent); a batch that starts after it is preceded by the changes in between (read from the feed), and changes at
 * or before it are dropped, so nothing is missed or sent twice whatever the loop had read when the client joined. When
 * the feed cannot show it still holds everything after the position, the client gets a fresh snapshot.
 *
 * Lifecycle: subscribe to the hub, then {@link start} once; {@link close} once (idempotent) ends the response.
 */
export class BoardStream implements FeedSubscriber {
  readonly #out: EventSink;
  readonly #tenant: string;
  readonly #deps: BoardStreamDeps;
  readonly #maxResume: number;
  readonly #maxBuffered: number;
  #position: string | null = null;
  #work: Promise<void> = Promise.resolve();
  #closed = false;
  /** Called once when the stream ends, whoever ends it. */
  onClose: () => void = () => undefined;

  constructor(out: EventSink, tenant: string, deps: BoardStreamDeps) {
    this.#out = out;
    this.#tenant = tenant;
    this.#deps = deps;
    this.#maxResume = deps.maxResume ?? 10_000;
    this.#maxBuffered = deps.maxBufferedBytes ?? 4 * 1_048_576;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends the first events: the changes after `lastEventId` when the feed still holds them all, else a snapshot. */
  start(lastEventId: string | undefined): void {
    this.#enqueue(async () => {
      if (lastEventId !== undefined && parseStreamId(lastEventId) !== null) {
        const resumed = await this.#deps.feed.after(this.#tenant, lastEventId, this.#maxResume);
        if (resumed.complete) {
          this.#position = lastEventId;
          this.#sendChanges(resumed.changes);
          return;
        }
      }
      await this.#snapshot();
    });
  }

  deliver(batch: FeedBatch): void {
    this.#enqueue(async () => {
      if (this.#position === null) return;
      if (batch.gap) {
        await this.#snapshot();
      } else if (compareStreamIds(batch.after, this.#position) > 0) {
        const between = await this.#deps.feed.after(this.#tenant, this.#position, this.#maxResume);
        if (between.complete) this.#sendChanges(between.changes);
        else await this.#snapshot();
      }
      this.#sendChanges(batch.changes);
    });
  }

  /** An event without id (it does not move the client's Last-Event-ID): the server's clock, so pages can tick with it. */
  heartbeat(): void {
    if (this.#position !== null) this.#write(sseEvent('heartbeat', { serverTime: formatUtc(this.#deps.clock()) }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.end();
    this.onClose();
  }

  #enqueue(step: () => Promise<void>): void {
    this.#work = this.#work.then(async () => {
      if (this.#closed) return;
      try {
        await step();
      } catch (error) {
        this.#deps.logger.warn({ err: error, tenant: this.#tenant }, 'board event stream failed; closing it (the client reconnects)');
        this.close();
      }
    });
  }

  async #snapshot(): Promise<void> {
    const id = await this.#deps.feed.lastId(this.#tenant);
    const [states, alerts] = await Promise.all([this.#deps.readStates(this.#tenant), this.#deps.readAlerts?.(this.#tenant) ?? null]);
    const now = this.#deps.clock();
    this.#position = id;
    this.#write(sseEvent('snapshot', { serverTime: formatUtc(now), agents: states.map((state) => boardRow(state, now)), alerts: alerts?.map(alertView) ?? null }, id));
  }

  /** Sends the changes after the position, in order, and moves it. */
  #sendChanges(changes: readonly FeedChange[]): void {
    const now = this.#deps.clock();
    for (const change of changes) {
      if (this.#position !== null && compareStreamIds(change.id, this.#position) <= 0) continue;
      this.#position = change.id;
      if (change.kind === 'agent') this.#write(sseEvent('agent', { serverTime: formatUtc(now), agent: boardRow(change.state, now) }, change.id));
      else this.#write(sseEvent('alert', { serverTime: formatUtc(now), alert: alertView(change.alert) }, change.id));
    }
  }

  #write(chunk: string): void {
    if (this.#closed) return;
    this.#out.write(chunk);
    if (this.#out.writableLength > this.#maxBuffered) {
      this.#deps.logger.warn({ tenant: this.#tenant, buffered: this.#out.writableLength }, 'board event stream client is too slow; closing it (it resumes from its last event)');
      this.close();
    }
  }
}

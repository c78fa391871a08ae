/** One server-sent event as a browser's EventSource would dispatch it. */
export interface ReceivedEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

export interface SseConnection {
  readonly status: number;
  readonly headers: Headers;
  /** The next event that `match` accepts (others are kept in `seen`), or a rejection after `timeoutMs`. */
  next(match?: (event: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Every event received so far, in order. */
  readonly seen: ReceivedEvent[];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * A minimal SSE client over fetch (test side; independent of the server's framing code): parses `event:`, `id:`,
 * `data:` lines per the HTML spec's rules for the fields the API sends.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const seen: ReceivedEvent[] = [];
  const waiters: { match: (event: ReceivedEvent) => boolean; from: number; resolve: (event: ReceivedEvent) => void }[] = [];
  const dispatch = (event: ReceivedEvent): void => {
    seen.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.match(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  };
  const ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    let fields: { event?: string; id?: string; data: string[] } = { data: [] };
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (fields.data.length > 0) dispatch({ event: fields.event ?? 'message', id: fields.id, data: fields.data.join('\n') });
            fields = { data: [] };
            continue;
          }
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (name === 'event') fields.event = value;
          else if (name === 'id') fields.id = value;
          else if (name === 'data') fields.data.push(value);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  let consumed = 0;
  return {
    status: response.status,
    headers: response.headers,
    seen,
    ended,
    next: (match = () => true, timeoutMs = 5_000) => {
      const earlier = seen.slice(consumed).find(match);
      if (earlier !== undefined) {
        consumed = seen.indexOf(earlier) + 1;
        return Promise.resolve(earlier);
      }
      return new Promise<ReceivedEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; seen: ${seen.map((e) => e.event).join(', ')}`)), timeoutMs);
        waiters.push({ match, from: consumed, resolve: (event) => {
          clearTimeout(timer);
          consumed = seen.indexOf(event) + 1;
          resolve(event);
        } });
      });
    },
    close: () => controller.abort(),
  };
}

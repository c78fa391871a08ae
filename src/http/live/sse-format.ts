/**
 * Server-sent events framing (WHATWG HTML, "Server-sent events"). Pure. `data` is one line of JSON, so it never needs
 * splitting; an `id` or `event` never holds a line break (stream ids and fixed names).
 */
export function sseEvent(event: string, data: unknown, id?: string): string {
  return `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** The first bytes of a stream: how long a browser waits before reconnecting (`retry:`, ms). */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

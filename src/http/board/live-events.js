// The board's live connection to GET /board/events. Without a token: the browser's EventSource (it reconnects and sends
// Last-Event-ID itself). With a token: fetch with the Authorization header (EventSource cannot send one), parsing the same
// events and reconnecting with Last-Event-ID in the same way.

import { apiUrl, authHeaders, token } from './api.js';

/**
 * @typedef {{ onEvent: (type: string, data: any, id: string) => void, onStatus: (status: 'connecting' | 'live' | 'reconnecting' | 'failed') => void }} Handlers
 */

/**
 * Opens the stream; returns a function that closes it.
 * @param {Handlers} handlers
 */
export function openLiveEvents(handlers) {
  return token() === '' ? viaEventSource(handlers) : viaFetch(handlers);
}

const TYPES = ['snapshot', 'agent', 'heartbeat', 'alert'];

/** @param {Handlers} handlers */
function viaEventSource(handlers) {
  handlers.onStatus('connecting');
  const source = new EventSource(apiUrl('/board/events'));
  source.onopen = () => handlers.onStatus('live');
  // a refused stream (401, 403, 503) closes the EventSource for good; a dropped one reconnects by itself
  source.onerror = () => handlers.onStatus(source.readyState === EventSource.CLOSED ? 'failed' : 'reconnecting');
  for (const type of TYPES) source.addEventListener(type, (event) => {
    const message = /** @type {MessageEvent} */ (event);
    handlers.onEvent(type, JSON.parse(message.data), message.lastEventId);
  });
  return () => source.close();
}

/** @param {Handlers} handlers */
function viaFetch(handlers) {
  let lastId = '';
  let stopped = false;
  const controller = new AbortController();
  const run = async () => {
    while (!stopped) {
      handlers.onStatus(lastId === '' ? 'connecting' : 'reconnecting');
      try {
        const headers = { accept: 'text/event-stream', ...authHeaders(), ...(lastId === '' ? {} : { 'last-event-id': lastId }) };
        const response = await fetch(apiUrl('/board/events'), { headers, signal: controller.signal });
        if (response.status === 401 || response.status === 403) {
          handlers.onStatus('failed');
          return;
        }
        if (!response.ok || response.body === null) throw new Error(`status ${response.status}`);
        handlers.onStatus('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        /** @type {{ event: string, id: string | null, data: string[] }} */
        let current = { event: 'message', id: null, data: [] };
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let newline;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline).replace(/\r$/, '');
            buffer = buffer.slice(newline + 1);
            if (line === '') {
              if (current.id !== null) lastId = current.id;
              if (current.data.length > 0 && TYPES.includes(current.event)) handlers.onEvent(current.event, JSON.parse(current.data.join('\n')), lastId);
              current = { event: 'message', id: null, data: [] };
            } else if (line.startsWith('event:')) current.event = line.slice(6).trim();
            else if (line.startsWith('id:')) current.id = line.slice(3).trim();
            else if (line.startsWith('data:')) current.data.push(line.slice(5).replace(/^ /, ''));
          }
        }
      } catch {
        if (stopped) return;
      }
      handlers.onStatus('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

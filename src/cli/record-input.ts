/**
 * Decodes replay input: a JSON array of records, or NDJSON (one JSON value per non-empty line).
 * Returns the records or a one-line error.
 */
export function decodeRecords(text: string): { records: unknown[] } | { error: string } {
  const start = text.search(/\S/);
  if (start === -1) return { records: [] };
  if (text[start] === '[') {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value)) return { records: value };
      return { error: 'invalid JSON: expected an array of records' };
    } catch (error) {
      return { error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const records: unknown[] = [];
  let lineNumber = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    lineNumber++;
    const line = text.slice(from, to).trim();
    from = to + 1;
    if (line === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      return { error: `invalid JSON on line ${lineNumber}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { records };
}

/** Reads an async byte/string stream to one string (UTF-8). */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Thrown by {@link streamRecords} when the input cannot be read (not when it is not JSON). */
export class InputReadError extends Error {}

/** What {@link streamRecords} did: the records read, or a one-line JSON error; `array` when the input was a JSON array. */
export type StreamOutcome = { records: number; array: boolean } | { error: string };

/**
 * Reads replay input chunk by chunk and hands each record to `onRecord` with its line number (1 for the elements of
 * a JSON array). NDJSON is decoded line by line, holding one chunk at a time; a JSON array (first non-blank character
 * `[`) is read whole and parsed with JSON.parse, as there is no streaming JSON parser among the dependencies.
 * `onRecord` returning false stops the reading; `onChunk` is awaited after each chunk (every 10,000 elements of an array). Errors of the stream itself are rethrown as InputReadError.
 */
export async function streamRecords(
  chunks: AsyncIterable<Uint8Array | string>,
  onRecord: (record: unknown, line: number, array: boolean) => boolean,
  onChunk: () => Promise<void> = async () => {},
): Promise<StreamOutcome> {
  const decoder = new TextDecoder();
  let mode: 'unknown' | 'array' | 'lines' = 'unknown';
  let pending = '';
  let lineNumber = 0;
  let records = 0;
  /** Handles the complete lines of `text`; returns the incomplete rest, or an outcome that ends the reading. */
  const lines = (text: string, last: boolean): string | StreamOutcome => {
    let from = 0;
    for (;;) {
      let to = text.indexOf('\n', from);
      if (to === -1) {
        if (!last) return text.slice(from);
        to = text.length;
      }
      lineNumber++;
      const line = text.slice(from, to);
      from = to + 1;
      if (line.trim() !== '') {
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch (error) {
          return { error: `invalid JSON on line ${lineNumber}: ${error instanceof Error ? error.message : String(error)}` };
        }
        records++;
        if (!onRecord(record, lineNumber, false)) return { records, array: false };
      }
      if (to >= text.length) return '';
    }
  };
  const iterator = chunks[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array | string>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw new InputReadError(error instanceof Error ? error.message : String(error));
    }
    const text = next.done === true ? decoder.decode() : typeof next.value === 'string' ? next.value : decoder.decode(next.value, { stream: true });
    pending += text;
    if (mode === 'unknown') {
      const start = pending.search(/\S/);
      if (start !== -1) mode = pending[start] === '[' ? 'array' : 'lines';
    }
    if (mode === 'lines') {
      const rest = lines(pending, next.done === true);
      if (typeof rest !== 'string') return rest;
      pending = rest;
      await onChunk();
    }
    if (next.done === true) break;
  }
  if (mode !== 'array') return { records, array: false };
  const decoded = decodeRecords(pending);
  if ('error' in decoded) return decoded;
  pending = '';
  for (const record of decoded.records) {
    records++;
    if (!onRecord(record, 1, true)) break;
    if (records % 10_000 === 0) await onChunk();
  }
  await onChunk();
  return { records, array: true };
}

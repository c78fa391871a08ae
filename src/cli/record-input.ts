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

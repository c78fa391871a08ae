/**
 * The baseline of bench/replay.bench.ts: reads an NDJSON file in 1 MiB chunks, splits it into lines and JSON.parses
 * each non-empty one, nothing else. `node bench/support/parse-lines.ts FILE`; prints the record count to stderr.
 */
import { createReadStream } from 'node:fs';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: node bench/support/parse-lines.ts FILE');
const decoder = new TextDecoder();
let rest = '';
let records = 0;
let keep: unknown = null;
for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
  const text = rest + decoder.decode(chunk as Buffer, { stream: true });
  let from = 0;
  for (let to = text.indexOf('\n'); to !== -1; to = text.indexOf('\n', from)) {
    if (to > from) {
      keep = JSON.parse(text.slice(from, to));
      records++;
    }
    from = to + 1;
  }
  rest = text.slice(from);
}
if (rest.trim() !== '') {
  keep = JSON.parse(rest);
  records++;
}
process.stderr.write(`${records} records${keep === null ? '' : ''}\n`);

import { mkdtemp, open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the replay writes: `write` may return false to ask for a 'drain' (a Node stream), which is then awaited. */
export interface TextSink {
  write(s: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

const WRITE_CHUNK = 1 << 20;

/** Writes rows as one JSON array (`[]` when none, else one row per line), in pieces of about 1 MiB, honouring backpressure. */
export class JsonArrayWriter {
  private readonly out: TextSink;
  private buffer = '';
  private rows = 0;

  constructor(out: TextSink) {
    this.out = out;
  }

  /** Adds a row; a promise (to await) only when a chunk was handed to the sink. */
  row(line: string): Promise<void> | undefined {
    this.buffer += this.rows++ === 0 ? `[\n${line}` : `,\n${line}`;
    return this.buffer.length >= WRITE_CHUNK ? this.flush() : undefined;
  }

  async end(): Promise<void> {
    this.buffer += this.rows === 0 ? '[]\n' : '\n]\n';
    await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.buffer;
    this.buffer = '';
    const ok = this.out.write(text);
    const once = this.out.once;
    if (ok === false && once !== undefined) await new Promise<void>((resolve) => once.call(this.out, 'drain', resolve));
  }
}

/** One serialized row with its sort key. */
interface KeyedRow {
  readonly userId: string;
  /** intervalStart, epoch ms. */
  readonly start: number;
  readonly line: string;
}

const byUserThenStart = (a: KeyedRow, b: KeyedRow): number =>
  a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.start - b.start;

/** Default in-memory budget of the sort: 32 Mi characters of serialized rows. */
export const DEFAULT_SORT_BUFFER_CHARS = 32 << 20;

/**
 * Puts rows that arrive in time order into the order of `replay()`: userId, then intervalStart. An external merge
 * sort: rows are held until `bufferChars` characters, then sorted and written to a run file in a temporary
 * directory; `finish` merges the runs (one read buffer per run) into `writer`. Memory: the buffer plus one chunk
 * per run. Input that fits the buffer never touches the disk. `dispose` removes the directory.
 */
export class UserOrderSorter {
  private readonly bufferChars: number;
  private readonly tempParent: string;
  private rows: KeyedRow[] = [];
  private chars = 0;
  private dir: string | null = null;
  private readonly runs: string[] = [];
  private readonly readChunkBytes: number;

  /** `readChunkBytes`: the read buffer of each run file in the merge. */
  constructor(bufferChars = DEFAULT_SORT_BUFFER_CHARS, tempParent = tmpdir(), readChunkBytes = 256 << 10) {
    this.bufferChars = bufferChars;
    this.tempParent = tempParent;
    this.readChunkBytes = readChunkBytes;
  }

  /** Number of run files written so far. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** Adds a row; a promise (to await) only when the buffer was written to a run file. */
  add(userId: string, start: number, line: string): Promise<void> | undefined {
    this.rows.push({ userId, start, line });
    this.chars += line.length + userId.length + 64;
    return this.chars >= this.bufferChars ? this.spill() : undefined;
  }

  async finish(writer: JsonArrayWriter): Promise<void> {
    if (this.runs.length === 0) {
      this.rows.sort(byUserThenStart);
      for (const row of this.rows) {
        const wrote = writer.row(row.line);
        if (wrote !== undefined) await wrote;
      }
      this.rows = [];
    } else {
      if (this.rows.length > 0) await this.spill();
      await mergeRuns(this.runs, writer, this.readChunkBytes);
    }
    await writer.end();
  }

  async dispose(): Promise<void> {
    if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private async spill(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    this.chars = 0;
    rows.sort(byUserThenStart);
    this.dir ??= await mkdtemp(join(this.tempParent, 'agent-timelines-replay-'));
    const path = join(this.dir, `run-${this.runs.length}.tsv`);
    const file = await open(path, 'w');
    try {
      let text = '';
      for (const row of rows) {
        // a JSON string holds no raw tab or newline
        text += `${JSON.stringify(row.userId)}\t${row.start}\t${row.line}\n`;
        if (text.length >= WRITE_CHUNK) {
          await file.write(text);
          text = '';
        }
      }
      if (text !== '') await file.write(text);
    } finally {
      await file.close();
    }
    this.runs.push(path);
  }
}

/** Reads a run file line by line, a chunk at a time. */
class RunReader {
  private readonly file: FileHandle;
  private readonly chunkBytes: number;
  private lines: string[] = [];
  private next = 0;
  /** Bytes after the last newline read (a newline byte never occurs inside a UTF-8 sequence). */
  private rest: Buffer = Buffer.alloc(0);
  private done = false;
  current: KeyedRow | null = null;

  private constructor(file: FileHandle, chunkBytes: number) {
    this.file = file;
    this.chunkBytes = chunkBytes;
  }

  static async open(path: string, chunkBytes: number): Promise<RunReader> {
    const reader = new RunReader(await open(path, 'r'), chunkBytes);
    await reader.advance();
    return reader;
  }

  /** Moves `current` to the next row (null at the end); a promise (to await) only when it had to read the file. */
  advance(): Promise<void> | undefined {
    if (this.next < this.lines.length) {
      this.take();
      return undefined;
    }
    return this.refill();
  }

  private async refill(): Promise<void> {
    while (this.next >= this.lines.length) {
      if (this.done) {
        this.current = null;
        await this.file.close();
        return;
      }
      const chunk = Buffer.allocUnsafe(this.chunkBytes);
      const { bytesRead } = await this.file.read(chunk, 0, chunk.length, null);
      this.next = 0;
      if (bytesRead === 0) {
        this.done = true;
        this.lines = this.rest.length === 0 ? [] : [this.rest.toString('utf8')];
        continue;
      }
      const bytes = this.rest.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([this.rest, chunk.subarray(0, bytesRead)]);
      const cut = bytes.lastIndexOf(0x0a);
      this.lines = cut === -1 ? [] : bytes.toString('utf8', 0, cut).split('\n');
      this.rest = Buffer.from(bytes.subarray(cut + 1));
    }
    this.take();
  }

  private take(): void {
    const raw = this.lines[this.next++] as string;
    const tab1 = raw.indexOf('\t');
    const tab2 = raw.indexOf('\t', tab1 + 1);
    this.current = { userId: JSON.parse(raw.slice(0, tab1)) as string, start: Number(raw.slice(tab1 + 1, tab2)), line: raw.slice(tab2 + 1) };
  }
}

/** k-way merge of sorted run files into `writer`. */
async function mergeRuns(paths: readonly string[], writer: JsonArrayWriter, chunkBytes: number): Promise<void> {
  const readers = await Promise.all(paths.map((path) => RunReader.open(path, chunkBytes)));
  const heap = readers.filter((r) => r.current !== null);
  const less = (a: RunReader, b: RunReader): boolean => byUserThenStart(a.current as KeyedRow, b.current as KeyedRow) < 0;
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l] as RunReader, heap[m] as RunReader)) m = l;
      if (r < heap.length && less(heap[r] as RunReader, heap[m] as RunReader)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as RunReader, heap[i] as RunReader];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  while (heap.length > 0) {
    const top = heap[0] as RunReader;
    const wrote = writer.row((top.current as KeyedRow).line);
    if (wrote !== undefined) await wrote;
    const read = top.advance();
    if (read !== undefined) await read;
    if (top.current === null) {
      const last = heap.pop() as RunReader;
      if (heap.length > 0) heap[0] = last;
    }
    if (heap.length > 0) down(0);
  }
}

import { createHash } from 'node:crypto';

/** Bounds of {@link splitContent}, in UTF-8 bytes. */
export interface ChunkLimits {
  /** No boundary before this many bytes (except the end). */
  readonly minBytes: number;
  /** A boundary after at most this many bytes, whatever the content. */
  readonly maxBytes: number;
  /** A content boundary where the top `maskBits` bits of the rolling hash are zero: about 2^maskBits bytes apart. */
  readonly maskBits: number;
}

/** 16 KiB ≤ chunk ≤ 256 KiB; about 80 KiB on average on session state (measured). */
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { minBytes: 16 * 1024, maxBytes: 256 * 1024, maskBits: 14 };

/** The gear table of the rolling hash (xorshift32 from a fixed seed; changing it only moves boundaries). */
const GEAR = (() => {
  const table = new Uint32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x >>> 0;
  }
  return table;
})();

/** UTF-8 length of the code unit at `i` (a surrogate pair counts 4 at its first unit, 0 at its second). */
function utf8Size(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return 4;
  }
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
    const previous = text.charCodeAt(i - 1);
    if (previous >= 0xd800 && previous <= 0xdbff) return 0;
  }
  return 3;
}

/**
 * Splits `text` into chunks whose concatenation is `text`, each at most `limits.maxBytes` in UTF-8 and never cutting
 * a surrogate pair. Boundaries are content-defined (a gear rolling hash over the last ~32 characters), so an edit
 * changes only the chunks around it: unchanged chunks keep their content, and so their {@link chunkId}.
 */
export function splitContent(text: string, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): string[] {
  if (limits.maxBytes < 4 || limits.minBytes > limits.maxBytes) throw new Error(`invalid chunk limits ${JSON.stringify(limits)}`);
  const shift = 32 - limits.maskBits;
  const chunks: string[] = [];
  let start = 0;
  let bytes = 0;
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const size = code < 0x80 ? 1 : utf8Size(text, i);
    if (size > 0 && bytes + size > limits.maxBytes) {
      chunks.push(text.slice(start, i));
      start = i;
      bytes = 0;
      hash = 0;
    }
    bytes += size;
    hash = ((hash << 1) + (GEAR[code & 0xff] as number)) >>> 0;
    if (size !== 4 && bytes >= limits.minBytes && hash >>> shift === 0) {
      chunks.push(text.slice(start, i + 1));
      start = i + 1;
      bytes = 0;
      hash = 0;
    }
  }
  if (start < text.length || chunks.length === 0) chunks.push(text.slice(start));
  return chunks;
}

/** The content id of a chunk: SHA-256 of its UTF-8 text, first 128 bits, hex. */
export function chunkId(chunk: string): string {
  return createHash('sha256').update(chunk, 'utf8').digest('hex').slice(0, 32);
}

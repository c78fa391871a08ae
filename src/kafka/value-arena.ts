/** Bytes per shared buffer: a produce request's worth of small values (partition-producer.ts sends ≤ 512 KiB each). */
const ARENA_CHUNK_BYTES = 256 * 1024;
/** A value above this gets a buffer of its own, so one large value does not waste most of a chunk. */
const OWN_BUFFER_FROM_BYTES = ARENA_CHUNK_BYTES / 8;

/**
 * Copies encoded values into shared buffers and hands out views of them. Buffer.allocUnsafe takes small buffers from
 * an 8 KiB pool, allocated outside the JS heap every 8 KiB: for a transaction of 200,000 values, that was 3 % of a
 * catch-up's profile (BENCHMARKS.md, (1o)). A chunk is freed once every view of it is, so use an arena for values
 * that die together (one transaction's records), not for values kept apart.
 *
 * Lifecycle: one per batch of values; no close (its chunks are garbage once its views are).
 */
export class ValueArena {
  #chunk = Buffer.alloc(0);
  #offset = 0;

  /** A copy of `bytes`: a view of a shared chunk, or a buffer of its own for a large value. */
  copy(bytes: Buffer): Buffer {
    const length = bytes.length;
    if (length > OWN_BUFFER_FROM_BYTES) return Buffer.from(bytes);
    if (this.#offset + length > this.#chunk.length) {
      this.#chunk = Buffer.allocUnsafeSlow(ARENA_CHUNK_BYTES);
      this.#offset = 0;
    }
    bytes.copy(this.#chunk, this.#offset);
    const view = this.#chunk.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return view;
  }
}

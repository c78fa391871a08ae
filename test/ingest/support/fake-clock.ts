import type { Clock } from '../../../src/ingest/clock.ts';

/** A clock whose sleep advances time instantly and records each requested delay. */
export class FakeClock implements Clock {
  current: number;
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.current += Math.max(0, ms);
  }
}

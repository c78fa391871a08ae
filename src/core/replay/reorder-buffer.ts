import type { AgentEvent } from '../events/agent-event.ts';
import { compareEvents } from '../events/agent-event.ts';

/** The events of one input record still to be replayed, and whether every one so far was cut by a session end. */
export interface RecordProgress {
  /** 0-based position of the record in the input. */
  readonly index: number;
  pending: number;
  allNotApplied: boolean;
}

export interface BufferedEvent {
  readonly event: AgentEvent;
  /** Shared by the events of one record. */
  record: RecordProgress;
}

function bySessionThenOrder(a: BufferedEvent, b: BufferedEvent): number {
  const x = a.event.sessionId;
  const y = b.event.sessionId;
  if (x !== y) return x < y ? -1 : 1;
  return compareEvents(a.event, b.event);
}

/**
 * The reorder buffer of the streaming replay: events in arrival order while their eventTimes do not decrease (a
 * queue, O(1) per event), and the few that arrive behind the queue's tail in a binary min-heap by eventTime
 * (O(log n)). Taking the minimum looks at both.
 */
export class ReorderBuffer {
  private run: BufferedEvent[] = [];
  private head = 0;
  private readonly heap: BufferedEvent[] = [];

  get size(): number {
    return this.run.length - this.head + this.heap.length;
  }

  /** The smallest buffered eventTime, or +Infinity when empty. */
  get minTime(): number {
    const a = this.run[this.head]?.event.eventTime ?? Number.POSITIVE_INFINITY;
    const b = this.heap[0]?.event.eventTime ?? Number.POSITIVE_INFINITY;
    return a < b ? a : b;
  }

  push(item: BufferedEvent): void {
    const run = this.run;
    const tail = run[run.length - 1];
    if (run.length === this.head || (tail as BufferedEvent).event.eventTime <= item.event.eventTime) run.push(item);
    else this.heapPush(item);
  }

  /**
   * Moves every event with the smallest eventTime into `group` (emptied first) sorted by sessionId, then
   * compareEvents: a session's events in apply order, and new sessions in the order session-bounds.ts ranks equal
   * starts.
   */
  popInstant(group: BufferedEvent[]): void {
    group.length = 0;
    const time = this.minTime;
    if (time === Number.POSITIVE_INFINITY) return;
    const run = this.run;
    while (this.head < run.length && (run[this.head] as BufferedEvent).event.eventTime === time) group.push(run[this.head++] as BufferedEvent);
    while (this.heap.length > 0 && (this.heap[0] as BufferedEvent).event.eventTime === time) group.push(this.heapPop() as BufferedEvent);
    if (this.head === run.length) {
      run.length = 0;
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= run.length) {
      this.run = run.slice(this.head);
      this.head = 0;
    }
    if (group.length > 1) group.sort(bySessionThenOrder);
  }

  private heapPush(item: BufferedEvent): void {
    const heap = this.heap;
    const time = item.event.eventTime;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as BufferedEvent;
      if (above.event.eventTime <= time) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = item;
  }

  private heapPop(): BufferedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const time = last.event.eventTime;
    const n = heap.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (heap[right] as BufferedEvent).event.eventTime < (heap[child] as BufferedEvent).event.eventTime) child = right;
      const below = heap[child] as BufferedEvent;
      if (below.event.eventTime >= time) break;
      heap[i] = below;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

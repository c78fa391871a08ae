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
  readonly record: RecordProgress;
}

function bySessionThenOrder(a: BufferedEvent, b: BufferedEvent): number {
  const x = a.event.sessionId;
  const y = b.event.sessionId;
  if (x !== y) return x < y ? -1 : 1;
  return compareEvents(a.event, b.event);
}

/**
 * The reorder buffer of the streaming replay: a binary min-heap of events by eventTime. In-order input costs O(1)
 * per push (the new event is never above its parent) and O(log n) per pop, n being the events within the disorder
 * bound.
 */
export class ReorderBuffer {
  private readonly heap: BufferedEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The smallest buffered eventTime, or +Infinity when empty. */
  get minTime(): number {
    return this.heap[0]?.event.eventTime ?? Number.POSITIVE_INFINITY;
  }

  push(item: BufferedEvent): void {
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

  /**
   * Removes every event with the smallest eventTime and returns them sorted by sessionId, then compareEvents: a
   * session's events in apply order, and its new sessions in the order session-bounds.ts ranks equal starts.
   */
  popInstant(): BufferedEvent[] {
    const first = this.pop();
    if (first === undefined) return [];
    const group = [first];
    const time = first.event.eventTime;
    while (this.heap.length > 0 && (this.heap[0] as BufferedEvent).event.eventTime === time) group.push(this.pop() as BufferedEvent);
    if (group.length > 1) group.sort(bySessionThenOrder);
    return group;
  }

  private pop(): BufferedEvent | undefined {
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

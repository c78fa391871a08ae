import type { AgentEvent } from '../events/agent-event.ts';
import { compareEvents, isSameChange, isSessionEnd } from '../events/agent-event.ts';

/** One session's events in apply order, with exact duplicates and post-end events separated. */
export interface PreparedSession {
  /** Distinct events up to and including the first end event, in compareEvents order. */
  readonly kept: AgentEvent[];
  /** Events equal to an earlier one (they count once). */
  readonly duplicates: AgentEvent[];
  /** Distinct events ordered after the end event (each rejected `after-session-end`). */
  readonly afterEnd: AgentEvent[];
  /** Duplicates of `afterEnd` events (rejected with them, not counted again). */
  readonly afterEndDuplicates: AgentEvent[];
}

/** Sorts a session's events (in place) and splits them per the order/duplicate/end rules. */
export function prepareSession(events: AgentEvent[]): PreparedSession {
  events.sort(compareEvents);
  const kept: AgentEvent[] = [];
  const duplicates: AgentEvent[] = [];
  const afterEnd: AgentEvent[] = [];
  const afterEndDuplicates: AgentEvent[] = [];
  let previous: AgentEvent | undefined;
  let ended = false;
  for (const event of events) {
    if (previous !== undefined && isSameChange(previous, event)) {
      (afterEnd[afterEnd.length - 1] === previous ? afterEndDuplicates : duplicates).push(event);
      continue;
    }
    previous = event;
    if (ended) {
      afterEnd.push(event);
      continue;
    }
    kept.push(event);
    if (isSessionEnd(event)) ended = true;
  }
  return { kept, duplicates, afterEnd, afterEndDuplicates };
}

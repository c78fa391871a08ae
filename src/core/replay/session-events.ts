import type { AgentEvent } from '../events/agent-event.ts';
import { compareEvents, isSameChange, isSameInstant, isSessionEnd } from '../events/agent-event.ts';

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

/**
 * Sorts a session's events (in place) and splits them per the order/duplicate/end rules. Copies of
 * one change lie in one run of equal (eventTime, changeTime); the first copy in order is the one
 * that counts, so a copy with a later vendor position is a duplicate wherever it sorts in the run.
 */
export function prepareSession(events: AgentEvent[]): PreparedSession {
  events.sort(compareEvents);
  const kept: AgentEvent[] = [];
  const duplicates: AgentEvent[] = [];
  const afterEnd: AgentEvent[] = [];
  const afterEndDuplicates: AgentEvent[] = [];
  let ended = false;
  for (const event of events) {
    if (hasCopyAtTail(kept, event)) {
      duplicates.push(event);
      continue;
    }
    if (hasCopyAtTail(afterEnd, event)) {
      afterEndDuplicates.push(event);
      continue;
    }
    if (ended) {
      afterEnd.push(event);
      continue;
    }
    kept.push(event);
    if (isSessionEnd(event)) ended = true;
  }
  return { kept, duplicates, afterEnd, afterEndDuplicates };
}

/** True when the run of events at the end of `list` with the instant of `event` holds a copy of it. */
function hasCopyAtTail(list: readonly AgentEvent[], event: AgentEvent): boolean {
  for (let i = list.length - 1; i >= 0; i--) {
    const other = list[i] as AgentEvent;
    if (!isSameInstant(other, event)) return false;
    if (isSameChange(other, event)) return true;
  }
  return false;
}

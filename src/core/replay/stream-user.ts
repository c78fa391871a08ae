import type { AgentEvent } from '../events/agent-event.ts';
import type { UserIdentity } from '../events/user-identity.ts';
import { newUserIdentity, observeUserName } from '../events/user-identity.ts';
import type { MetricVector } from '../statistic/metric-vector.ts';
import { vectorHasContent } from '../statistic/metric-vector.ts';
import { WindowAccumulator } from '../statistic/window-accumulator.ts';
import { QUARTER_HOUR_MS } from '../windows/quarter-hour.ts';
import type { StreamSession } from './stream-session.ts';

/** The greatest changeTime and the name of a user's events of one eventTime quarter-hour (quarter-hour-aggregation.ts). */
interface ChangeMark {
  readonly window: number;
  change: number;
  readonly name: UserIdentity;
}

/** One window of a user that is final, as `aggregateQuarterHours` labels it (without source and coverage). */
export interface FinalWindow {
  readonly start: number;
  readonly userName: string;
  readonly maxChangeTime: number;
  readonly vector: MetricVector;
  /** With breakdown: the window's parts. */
  readonly parts: Map<string, MetricVector> | undefined;
}

/**
 * A user of the streaming replay: the windows its sessions count into, and the change marks of its events that no
 * final window has folded yet. Marks come in eventTime order, so they are a queue; the fold of the marks before a
 * window gives its maxChangeTimestamp and name, as collectRows (quarter-hour-aggregation.ts) computes them.
 */
export class StreamUser {
  readonly userId: string;
  readonly windows: WindowAccumulator;
  /** The user's latest session by (start, sessionId): the one a newer session supersedes (session-bounds.ts). */
  last: StreamSession | null = null;
  private readonly marks: ChangeMark[] = [];
  private maxChange = Number.NEGATIVE_INFINITY;
  private readonly name = newUserIdentity();

  constructor(userId: string, breakdown: boolean) {
    this.userId = userId;
    this.windows = new WindowAccumulator(breakdown);
  }

  /** Change marks not folded yet. */
  get pendingMarks(): number {
    return this.marks.length;
  }

  /** Marks a kept event of this user (events in eventTime order). */
  mark(event: AgentEvent, window: number): void {
    const marks = this.marks;
    let mark = marks[marks.length - 1];
    if (mark === undefined || mark.window !== window) {
      mark = { window, change: event.changeTime, name: newUserIdentity() };
      marks.push(mark);
    } else if (event.changeTime > mark.change) mark.change = event.changeTime;
    observeUserName(mark.name, event.userName, event.changeTime);
  }

  /**
   * Removes and returns the windows with content that end at or before `boundary`, in start order. Contract: no
   * contribution to them and no mark of a quarter-hour at or before `boundary` can come any more.
   */
  takeFinal(boundary: number): FinalWindow[] {
    const out: FinalWindow[] = [];
    const accumulator = this.windows;
    if (accumulator.windows.size > 0) {
      const starts: number[] = [];
      for (const start of accumulator.windows.keys()) if (start + QUARTER_HOUR_MS <= boundary) starts.push(start);
      if (starts.length > 1) starts.sort((a, b) => a - b);
      for (const start of starts) {
        this.fold(start);
        const vector = accumulator.windows.get(start) as MetricVector;
        const parts = accumulator.parts.get(start);
        accumulator.delete(start);
        if (vectorHasContent(vector)) out.push({ start, userName: this.name.userName, maxChangeTime: this.maxChange, vector, parts });
      }
    }
    this.fold(boundary);
    return out;
  }

  /** Folds the marks of quarter-hours starting at or before `upTo`. */
  private fold(upTo: number): void {
    const marks = this.marks;
    let n = 0;
    while (n < marks.length && (marks[n] as ChangeMark).window <= upTo) {
      const mark = marks[n] as ChangeMark;
      if (mark.change > this.maxChange) this.maxChange = mark.change;
      if (mark.name.nameChangeTime !== null) observeUserName(this.name, mark.name.userName, mark.name.nameChangeTime);
      n++;
    }
    if (n > 0) marks.splice(0, n);
  }
}

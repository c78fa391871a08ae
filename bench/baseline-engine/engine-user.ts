import type { UserIdentity } from '../../src/core/events/user-identity.ts';
import { newUserIdentity, observeUserName } from '../../src/core/events/user-identity.ts';
import { vectorHasContent, vectorToMetrics } from '../../src/core/statistic/metric-vector.ts';
import { WindowAccumulator } from '../../src/core/statistic/window-accumulator.ts';
import { QUARTER_HOUR_MS } from '../../src/core/windows/quarter-hour.ts';
import type { QuarterHourEmission, UserSnapshot, WindowEmitted, WindowStatus } from './engine-types.ts';

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sameMetrics(vector: Float64Array, emitted: readonly number[]): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== emitted[i]) return false;
  return true;
}

/**
 * One user's correctable streaming state: quarter-hour vectors summed over the user's sessions,
 * what was last emitted per window, and the (eventTime, changeTime, userName) marks needed for
 * maxChangeTimestamp and the name "as of" a time (spec §4).
 *
 * Lifecycle: windows live until their end is before the checkpoint time (then they can no longer
 * change and are dropped); marks of events before the checkpoint fold into `baseMaxChange` and
 * `identity` (the name as of the checkpoint).
 */
export class EngineUser {
  readonly userId: string;
  /** The name folded over the marks already compacted (events before the checkpoint time). */
  identity: UserIdentity = newUserIdentity();
  readonly windows = new WindowAccumulator();
  readonly emitted = new Map<number, WindowEmitted>();
  baseMaxChange: number | null = null;
  /** Accepted events' eventTimes (sorted) and their changeTimes, at or after the checkpoint. */
  readonly markTimes: number[] = [];
  readonly markChanges: number[] = [];
  readonly markNames: string[] = [];
  /** Optimisation (not state): windows may have changed; earliest watermark that finalizes one. */
  dirty = true;
  private nextFinalAt = Number.NEGATIVE_INFINITY;

  constructor(userId: string) {
    this.userId = userId;
  }

  addMark(eventTime: number, changeTime: number, userName: string): void {
    this.dirty = true;
    const n = this.markTimes.length;
    if (n === 0 || (this.markTimes[n - 1] as number) <= eventTime) {
      this.markTimes.push(eventTime);
      this.markChanges.push(changeTime);
      this.markNames.push(userName);
      return;
    }
    const at = upperBound(this.markTimes, eventTime);
    this.markTimes.splice(at, 0, eventTime);
    this.markChanges.splice(at, 0, changeTime);
    this.markNames.splice(at, 0, userName);
  }

  removeMark(eventTime: number, changeTime: number, userName: string): void {
    this.dirty = true;
    for (let i = upperBound(this.markTimes, eventTime) - 1; i >= 0 && this.markTimes[i] === eventTime; i--) {
      if (this.markChanges[i] === changeTime && this.markNames[i] === userName) {
        this.markTimes.splice(i, 1);
        this.markChanges.splice(i, 1);
        this.markNames.splice(i, 1);
        return;
      }
    }
  }

  /**
   * The user's name as of `before`: folded over the accepted events with eventTime < before
   * (spec §4). O(marks before `before`); used for segments and agent states.
   */
  nameAsOf(before: number): string {
    const name: UserIdentity = { ...this.identity };
    const times = this.markTimes;
    for (let i = 0; i < times.length && (times[i] as number) < before; i++) {
      observeUserName(name, this.markNames[i] as string, this.markChanges[i] as number);
    }
    return name.userName;
  }

  /** Folds marks before `time` into baseMaxChange and identity, and drops windows ending before it. */
  compact(time: number): void {
    const cut = upperBound(this.markTimes, time - 1);
    for (let i = 0; i < cut; i++) {
      this.baseMaxChange = Math.max(this.baseMaxChange ?? -Infinity, this.markChanges[i] as number);
      observeUserName(this.identity, this.markNames[i] as string, this.markChanges[i] as number);
    }
    this.markTimes.splice(0, cut);
    this.markChanges.splice(0, cut);
    this.markNames.splice(0, cut);
    for (const start of [...this.windows.windows.keys()]) {
      if (start + QUARTER_HOUR_MS < time) {
        this.windows.delete(start);
        this.emitted.delete(start);
      }
    }
  }

  /** True when nothing but identity and baseMaxChange is held. */
  isIdle(): boolean {
    return this.windows.windows.size === 0 && this.markTimes.length === 0;
  }

  /** Appends the window emissions that watermark W causes (see TimelineEngine.advanceWatermark). */
  emitWindows(watermark: number, latenessMs: number, tenant: string, out: QuarterHourEmission[]): void {
    if (!this.dirty && watermark < this.nextFinalAt) return;
    this.dirty = false;
    this.nextFinalAt = Number.POSITIVE_INFINITY;
    const starts = [...this.windows.windows.keys()].sort((a, b) => a - b);
    let mark = 0;
    let maxChange = this.baseMaxChange ?? Number.NEGATIVE_INFINITY;
    const name: UserIdentity = { ...this.identity };
    for (const start of starts) {
      const end = start + QUARTER_HOUR_MS;
      while (mark < this.markTimes.length && (this.markTimes[mark] as number) < end) {
        maxChange = Math.max(maxChange, this.markChanges[mark] as number);
        observeUserName(name, this.markNames[mark] as string, this.markChanges[mark] as number);
        mark++;
      }
      const userName = name.userName;
      const vector = this.windows.windows.get(start) as Float64Array;
      const last = this.emitted.get(start);
      const finalNow = watermark >= end + latenessMs;
      let status: WindowStatus | null = null;
      if (last === undefined) {
        if (vectorHasContent(vector)) status = finalNow ? 'final' : 'provisional';
      } else {
        const changed =
          last.maxChangeTime !== maxChange || last.userName !== userName || !sameMetrics(vector, last.metrics);
        if (last.status !== 'provisional') status = changed ? 'correction' : null;
        else if (finalNow) status = 'final';
        else if (changed) status = 'provisional';
      }
      if (!finalNow && (last !== undefined || vectorHasContent(vector))) {
        this.nextFinalAt = Math.min(this.nextFinalAt, end + latenessMs);
      }
      if (status === null) continue;
      const revision = (last?.revision ?? 0) + 1;
      const maxChangeTime = Number.isFinite(maxChange) ? maxChange : 0;
      this.emitted.set(start, { revision, userName, status, metrics: Array.from(vector), maxChangeTime });
      out.push({
        tenant,
        userId: this.userId,
        userName,
        intervalStart: start,
        intervalEnd: end,
        revision,
        status,
        metrics: vectorToMetrics(vector),
        maxChangeTimestamp: maxChangeTime,
      });
    }
  }

  snapshot(): UserSnapshot {
    const starts = [...this.windows.windows.keys()].sort((a, b) => a - b);
    return {
      userId: this.userId,
      identity: { ...this.identity },
      baseMaxChange: this.baseMaxChange,
      marks: this.markTimes.map((t, i): [number, number, string] => [t, this.markChanges[i] as number, this.markNames[i] as string]),
      windows: starts.map((start) => {
        const emitted = this.emitted.get(start);
        return {
          start,
          metrics: Array.from(this.windows.windows.get(start) as Float64Array),
          emitted: emitted === undefined ? null : { ...emitted, metrics: [...emitted.metrics] },
        };
      }),
    };
  }

  static restore(snapshot: UserSnapshot): EngineUser {
    const user = new EngineUser(snapshot.userId);
    user.identity = { ...snapshot.identity };
    user.baseMaxChange = snapshot.baseMaxChange;
    for (const [t, c, n] of snapshot.marks) {
      user.markTimes.push(t);
      user.markChanges.push(c);
      user.markNames.push(n ?? '');
    }
    for (const w of snapshot.windows) {
      user.windows.window(w.start).set(w.metrics);
      if (w.emitted !== null) user.emitted.set(w.start, { ...w.emitted, metrics: [...w.emitted.metrics] });
    }
    return user;
  }
}

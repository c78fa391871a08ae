import { DirectContactStore } from '../direct/direct-contact-store.ts';
import type { UserIdentity } from '../events/user-identity.ts';
import type { SourceId } from '../source/source-id.ts';
import type { SourceProfile } from '../source/source-profiles.ts';
import { sourceProfile } from '../source/source-profiles.ts';
import { newUserIdentity, observeUserName } from '../events/user-identity.ts';
import { compareKeys } from '../statistic/history-part.ts';
import type { MetricVector } from '../statistic/metric-vector.ts';
import { copyMetricVector, vectorHasContent, vectorToArray } from '../statistic/metric-vector.ts';
import type { EngineSession } from './engine-session.ts';
import type { UserSnapshot, WindowSnapshot } from './engine-types.ts';
import { EngineWindows } from './engine-windows.ts';
import type { UserHead, UserParts } from './persisted-parts.ts';
import { encodeMarks } from './persisted-parts.ts';
import type { WindowSlot } from './engine-windows.ts';

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

/** A breakdown as snapshot JSON: [key, vector] of the parts with content, by key. */
function partsSnapshot(parts: ReadonlyMap<string, MetricVector> | null): [string, number[]][] | null {
  if (parts === null) return null;
  const out: [string, number[]][] = [];
  for (const key of [...parts.keys()].sort(compareKeys)) {
    const vector = parts.get(key) as MetricVector;
    if (vectorHasContent(vector)) out.push([key, vectorToArray(vector)]);
  }
  return out;
}

function partsOf(snapshot: readonly [string, number[]][] | null): Map<string, MetricVector> | null {
  return snapshot === null ? null : new Map(snapshot.map(([key, vector]) => [key, copyMetricVector(vector)]));
}

/** A window as its snapshot holds it. */
function windowSnapshot(slot: WindowSlot): WindowSnapshot {
  const window: WindowSnapshot = {
    start: slot.start,
    metrics: vectorToArray(slot.vector),
    parts: partsSnapshot(slot.parts),
    emitted:
      slot.revision === 0
        ? null
        : {
            revision: slot.revision,
            userName: slot.emittedName,
            status: slot.status,
            metrics: vectorToArray(slot.emittedMetrics ?? slot.vector),
            maxChangeTime: slot.emittedMaxChange,
            parts: partsSnapshot(slot.emittedParts),
            ...(slot.emittedExtras === null ? {} : { extras: { ...slot.emittedExtras } }),
          },
  };
  if (slot.reported) window.reported = true;
  if (slot.extras !== null) window.extras = { ...slot.extras };
  return window;
}

/**
 * One user's correctable streaming state: quarter-hour windows summed over the user's sessions,
 * what was last emitted per window, and the (eventTime, changeTime, userName) marks needed for
 * maxChangeTimestamp and the name "as of" a time (spec §4).
 *
 * Lifecycle: windows live until their end is before the checkpoint time (then they can no longer
 * change and are dropped); marks of events before the checkpoint fold into `baseMaxChange` and
 * `identity` (the name as of the checkpoint). Per-advance work is proportional to the windows of
 * touched users: labels are recomputed only from the first window a mark change can affect.
 */
export class EngineUser {
  readonly userId: string;
  /** The source of all of the user's records (the engine refuses records of another source for the user). */
  readonly source: SourceId;
  readonly profile: SourceProfile;
  /** The name folded over the marks already compacted (events before the checkpoint time). */
  identity: UserIdentity = newUserIdentity();
  /** Direct contacts (core/direct) that the user's call runs may still be joined to. */
  readonly directContacts = new DirectContactStore();
  readonly windows = new EngineWindows(this.directContacts);
  baseMaxChange: number | null = null;
  /** Accepted events' eventTimes (sorted) with their changeTimes and userNames, at or after the checkpoint. */
  readonly markTimes: number[] = [];
  readonly markChanges: number[] = [];
  readonly markNames: string[] = [];
  /** Sessions owned by the user, sorted by sessionId (a cache of references, not state). */
  readonly sessions: EngineSession[] = [];
  /** Optimisation (not state): something of the user may have to be emitted. */
  touched = true;
  /** Optimisation (not state): the earliest watermark at which one of its windows becomes final. */
  nextFinalAt = Number.NEGATIVE_INFINITY;
  /** Windows ending after this may have stale labels (a mark at or after it changed). */
  private labelsDirtyFrom = Number.NEGATIVE_INFINITY;
  /** The only non-empty name among identity and marks ('' none, null several, undefined unknown). */
  private uniformName: string | null | undefined = undefined;

  /** `directContacts`: the tenant's direct contacts are fed, so the Direct fields are known (EngineConfig.directContacts). */
  constructor(userId: string, source: SourceId, directContacts = false) {
    this.userId = userId;
    this.source = source;
    this.profile = sourceProfile(source, directContacts);
  }

  /** Registers an owned session (kept sorted by sessionId). */
  addSession(session: EngineSession): void {
    const list = this.sessions;
    let i = list.length;
    while (i > 0 && (list[i - 1] as EngineSession).sessionId > session.sessionId) i--;
    list.splice(i, 0, session);
  }

  removeSession(session: EngineSession): void {
    const i = this.sessions.indexOf(session);
    if (i >= 0) this.sessions.splice(i, 1);
  }

  addMark(eventTime: number, changeTime: number, userName: string): void {
    this.touched = true;
    if (eventTime < this.labelsDirtyFrom) this.labelsDirtyFrom = eventTime;
    const uniform = this.uniformName;
    if (userName !== '' && typeof uniform === 'string' && uniform !== userName) this.uniformName = uniform === '' ? userName : null;
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
    this.touched = true;
    if (eventTime < this.labelsDirtyFrom) this.labelsDirtyFrom = eventTime;
    this.uniformName = undefined;
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
   * (spec §4). O(1) while the user has one name, else O(marks before `before`).
   */
  nameAsOf(before: number): string {
    let uniform = this.uniformName;
    if (uniform === undefined) {
      uniform = this.identity.userName;
      for (const name of this.markNames) {
        if (name === '' || name === uniform) continue;
        if (uniform !== '') {
          uniform = null;
          break;
        }
        uniform = name;
      }
      this.uniformName = uniform;
    }
    const times = this.markTimes;
    const names = this.markNames;
    if (uniform !== null) {
      if (uniform === '' || this.identity.nameChangeTime !== null) return uniform;
      for (let i = 0; i < times.length && (times[i] as number) < before; i++) if (names[i] !== '') return uniform;
      return '';
    }
    const name: UserIdentity = { ...this.identity };
    for (let i = 0; i < times.length && (times[i] as number) < before; i++) {
      observeUserName(name, names[i] as string, this.markChanges[i] as number);
    }
    return name.userName;
  }

  /**
   * Folds marks before `time` into baseMaxChange and identity, drops windows ending before it and the direct contacts
   * no run from `time` on can be joined to; returns how many of those no run was joined to.
   */
  compact(time: number): number {
    const cut = upperBound(this.markTimes, time - 1);
    for (let i = 0; i < cut; i++) {
      this.baseMaxChange = Math.max(this.baseMaxChange ?? -Infinity, this.markChanges[i] as number);
      observeUserName(this.identity, this.markNames[i] as string, this.markChanges[i] as number);
    }
    if (cut > 0) {
      this.markTimes.splice(0, cut);
      this.markChanges.splice(0, cut);
      this.markNames.splice(0, cut);
    }
    this.windows.dropBefore(time);
    return this.directContacts.evictBefore(time);
  }

  /** True when nothing but identity and baseMaxChange is held. */
  isIdle(): boolean {
    return this.windows.slots.length === 0 && this.markTimes.length === 0 && this.sessions.length === 0 && this.directContacts.size === 0;
  }

  /** Recomputes the label cache (maxChange, name as of each window end) where it may be stale. */
  refreshLabels(): void {
    const slots = this.windows.slots;
    const dirtyFrom = this.labelsDirtyFrom;
    let i = 0;
    while (i < slots.length && (slots[i] as WindowSlot).labelsValid && (slots[i] as WindowSlot).end <= dirtyFrom) i++;
    this.labelsDirtyFrom = Number.POSITIVE_INFINITY;
    if (i === slots.length) return;
    const previous = slots[i - 1];
    let maxChange = previous === undefined ? (this.baseMaxChange ?? Number.NEGATIVE_INFINITY) : previous.maxChange;
    let nameChange = previous === undefined ? this.identity.nameChangeTime : previous.nameChange;
    let name = previous === undefined ? this.identity.userName : previous.name;
    const times = this.markTimes;
    let mark = previous === undefined ? 0 : upperBound(times, previous.end - 1);
    for (; i < slots.length; i++) {
      const slot = slots[i] as WindowSlot;
      for (; mark < times.length && (times[mark] as number) < slot.end; mark++) {
        const change = this.markChanges[mark] as number;
        if (change > maxChange) maxChange = change;
        const candidate = this.markNames[mark] as string;
        if (candidate !== '' && (nameChange === null || change > nameChange || (change === nameChange && candidate > name))) {
          name = candidate;
          nameChange = change;
        }
      }
      slot.maxChange = maxChange;
      slot.nameChange = nameChange;
      slot.name = name;
      slot.labelsValid = true;
    }
  }

  snapshot(): UserSnapshot {
    return { ...this.snapshotHead(), marks: encodeMarks(this.markTimes, this.markChanges, this.markNames, 0, this.markTimes.length), windows: this.windows.slots.map(windowSnapshot) };
  }

  /** The user's {@link UserParts} (persisted-parts.ts): valid until the next change to the user. */
  persistedParts(): UserParts {
    const slots = this.windows.slots;
    return { head: this.snapshotHead(), markTimes: this.markTimes, markChanges: this.markChanges, markNames: this.markNames, windowSlots: slots, window: (index) => windowSnapshot(slots[index] as WindowSlot) };
  }

  /** The snapshot without `marks` and `windows` (persisted-parts.ts). */
  snapshotHead(): UserHead {
    const direct = this.directContacts.size === 0 ? {} : { direct: this.directContacts.snapshot() };
    return {
      ...direct,
      userId: this.userId,
      source: this.source,
      identity: { ...this.identity },
      baseMaxChange: this.baseMaxChange,
    };
  }

  static restore(snapshot: UserSnapshot, directContacts = false): EngineUser {
    const user = new EngineUser(snapshot.userId, snapshot.source, directContacts);
    user.identity = { ...snapshot.identity };
    user.baseMaxChange = snapshot.baseMaxChange;
    if (snapshot.direct !== undefined) user.directContacts.restore(snapshot.userId, snapshot.direct);
    let name = '';
    for (const [t, c, n] of snapshot.marks) {
      if (n !== undefined) name = n;
      user.markTimes.push(t);
      user.markChanges.push(c);
      user.markNames.push(name);
    }
    for (const w of snapshot.windows) {
      const slot = user.windows.slot(w.start);
      slot.vector.set(w.metrics);
      slot.reported = w.reported === true;
      slot.extras = w.extras === undefined ? null : { ...w.extras };
      slot.parts = partsOf(w.parts);
      if (w.emitted !== null) {
        slot.emittedExtras = w.emitted.extras === undefined ? null : { ...w.emitted.extras };
        slot.revision = w.emitted.revision;
        slot.status = w.emitted.status;
        slot.emittedName = w.emitted.userName;
        slot.emittedMaxChange = w.emitted.maxChangeTime;
        slot.emittedMetrics = copyMetricVector(w.emitted.metrics);
        slot.emittedParts = partsOf(w.emitted.parts);
      }
    }
    return user;
  }
}

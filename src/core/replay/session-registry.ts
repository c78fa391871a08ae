import { ForgottenSessions } from './forgotten-sessions.ts';
import type { StreamSession } from './stream-session.ts';

/**
 * The sessions the streaming replay knows, by id. A session that has finished (it can count nothing more) stays
 * until its last event is older than the retention; then only a 53-bit hash of its id is kept (forgotten-sessions.ts),
 * so that a later record of it is recognised (and refused) instead of starting a new session.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, StreamSession>();
  /** Finished sessions with the lastSeen they had when queued, oldest first. */
  private queue: { session: StreamSession; lastSeen: number }[] = [];
  private head = 0;
  private readonly forgotten = new ForgottenSessions();

  /** Sessions held in full. */
  get size(): number {
    return this.sessions.size;
  }

  /** Sessions dropped, of which a hash is kept. */
  get forgottenCount(): number {
    return this.forgotten.size;
  }

  get(sessionId: string): StreamSession | undefined {
    return this.sessions.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** True when the session was dropped (or, with a chance of about n / 2^53, another one with the same hash was). */
  isForgotten(sessionId: string): boolean {
    return this.forgotten.has(sessionId);
  }

  add(session: StreamSession): void {
    this.sessions.set(session.sessionId, session);
  }

  /** Queues a finished session for dropping once its last event is older than the retention. */
  finished(session: StreamSession): void {
    this.queue.push({ session, lastSeen: session.lastSeen });
  }

  /** Drops the finished sessions whose last event is before `before`. */
  forget(before: number): void {
    const queue = this.queue;
    while (this.head < queue.length) {
      const entry = queue[this.head] as (typeof queue)[number];
      const session = entry.session;
      if (session.lastSeen !== entry.lastSeen) {
        // an event came after it was queued: queue it again, behind the others
        queue.push({ session, lastSeen: session.lastSeen });
      } else if (entry.lastSeen < before) {
        this.sessions.delete(session.sessionId);
        this.forgotten.add(session.sessionId);
        if (session.owner.last === session) session.owner.last = null;
      } else break;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }
}

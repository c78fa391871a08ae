import type { EngineSession } from './engine-session.ts';
import type { EngineUser } from './engine-user.ts';

/**
 * The users and sessions whose persisted state may have changed since the engine last handed out its changes
 * (TimelineEngine.persistedChanges): the changelog's dirty keys. Marking is coarse on purpose: every engine operation
 * marks each user and session it may touch, whether or not it changed anything, so what is not marked is unchanged.
 *
 * Lifecycle: starts with everything changed (a new or restored engine); {@link take} hands the marks out and clears
 * them. Not state: a restored engine starts over with everything changed.
 */
export class EngineChanges {
  #users = new Set<EngineUser>();
  #sessions = new Set<EngineSession>();
  #all = true;

  user(user: EngineUser): void {
    if (!this.#all) this.#users.add(user);
  }

  session(session: EngineSession): void {
    if (!this.#all) this.#sessions.add(session);
  }

  /** The user and every session it owns. */
  userAndSessions(user: EngineUser): void {
    if (this.#all) return;
    this.#users.add(user);
    for (const session of user.sessions) this.#sessions.add(session);
  }

  /** Everything may have changed (the checkpoint moved: every user and session compacts). */
  everything(): void {
    this.#all = true;
    this.#users.clear();
    this.#sessions.clear();
  }

  /** The marks since the previous call (`all`: everything), then clears them. */
  take(): { readonly all: boolean; readonly users: ReadonlySet<EngineUser>; readonly sessions: ReadonlySet<EngineSession> } {
    const taken = { all: this.#all, users: this.#users, sessions: this.#sessions };
    this.#all = false;
    this.#users = new Set();
    this.#sessions = new Set();
    return taken;
  }
}

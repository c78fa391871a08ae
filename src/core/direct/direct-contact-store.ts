import type { DirectContact } from './direct-contact.ts';
import { bestDirectMatch, DIRECT_MATCH_LAG_MS, disconnectBound } from './direct-contact.ts';

/** A stored direct contact and how many counted runs are joined to it now (withdrawals subtract). */
interface StoredContact extends DirectContact {
  claims: number;
}

/** A stored contact as snapshot JSON: [contactId, kind, handlingMs, afterworkMs, changeTime, claims] (the user is the owner's). */
export type DirectContactSnapshot = [string, number, number, number, number, number];

/**
 * One user's direct contacts that a handling run may still be joined to (direct-contact.ts), by contactId.
 *
 * Lifecycle: `add` once per contact (a repeated contactId changes nothing); runs look their contact up with `claim`
 * as the session machines count them (sign −1 while a session's contributions are withdrawn); `evictBefore(K)` drops
 * the contacts whose runs all end before the checkpoint time K (no session recomputes them any more) and says how
 * many of them no run was joined to.
 */
export class DirectContactStore {
  readonly #contacts = new Map<string, StoredContact>();

  get size(): number {
    return this.#contacts.size;
  }

  has(contactId: string): boolean {
    return this.#contacts.has(contactId);
  }

  /** Adds a contact; false when its contactId is already stored. */
  add(contact: DirectContact): boolean {
    if (this.#contacts.has(contact.contactId)) return false;
    this.#contacts.set(contact.contactId, { ...contact, claims: 0 });
    return true;
  }

  /** The contact a run of `kind` over [start, end) is joined to (null: none), with its claim count moved by `sign`. */
  claim(kind: number, start: number, end: number, sign: number): DirectContact | null {
    if (this.#contacts.size === 0) return null;
    const contact = bestDirectMatch(this.#contacts.values(), kind, start, end);
    if (contact !== null) contact.claims += sign;
    return contact;
  }

  /** Drops the contacts whose latest possible run end is before `time`; returns how many of them no run was joined to. */
  evictBefore(time: number): number {
    let unmatched = 0;
    for (const [id, contact] of this.#contacts) {
      if (disconnectBound(contact) >= time) continue;
      if (contact.claims <= 0) unmatched++;
      this.#contacts.delete(id);
    }
    return unmatched;
  }

  /** The earliest end a run joined to the contact can have (runs ending before it cannot be the contact's). */
  static earliestRunEnd(contact: DirectContact): number {
    return disconnectBound(contact) - DIRECT_MATCH_LAG_MS;
  }

  snapshot(): DirectContactSnapshot[] {
    return [...this.#contacts.values()]
      .sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0))
      .map((c) => [c.contactId, c.kind, c.handlingMs, c.afterworkMs, c.changeTime, c.claims]);
  }

  restore(userId: string, items: readonly DirectContactSnapshot[]): void {
    for (const [contactId, kind, handlingMs, afterworkMs, changeTime, claims] of items) {
      this.#contacts.set(contactId, { contactId, userId, kind, handlingMs, afterworkMs, changeTime, claims });
    }
  }
}

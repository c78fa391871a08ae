import { KIND_CALL_IN, KIND_CALL_OUT } from '../events/status.ts';

/**
 * A handled call that no queue routed (a direct contact), as the vendor's contact record states it (Sinch RAI
 * `/contactHistory`: `type` CallIn/CallOut, `queueId` absent, `userId`, `handlingDurationUser`, `afterworkDuration`,
 * `maxChangeTimestamp`). The record carries no connect or disconnect time, so the engine joins it to the user's
 * handling run it describes (docs/metrics.md, "Direct contacts"):
 *
 * a run of count kind `kind` over [start, end) of user `userId` is this contact's when
 * - `end − start = handlingMs` (the user's handling time of the contact is the run), and
 * - `disconnectBound − DIRECT_MATCH_LAG_MS ≤ end ≤ disconnectBound`, where `disconnectBound = changeTime − afterworkMs`:
 *   the contact's last change (maxChangeTimestamp) comes after its disconnect and its afterwork, by up to the lag.
 *
 * Among several contacts matching one run the run takes the one whose bound is nearest its end, then the smallest
 * contactId ({@link bestDirectMatch}); the run's handling time and count then also go to the Direct fields.
 */
export interface DirectContact {
  readonly contactId: string;
  readonly userId: string;
  /** KIND_CALL_IN or KIND_CALL_OUT (status.ts). */
  readonly kind: number;
  /** handlingDurationUser, ms (> 0: a handled contact). */
  readonly handlingMs: number;
  /** afterworkDuration, ms (≥ 0). */
  readonly afterworkMs: number;
  /** maxChangeTimestamp, epoch ms. */
  readonly changeTime: number;
}

/** How long after a direct call's afterwork its record's maxChangeTimestamp may be (the vendor's change lag). */
export const DIRECT_MATCH_LAG_MS = 300_000;

/** The latest time a run of the contact can end: its last change minus its afterwork. */
export function disconnectBound(contact: Pick<DirectContact, 'changeTime' | 'afterworkMs'>): number {
  return contact.changeTime - contact.afterworkMs;
}

/** Whether a run of `kind` over [start, end) is the contact's (see {@link DirectContact}). */
export function runMatches(contact: DirectContact, kind: number, start: number, end: number): boolean {
  if (contact.kind !== kind || end - start !== contact.handlingMs) return false;
  const bound = disconnectBound(contact);
  return end <= bound && end >= bound - DIRECT_MATCH_LAG_MS;
}

/** The contact a run of `kind` over [start, end) is joined to, or null: the matching one nearest the run's end, then by contactId. */
export function bestDirectMatch<C extends DirectContact>(contacts: Iterable<C>, kind: number, start: number, end: number): C | null {
  let best: C | null = null;
  for (const contact of contacts) {
    if (!runMatches(contact, kind, start, end)) continue;
    if (best === null) {
      best = contact;
      continue;
    }
    const distance = disconnectBound(contact) - end;
    const bestDistance = disconnectBound(best) - end;
    if (distance < bestDistance || (distance === bestDistance && contact.contactId < best.contactId)) best = contact;
  }
  return best;
}

/** Why a direct contact cannot be taken, or null when it can. */
export function directContactProblem(contact: DirectContact): string | null {
  if (contact.contactId === '' || contact.userId === '') return 'missing-contact-identity';
  if (contact.kind !== KIND_CALL_IN && contact.kind !== KIND_CALL_OUT) return 'not-a-call';
  if (!Number.isSafeInteger(contact.handlingMs) || contact.handlingMs <= 0) return 'not-handled';
  if (!Number.isSafeInteger(contact.afterworkMs) || contact.afterworkMs < 0) return 'bad-afterwork';
  if (!Number.isSafeInteger(contact.changeTime)) return 'bad-timestamp';
  return null;
}

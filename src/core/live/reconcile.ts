import type { AgentSnapshot } from './agent-snapshot.ts';

/** How a vendor snapshot can disagree with the state built from the status history. */
export type DisagreementKind = 'ended-without-logout' | 'missed-login' | 'user-status' | 'handling';

/** The parts of the history's current state the comparison needs. */
export interface HistoryState {
  readonly loggedIn: boolean;
  readonly userStatus: string | null;
  readonly handlingStatus: string | null;
  /** The history's latest change of this state (epoch ms). */
  readonly lastChange: number;
  /** The time up to which the tenant's history is complete (the confirmed watermark); null: unknown. */
  readonly completeUpTo: number | null;
}

/** A confirmed disagreement and the vendor's view that resolves it. */
export interface Disagreement {
  readonly kind: DisagreementKind;
  /** When the vendor says the disagreeing status began (snapshotAt − its duration). */
  readonly vendorSince: number;
  readonly view: {
    readonly loggedIn: boolean;
    readonly userStatus: string;
    readonly userStatusSince: number | null;
    readonly handlingStatus: string | null;
    readonly handlingStatusSince: number | null;
  };
}

const LOGGED_OUT = 'LoggedOut';

/**
 * Compares an agent's newest vendor snapshot with the state built from its status history. They disagree when the
 * snapshot was taken after the state's latest change and names another login state, userStatus or handling status.
 * A disagreement is confirmed once the history is complete for `graceMs` past the vendor's own change and still does
 * not show it: `completeUpTo − vendorSince ≥ graceMs`, where vendorSince is when the vendor says its status began
 * (snapshotAt − its duration). Shorter ones are the normal lag of the history behind the snapshot; a snapshot older
 * than the state's latest change never overrules it, nor one without the duration that dates its status, nor any while
 * the history's completeness is unknown. Checked in order: login state, userStatus, handling.
 */
export function confirmedDisagreement(state: HistoryState, snapshot: AgentSnapshot | undefined, graceMs: number): Disagreement | null {
  if (snapshot === undefined || snapshot.snapshotAt < state.lastChange || snapshot.userStatus === null || state.completeUpTo === null) return null;
  const completeUpTo = state.completeUpTo;
  const vendorLoggedIn = snapshot.userStatus !== LOGGED_OUT;
  const confirmed = (kind: DisagreementKind, vendorSince: number | null): Disagreement | null => {
    if (vendorSince === null || completeUpTo - vendorSince < graceMs) return null;
    return {
      kind,
      vendorSince,
      view: {
        loggedIn: vendorLoggedIn,
        userStatus: snapshot.userStatus!,
        userStatusSince: snapshot.userStatusSince,
        handlingStatus: vendorLoggedIn ? snapshot.contactHandlingStatus : null,
        handlingStatusSince: vendorLoggedIn ? snapshot.contactHandlingStatusSince : null,
      },
    };
  };
  if (state.loggedIn && !vendorLoggedIn) return confirmed('ended-without-logout', snapshot.userStatusSince);
  if (!state.loggedIn && vendorLoggedIn) return confirmed('missed-login', snapshot.userStatusSince);
  if (!state.loggedIn) return null;
  if (state.userStatus !== snapshot.userStatus) return confirmed('user-status', snapshot.userStatusSince);
  if (snapshot.contactHandlingStatus !== null && state.handlingStatus !== snapshot.contactHandlingStatus) return confirmed('handling', snapshot.contactHandlingStatusSince);
  return null;
}

import type { SimAgent } from './agent-roster.ts';
import type { Profile } from './catalog.ts';
import type { SimContact } from './sim-contact.ts';

/**
 * One agentStatusHistory row before its changeTimestamp is assigned. `writeTime` is when the
 * monitoring database records it; its changeTimestamp is `writeTime` plus a lag, and never earlier
 * than the previous row's of the same session (the seed's Dialing row is written after Waiting).
 */
export interface DraftRow {
  readonly writeTime: number;
  readonly signOn?: number;
  readonly profile?: Profile;
  readonly loggedOut?: boolean;
  readonly status?: string;
  readonly statusTimestamp?: number;
  readonly outboundServing?: string;
  readonly userStatus?: string;
  readonly userStatusTimestamp?: number;
}

export interface StatusOptions {
  readonly outboundServing?: string;
  /** When the row is written, if later than its statusTimestamp. */
  readonly writeTime?: number;
}

/** Records the rows and contacts of one agent session in write order. */
export class SessionScript {
  readonly agent: SimAgent;
  readonly sessionId: string;
  readonly rows: DraftRow[] = [];
  readonly contacts: SimContact[] = [];

  constructor(agent: SimAgent, sessionId: string) {
    this.agent = agent;
    this.sessionId = sessionId;
  }

  /** The first row of a session: signOn, status Waiting and userStatus Ready at `time`. */
  signOn(time: number): void {
    this.rows.push({ writeTime: time, signOn: time, status: 'Waiting', statusTimestamp: time, userStatus: 'Ready', userStatusTimestamp: time });
  }

  userStatus(time: number, profile: Profile): void {
    this.rows.push({ writeTime: time, profile, userStatus: profile.userStatus, userStatusTimestamp: time });
  }

  status(time: number, status: string, options: StatusOptions = {}): void {
    const writeTime = options.writeTime ?? time;
    const row: DraftRow = { writeTime, status, statusTimestamp: time };
    this.rows.push(options.outboundServing === undefined ? row : { ...row, outboundServing: options.outboundServing });
  }

  /** The session's last row: status LoggedOut with profileReason "-". */
  logOut(time: number): void {
    this.rows.push({ writeTime: time, loggedOut: true, status: 'LoggedOut', statusTimestamp: time });
  }

  addContact(contact: SimContact): void {
    this.contacts.push(contact);
  }
}

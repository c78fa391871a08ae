import type { Named, Queue } from './catalog.ts';

export type ContactChannel = 'Phone' | 'Chat' | 'Email';
export type ContactType = 'CallIn' | 'CallOut' | 'ChatIn' | 'ChatOut' | 'EmailIn' | 'EmailOut';

/** The channel of each contact type. */
export const CHANNEL_OF: Readonly<Record<ContactType, ContactChannel>> = {
  CallIn: 'Phone',
  CallOut: 'Phone',
  ChatIn: 'Chat',
  ChatOut: 'Chat',
  EmailIn: 'Email',
  EmailOut: 'Email',
};

/**
 * One contact's life in epoch ms: arrival (incl. IVR) → queue arrival → connect (null when never
 * connected) → disconnect → afterwork end. Agent-less contacts (abandoned in queue) have no user.
 */
export interface SimContact {
  readonly contactId: string;
  readonly type: ContactType;
  readonly channel: ContactChannel;
  /** Undefined for direct contacts (no queue). */
  readonly queue: Queue | undefined;
  readonly application: Named;
  readonly user: { readonly userId: string; readonly userName: string } | undefined;
  readonly direct: boolean;
  readonly internal: boolean;
  readonly contactCenter: boolean;
  readonly arrival: number;
  readonly queueArrival: number;
  readonly connect: number | null;
  readonly disconnect: number;
  readonly afterworkEnd: number;
  readonly holdDuration: number;
  readonly abandoned: boolean;
}

/** The channels of RAI agentStatus's active-contact counters. */
export type LiveChannel = 'phone' | 'chat' | 'email';
export type LiveDirection = 'Inbound' | 'Outbound';

/**
 * One version of one contact as a vendor's live feed (Sinch RAI `/contactStatistic`, `/contactHistory`) reports it:
 * whether an agent is handling it now, and since when. Versions of a contact are ordered by {@link compareContactVersions};
 * the newest decides.
 */
export interface LiveContact {
  readonly tenant: string;
  readonly contactId: string;
  /** The agent the contact is (or was) connected to; null for a contact no agent took. */
  readonly userId: string | null;
  readonly channel: LiveChannel;
  readonly direction: LiveDirection;
  /** Connected to `userId` and not yet disconnected, as of `changedAt`. */
  readonly active: boolean;
  /** When the agent connected (epoch ms); set when `active`. */
  readonly since: number | null;
  /** The vendor's last change of the contact (epoch ms). */
  readonly changedAt: number;
  /** The contact has disconnected (a final version: nothing later makes it active again). */
  readonly completed: boolean;
}

/**
 * Orders two versions of one contact: the later change wins; at the same change time a completed version wins over
 * an open one. 0: the same version (a replay), which changes nothing.
 */
export function compareContactVersions(a: Pick<LiveContact, 'changedAt' | 'completed'>, b: Pick<LiveContact, 'changedAt' | 'completed'>): number {
  return a.changedAt - b.changedAt || Number(a.completed) - Number(b.completed);
}

/** An active contact as the store keeps it for an agent. */
export interface ActiveContact {
  readonly contactId: string;
  readonly userId: string;
  readonly channel: LiveChannel;
  readonly direction: LiveDirection;
  readonly since: number;
}

/** The twelve RAI agentStatus active-contact fields, in the document's order: per channel and direction, `…Contacts` then `…Duration`. */
export const ACTIVE_CONTACT_FIELDS: readonly string[] = (['phone', 'chat', 'email'] as const).flatMap((channel) =>
  (['Inbound', 'Outbound'] as const).flatMap((direction) => [`${channel}Active${direction}Contacts`, `${channel}Active${direction}Duration`]),
);

/**
 * The active-contact fields of one agent at `now`, as the RAI document defines them ("shown only when value greater
 * than 0"): for each channel and direction with contacts connected at `now` (since ≤ now), their count and
 * `now − the earliest connect` (how long the agent has had such contacts). Channels without one are left out.
 */
export function activeContactFields(contacts: readonly ActiveContact[], now: number): Record<string, number> {
  const out: Record<string, number> = {};
  const groups = new Map<string, { count: number; earliest: number }>();
  for (const contact of contacts) {
    if (contact.since > now) continue;
    const key = `${contact.channel}Active${contact.direction}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { count: 1, earliest: contact.since });
    else groups.set(key, { count: group.count + 1, earliest: Math.min(group.earliest, contact.since) });
  }
  for (const field of ACTIVE_CONTACT_FIELDS) {
    const group = groups.get(field.replace(/(Contacts|Duration)$/, ''));
    if (group === undefined) continue;
    out[field] = field.endsWith('Contacts') ? group.count : now - group.earliest;
  }
  return out;
}

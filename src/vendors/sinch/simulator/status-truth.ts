import { writeFile } from 'node:fs/promises';
import { ALL_PROFILES } from './model/catalog.ts';
import type { GeneratedDay } from './model/generated-day.ts';

/**
 * One line of the Sinch simulator's agentStatus truth (`simulate --export-truth FILE` writes them to
 * `FILE.status.ndjson`), stated by the model, never derived from what the simulator serves:
 * - `agent`: an agent's attributes, those RAI agentStatus serves from outside the status history (reporting group,
 *   the `showAgentInfo` fields);
 * - `profile`: a presence profile of the catalog with its type (the state intervals name profiles by id);
 * - `contact`: a contact an agent handled, with its connect and disconnect (ISO-8601 UTC): active at the agent in
 *   [connect, disconnect).
 * Together with the state intervals they give an agent's full RAI agentStatus row at any moment.
 */
export type StatusTruthLine =
  | {
      readonly kind: 'agent'; readonly userId: string; readonly userName: string; readonly reportingGroupId: string; readonly reportingGroupName: string;
      readonly number: string; readonly mobileNumber: string; readonly externalNumber: string; readonly email: string; readonly chatName: string;
      readonly chat: string; readonly chatCapacity: number; readonly location: string;
    }
  | { readonly kind: 'profile'; readonly profileId: string; readonly profile: string; readonly profileReason: string; readonly profileType: string }
  | { readonly kind: 'contact'; readonly contactId: string; readonly userId: string; readonly type: string; readonly connect: string; readonly disconnect: string };

/** The day's agentStatus truth: agents (roster order), the profile catalog, then the connected contacts (by connect, contactId). */
export function statusTruthRecords(day: GeneratedDay): StatusTruthLine[] {
  const agents: StatusTruthLine[] = day.agents.map((a) => ({
    kind: 'agent', userId: a.userId, userName: a.userName, reportingGroupId: a.reportingGroup.id, reportingGroupName: a.reportingGroup.name,
    number: a.number, mobileNumber: a.mobileNumber, externalNumber: a.externalNumber, email: a.email, chatName: a.chatName, chat: a.chat,
    chatCapacity: a.chatCapacity, location: a.location,
  }));
  const profiles: StatusTruthLine[] = ALL_PROFILES.map((p) => ({ kind: 'profile', profileId: p.profileId, profile: p.profile, profileReason: p.profileReason, profileType: p.profileType }));
  const contacts = day.contacts
    .map((t) => t.contact)
    .filter((c) => c.user !== undefined && c.connect !== null)
    .sort((a, b) => (a.connect ?? 0) - (b.connect ?? 0) || (a.contactId < b.contactId ? -1 : 1))
    .map((c): StatusTruthLine => ({ kind: 'contact', contactId: c.contactId, userId: c.user!.userId, type: c.type, connect: new Date(c.connect!).toISOString(), disconnect: new Date(c.disconnect).toISOString() }));
  return [...agents, ...profiles, ...contacts];
}

/** The file the agentStatus truth goes to, beside the state intervals' `file`. */
export function statusTruthFile(file: string): string {
  return `${file}.status.ndjson`;
}

/** Writes the day's agentStatus truth to {@link statusTruthFile}; returns how many lines. */
export async function exportStatusTruth(file: string, day: GeneratedDay): Promise<number> {
  const lines = statusTruthRecords(day);
  await writeFile(statusTruthFile(file), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return lines.length;
}

import { deriveSeed, Prng } from '../../../../core/random/prng.ts';

/** A presence profile as agentStatusHistory reports it (profile, profileReason, profileType). */
export interface Profile {
  readonly profileId: string;
  readonly profile: string;
  readonly profileReason: string;
  readonly profileType: 'Presence' | 'Absence' | 'Conference';
  readonly userStatus: 'Ready' | 'NotReady' | 'Pause';
}

export interface Named {
  readonly id: string;
  readonly name: string;
}

export interface Queue extends Named {
  readonly channel: 'Phone' | 'Chat' | 'Email';
  readonly application: Named;
  /** Service level target for answeredOnTime, ms. */
  readonly serviceLevelMs: number;
}

const ids = new Prng(deriveSeed('agent-timelines simulator catalog'));

function named(name: string): Named {
  return { id: ids.guid(), name };
}

function profile(name: string, reason: string, type: Profile['profileType'], userStatus: Profile['userStatus']): Profile {
  return { profileId: ids.guid(), profile: name, profileReason: reason, profileType: type, userStatus };
}

export const PROFILES = {
  office: profile('Office', 'NONE', 'Presence', 'Ready'),
  available: profile('Available', 'NONE', 'Presence', 'Ready'),
  startup: profile('Default', 'NONE', 'Presence', 'NotReady'),
  meeting: profile('Meeting', 'MEETING', 'Conference', 'NotReady'),
  training: profile('Training', 'TRAINING', 'Absence', 'NotReady'),
  backoffice: profile('Backoffice', 'BACKOFFICE', 'Presence', 'NotReady'),
  lunch: profile('Lunch', 'LUNCH', 'Absence', 'Pause'),
  coffee: profile('Coffee', 'COFFEE', 'Absence', 'Pause'),
} as const;

export const ALL_PROFILES: readonly Profile[] = Object.values(PROFILES);

const salesApp = named('Sales Service');
const supportApp = named('Customer Support');
const directApp = named('Direct Calls');

export const QUEUES = {
  sales: { ...named('Sales'), channel: 'Phone', application: salesApp, serviceLevelMs: 20_000 },
  support: { ...named('Support'), channel: 'Phone', application: supportApp, serviceLevelMs: 30_000 },
  billing: { ...named('Billing'), channel: 'Phone', application: supportApp, serviceLevelMs: 30_000 },
  chat: { ...named('Chat Support'), channel: 'Chat', application: supportApp, serviceLevelMs: 60_000 },
  email: { ...named('Email Support'), channel: 'Email', application: supportApp, serviceLevelMs: 3_600_000 },
  outbound: { ...named('Outbound'), channel: 'Phone', application: salesApp, serviceLevelMs: 0 },
} as const satisfies Record<string, Queue>;

export const PHONE_QUEUES: readonly Queue[] = [QUEUES.sales, QUEUES.support, QUEUES.billing];

/** The application of direct contacts (no queue). */
export const DIRECT_APPLICATION: Named = directApp;

export const CAMPAIGNS: readonly Named[] = [named('After Sales'), named('Renewals')];

export const REPORTING_GROUPS: readonly Named[] = [named('Sales'), named('Support'), named('Backoffice')];

export const LAST_NAMES = [
  'Fox', 'Wolf', 'Bear', 'Hawk', 'Lynx', 'Otter', 'Raven', 'Heron', 'Badger', 'Falcon', 'Marten', 'Crane', 'Finch', 'Moose', 'Stag', 'Swan',
] as const;

export const FIRST_NAMES = [
  'John', 'Jane', 'Aino', 'Mikko', 'Laura', 'Pekka', 'Sofia', 'Oskari', 'Emma', 'Ville', 'Helmi', 'Juha', 'Noora', 'Eero', 'Iida', 'Timo', 'Maria',
] as const;

export const LOCATIONS = ['Espoo', 'Helsinki', 'Tampere', 'Oulu'] as const;

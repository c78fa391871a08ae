/**
 * fast-check generators of raw Sinch `agentStatusHistory` records (test-only; shares no code with src/core).
 *
 * A history is generated as a PLAN (plain numbers and choices, which fast-check can shrink) and turned into
 * records by the deterministic `buildHistory`. Records look like the seed document's: both key spellings,
 * both timestamp formats (plus ISO offsets and over-long fractions), changeTimestamp = eventTime + lag, records
 * listed in changeTimestamp order (so an eventTime can be earlier than the previous record's), equal-ms
 * events, exact ties (two records of a session with the same eventTime AND changeTimestamp, whose order only
 * the vendor's listing gives), events exactly on quarter-hour boundaries, and anchors next to DST changes and
 * period boundaries. Most histories carry the poller's vendor positions (`vendorPoll`, `vendorRow`: the
 * listing is cut into polls, rows numbered from 0 in each); the others have none.
 * A session may lose its LoggedOut row (the agent's next session or the idle rule has to end it), or get it from
 * the vendor only after the agent's next sign-on, with a Wrap row before it (events after an implicit end).
 */
import fc from 'fast-check';
import { mulberry32 as rng } from '../../../src/core/random/prng.ts';

export const QH = 900_000;

/** Anchors (UTC) near interesting boundaries. */
export const ANCHORS: readonly number[] = [
  Date.UTC(2019, 11, 3, 7, 19, 59, 127), // the seed
  Date.UTC(2024, 2, 31, 1, 0), // Europe/Helsinki spring forward (03:00 EET → 04:00 EEST), a Sunday (ISO week end)
  Date.UTC(2024, 9, 27, 1, 0), // Europe/Helsinki fall back
  Date.UTC(2024, 2, 10, 7, 0), // America/New_York spring forward
  Date.UTC(2024, 10, 3, 6, 0), // America/New_York fall back (01:00 twice), a Sunday
  Date.UTC(2024, 10, 4, 5, 0), // New York Monday 00:00 (week boundary)
  Date.UTC(2024, 2, 31, 21, 0), // Helsinki Monday 2024-04-01 00:00 (week + month boundary)
  Date.UTC(2024, 0, 1, 0, 0), // UTC year boundary
  Date.UTC(2024, 11, 31, 22, 0), // Helsinki new year
  Date.UTC(2025, 0, 1, 5, 0), // New York new year
  Date.UTC(2024, 1, 29, 23, 50), // leap day end
];

const HANDLING_STEP_VALUES = [
  'Waiting',
  'Preview',
  'Wrap',
  'Talking_Inbound',
  'Talking_Outbound',
  'Talking_Outbound_CBR',
  'Talking_Outbound_Campaign',
  'Chatting_Inbound',
  'Chatting_Outbound',
  'Emailing_Inbound',
  'Emailing_Outbound',
  'Dialing_Outbound',
  'Dialing_Outbound_CBR',
  'Dialing_Outbound_Campaign',
  'OBJoin',
  'OBUnJoin',
] as const;

/** Realistic handling flows (each status at its own sub-gap after the previous). */
const FLOWS: readonly (readonly string[])[] = [
  ['OBJoin', 'Preview', 'Dialing_Outbound_Campaign', 'Talking_Outbound_Campaign', 'Wrap', 'Waiting', 'OBUnJoin'],
  ['Preview', 'Dialing_Outbound_Campaign', 'Waiting', 'Wrap', 'Waiting'], // unanswered dial then wrap (CallOut afterwork)
  ['Dialing_Outbound', 'Talking_Outbound', 'Wrap', 'Waiting'],
  ['Dialing_Outbound_CBR', 'Waiting'], // unanswered
  ['Dialing_Outbound_CBR', 'Talking_Outbound_CBR', 'Talking_Outbound', 'Wrap'],
  ['Talking_Inbound', 'Wrap', 'Waiting'],
  ['Talking_Inbound', 'Waiting', 'Wrap', 'Waiting'],
  ['Chatting_Inbound', 'Wrap', 'Waiting'],
  ['Chatting_Outbound', 'Chatting_Inbound', 'Wrap', 'Waiting'],
  ['Emailing_Inbound', 'Wrap', 'Waiting'],
  ['Emailing_Outbound', 'Wrap', 'Waiting'],
];

const PROFILES = [
  { profile: 'Default', profileReason: 'NONE', profileType: 'Presence' },
  { profile: 'Office', profileReason: 'NONE', profileType: 'Presence' },
  { profile: 'Lunch', profileReason: 'Lunch break', profileType: 'Absence' },
  { profile: 'Meeting', profileReason: 'Team meeting', profileType: 'Conference' },
] as const;

export type GapPlan =
  | { k: 'same' }
  | { k: 'ms'; ms: number }
  | { k: 'boundary'; delta: -1 | 0 | 1 };

export type ActionPlan =
  | { t: 'user'; value: 'Ready' | 'NotReady' | 'Pause'; profile: number }
  | { t: 'handling'; value: string }
  | { t: 'flow'; flow: number; gaps: GapPlan[] };

export interface StepPlan {
  gap: GapPlan;
  action: ActionPlan;
  lag: number;
  restateUser: boolean;
  fmt: number;
  /** An exact tie: the step's first record takes the previous record's eventTime and changeTimestamp. */
  tie: boolean;
}

export interface LoginPlan {
  /** statusOnly / userOnly: the other dimension stays unknown until a later step sets it (nothing counts) */
  kind: 'combined' | 'userFirst' | 'statusFirst' | 'statusOnly' | 'userOnly';
  /** the session's first event is an OBJoin (changes neither dimension) */
  obJoinFirst: boolean;
  gap: GapPlan;
  user: 'Ready' | 'NotReady' | 'Pause';
  status: 'Waiting' | 'Preview' | 'Talking_Inbound';
  lag: number;
  fmt: number;
}

export interface EndPlan {
  viaUserStatus: boolean;
  gap: GapPlan;
  lag: number;
  fmt: number;
  /**
   * kept: the LoggedOut row is there. lost: it never arrives. afterNext: the vendor writes it (and a Wrap row
   * before it) `afterNextMs` after the agent's next session signed on. An agent's last session always keeps it.
   */
  fate: 'kept' | 'lost' | 'afterNext';
  afterNextMs: number;
}

export interface SessionPlan {
  gapBefore: number;
  login: LoginPlan;
  steps: StepPlan[];
  end: EndPlan | null;
  afterEnd: { gap: number; lag: number; fmt: number } | null;
  rename: boolean;
}

export interface AgentPlan {
  startOffset: number;
  sessions: SessionPlan[];
}

export type JunkKind =
  | 'null'
  | 'number'
  | 'string'
  | 'missing-sessionId'
  | 'missing-userId'
  | 'missing-changeTimestamp'
  | 'bad-timestamp'
  | 'unknown-status'
  | 'unknown-userStatus'
  | 'missing-statusTimestamp'
  | 'no-status-change'
  | 'zero-date'
  | 'event-after-change';

/** How the vendor's listing is cut into polls (positions), or null for records without positions. */
export interface ListingPlan {
  /** The first poll's number (vendorPoll); later polls count up from it. */
  firstPoll: number;
  /** Record indexes (mod the record count) at which a new poll starts. */
  cuts: number[];
}

export interface HistoryPlan {
  anchor: number;
  agents: AgentPlan[];
  junk: { kind: JunkKind; position: number }[];
  listing: ListingPlan | null;
}

export interface HistorySizes {
  maxAgents: number;
  maxSessions: number;
  maxSteps: number;
  /** max |agent start offset| from the anchor (ms) */
  maxStartOffset: number;
  /** probability-ish weight of ended sessions (0..10) */
  endWeight: number;
  withJunk: boolean;
  withAfterEnd: boolean;
}

export const DEFAULT_SIZES: HistorySizes = {
  maxAgents: 3,
  maxSessions: 3,
  maxSteps: 10,
  maxStartOffset: 10 * 60_000,
  endWeight: 8,
  withJunk: true,
  withAfterEnd: true,
};

// ---------------------------------------------------------------------------------------------
// arbitraries for plans
// ---------------------------------------------------------------------------------------------

export const gapArb: fc.Arbitrary<GapPlan> = fc.oneof(
  { arbitrary: fc.constant<GapPlan>({ k: 'same' }), weight: 2 },
  { arbitrary: fc.integer({ min: 1, max: 999 }).map<GapPlan>((ms) => ({ k: 'ms', ms })), weight: 3 },
  { arbitrary: fc.integer({ min: 1000, max: 60_000 }).map<GapPlan>((ms) => ({ k: 'ms', ms })), weight: 8 },
  { arbitrary: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1).map<GapPlan>((delta) => ({ k: 'boundary', delta })), weight: 2 },
);

const lagArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 2000 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 30_000 }), weight: 2 },
);

const fmtArb = fc.nat({ max: 0x7fffffff });

const actionArb: fc.Arbitrary<ActionPlan> = fc.oneof(
  {
    arbitrary: fc.record({ t: fc.constant('user' as const), value: fc.constantFrom('Ready' as const, 'NotReady' as const, 'Pause' as const), profile: fc.nat({ max: PROFILES.length - 1 }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ t: fc.constant('handling' as const), value: fc.constantFrom(...HANDLING_STEP_VALUES) }), weight: 4 },
  {
    arbitrary: fc.record({ t: fc.constant('flow' as const), flow: fc.nat({ max: FLOWS.length - 1 }), gaps: fc.array(gapArb, { minLength: 7, maxLength: 7 }) }),
    weight: 3,
  },
);

const stepArb: fc.Arbitrary<StepPlan> = fc.record({
  gap: gapArb,
  action: actionArb,
  lag: lagArb,
  restateUser: fc.boolean(),
  fmt: fmtArb,
  tie: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
});

const listingArb: fc.Arbitrary<ListingPlan | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.record({ firstPoll: fc.integer({ min: 0, max: 2 ** 41 }), cuts: fc.array(fc.nat(), { maxLength: 4 }) }), weight: 5 },
);

function sessionArb(sizes: HistorySizes): fc.Arbitrary<SessionPlan> {
  return fc.record({
    gapBefore: fc.integer({ min: 1, max: 120_000 }),
    login: fc.record({
      kind: fc.constantFrom('combined' as const, 'combined' as const, 'userFirst' as const, 'statusFirst' as const, 'statusOnly' as const, 'userOnly' as const),
      obJoinFirst: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
      gap: gapArb,
      user: fc.constantFrom('Ready' as const, 'NotReady' as const, 'Pause' as const),
      status: fc.constantFrom('Waiting' as const, 'Preview' as const, 'Talking_Inbound' as const),
      lag: lagArb,
      fmt: fmtArb,
    }),
    steps: fc.array(stepArb, { maxLength: sizes.maxSteps }),
    end: fc.oneof(
      { arbitrary: fc.constant(null), weight: 10 - sizes.endWeight },
      {
        arbitrary: fc.record({
          viaUserStatus: fc.boolean(),
          gap: gapArb,
          lag: lagArb,
          fmt: fmtArb,
          fate: fc.constantFrom<EndPlan['fate']>('kept', 'kept', 'kept', 'kept', 'lost', 'afterNext'),
          afterNextMs: fc.integer({ min: 0, max: 20_000 }),
        }),
        weight: sizes.endWeight,
      },
    ),
    afterEnd: sizes.withAfterEnd
      ? fc.option(fc.record({ gap: fc.integer({ min: 0, max: 5000 }), lag: lagArb, fmt: fmtArb }), { freq: 5 })
      : fc.constant(null),
    rename: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  });
}

export function historyPlanArb(sizes: Partial<HistorySizes> = {}): fc.Arbitrary<HistoryPlan> {
  const s: HistorySizes = { ...DEFAULT_SIZES, ...sizes };
  const junkKinds: JunkKind[] = [
    'null',
    'number',
    'string',
    'missing-sessionId',
    'missing-userId',
    'missing-changeTimestamp',
    'bad-timestamp',
    'unknown-status',
    'unknown-userStatus',
    'missing-statusTimestamp',
    'no-status-change',
    'zero-date',
    'event-after-change',
  ];
  return fc.record({
    anchor: fc.constantFrom(...ANCHORS),
    agents: fc.array(
      fc.record({
        startOffset: fc.integer({ min: -s.maxStartOffset, max: s.maxStartOffset }),
        sessions: fc.array(sessionArb(s), { minLength: 1, maxLength: s.maxSessions }),
      }),
      { minLength: 1, maxLength: s.maxAgents },
    ),
    junk: s.withJunk
      ? fc.array(fc.record({ kind: fc.constantFrom(...junkKinds), position: fc.nat() }), { maxLength: 3 })
      : fc.constant([]),
    listing: listingArb,
  });
}

// ---------------------------------------------------------------------------------------------
// building records from a plan
// ---------------------------------------------------------------------------------------------

const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');

function fields(ms: number): { date: string; time: string; millis: number } {
  const d = new Date(ms);
  return {
    date: `${String(d.getUTCFullYear()).padStart(4, '0')}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`,
    time: `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    millis: d.getUTCMilliseconds(),
  };
}

const OFFSETS = [120, 180, -300, -240, 330, 60, -210, 0, 345, -600];

/** Formats an instant in one of the accepted timestamp formats. */
export function formatTimestamp(ms: number, random: () => number): string {
  const choice = Math.floor(random() * 7);
  if (choice <= 1) {
    const { date, time, millis } = fields(ms);
    if (choice === 0) return `${date} ${time}.${p3(millis)}`; // the seed's format
    // 1..3 fraction digits, or none when the ms are 0
    let fraction = p3(millis).replace(/0+$/, '');
    if (fraction === '' && random() < 0.5) return `${date} ${time}`;
    if (fraction === '') fraction = '0';
    return `${date} ${time}.${fraction}`;
  }
  if (choice === 2) return new Date(ms).toISOString();
  if (choice === 3) return new Date(ms).toISOString().replace('Z', `${Math.floor(random() * 1000)}`.padStart(3, '0') + 'Z'); // 6 digits
  if (choice === 4 && ms % 1000 === 0) return new Date(ms).toISOString().replace('.000Z', 'Z');
  const offset = OFFSETS[Math.floor(random() * OFFSETS.length)] ?? 0;
  const { date, time, millis } = fields(ms + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const colon = choice === 5 ? '' : ':';
  return `${date}T${time}.${p3(millis)}${sign}${p2(Math.floor(abs / 60))}${colon}${p2(abs % 60)}`;
}

function hexId(prefix: string, n: number): string {
  return (prefix + n.toString(16).toUpperCase()).padEnd(32, '0').slice(0, 32);
}

export interface BuiltEvent {
  sessionId: string;
  kind: 'userStatus' | 'handling';
  eventTime: number;
  changeTimestamp: number;
  value: string;
}

export interface BuiltRecord {
  record: Record<string, unknown> | unknown;
  /** for valid records: changeTimestamp ms; junk records: undefined */
  changeTimestamp: number | undefined;
  events: BuiltEvent[];
  junk: JunkKind | undefined;
  afterEnd: boolean;
}

export interface BuiltHistory {
  /** how fast-check prints a counterexample: the raw records */
  [fc.toStringMethod]: () => string;
  /** records in changeTimestamp order (as the API lists them), junk interleaved */
  records: unknown[];
  built: BuiltRecord[];
  sessions: { sessionId: string; userId: string; recordIndexes: number[] }[];
  maxEventTime: number;
}

function applyGap(t: number, gap: GapPlan): number {
  switch (gap.k) {
    case 'same':
      return t;
    case 'ms':
      return t + gap.ms;
    case 'boundary': {
      const b = Math.floor(t / QH) * QH + QH;
      if (b - t > 300_000) return t + ((b - t) % 45_000) + 1; // too far: a medium gap instead
      return Math.max(t, b + gap.delta);
    }
  }
}

interface PendingRecord {
  sessionId: string;
  userId: string;
  userName: string;
  user?: { value: string; time: number; profile?: (typeof PROFILES)[number] };
  status?: { value: string; time: number; campaign?: string };
  ct: number;
  fmt: number;
  afterEnd: boolean;
}

export function buildHistory(plan: HistoryPlan): BuiltHistory {
  const pending: PendingRecord[] = [];
  const sessions: { sessionId: string; userId: string; pendings: PendingRecord[] }[] = [];
  plan.agents.forEach((agent, agentIndex) => {
    /** The previous session, when its LoggedOut row comes only after this session's sign-on (fate afterNext). */
    let endsAfterNext: { end: PendingRecord; own: PendingRecord[]; delay: number; fmt: number } | null = null;
    const userId = hexId('A6E47', agentIndex + 1);
    const baseName = `Agent ${agentIndex + 1}, Test`;
    let cursor = plan.anchor + agent.startOffset;
    let nameIndex = 0;
    agent.sessions.forEach((session, sessionIndex) => {
      const isLastSession = sessionIndex === agent.sessions.length - 1;
      if (session.rename && sessionIndex > 0) nameIndex += 1;
      const userName = nameIndex === 0 ? baseName : `${baseName} (${nameIndex})`;
      const sessionId = hexId(`5E55${agentIndex + 1}${sessionIndex + 1}`, 0xabc);
      const own: PendingRecord[] = [];
      const usedKeys = new Set<string>();
      const add = (rec: Omit<PendingRecord, 'sessionId' | 'userId' | 'userName' | 'afterEnd'>, afterEnd = false): PendingRecord => {
        const r: PendingRecord = { sessionId, userId, userName, afterEnd, ...rec };
        // no two events of a session are the same change (kind, eventTime, changeTimestamp, value): bump ct
        // (duplicates only by copying); other exact ties stay, and the listing order decides them
        const keys = (): string[] => [
          ...(r.user ? [`u|${r.user.time}|${r.ct}|${r.user.value}`] : []),
          ...(r.status ? [`h|${r.status.time}|${r.ct}|${r.status.value}`] : []),
        ];
        while (keys().some((k) => usedKeys.has(k))) r.ct += 1;
        for (const k of keys()) usedKeys.add(k);
        own.push(r);
        return r;
      };
      let t = cursor + session.gapBefore - 1;
      let currentUser: { value: string; time: number } | undefined;
      const login = session.login;
      const profile = PROFILES[0];
      if (login.obJoinFirst) {
        add({ status: { value: 'OBJoin', time: t, campaign: 'DBE3BEFA75B448F89D52DE51236C03DC' }, ct: t + (login.lag % 1000), fmt: login.fmt ^ 0x33 });
        t = applyGap(t, login.gap);
      }
      if (login.kind === 'statusOnly') {
        add({ status: { value: login.status, time: t }, ct: t + login.lag, fmt: login.fmt });
      } else if (login.kind === 'userOnly') {
        add({ user: { value: login.user, time: t, profile }, ct: t + login.lag, fmt: login.fmt });
        currentUser = { value: login.user, time: t };
      } else if (login.kind === 'combined') {
        add({ user: { value: login.user, time: t, profile }, status: { value: login.status, time: t }, ct: t + login.lag, fmt: login.fmt });
        currentUser = { value: login.user, time: t };
      } else if (login.kind === 'userFirst') {
        add({ user: { value: login.user, time: t, profile }, ct: t + login.lag, fmt: login.fmt });
        currentUser = { value: login.user, time: t };
        t = applyGap(t, login.gap);
        add({ status: { value: login.status, time: t }, ct: t + ((login.lag * 7) % 30_001), fmt: login.fmt ^ 0x55 });
      } else {
        add({ status: { value: login.status, time: t }, ct: t + login.lag, fmt: login.fmt });
        t = applyGap(t, login.gap);
        add({ user: { value: login.user, time: t, profile }, ct: t + ((login.lag * 7) % 30_001), fmt: login.fmt ^ 0x55 });
        currentUser = { value: login.user, time: t };
      }
      for (const step of session.steps) {
        const previous = own[own.length - 1];
        // an exact tie repeats the previous record's instant (its event time of the step's kind, or its only one)
        const tiedTime = previous === undefined ? undefined : step.action.t === 'user' ? (previous.user ?? previous.status)?.time : (previous.status ?? previous.user)?.time;
        const tie = step.tie && previous !== undefined && tiedTime !== undefined && tiedTime >= t && !previous.afterEnd;
        t = tie ? (tiedTime as number) : applyGap(t, step.gap);
        const lagOf = (lag: number): number => (tie ? (previous as PendingRecord).ct - t : lag);
        const action = step.action;
        if (action.t === 'user') {
          add({ user: { value: action.value, time: t, profile: PROFILES[action.profile] }, ct: t + lagOf(step.lag), fmt: step.fmt });
          currentUser = { value: action.value, time: t };
        } else {
          const statuses = action.t === 'handling' ? [action.value] : (FLOWS[action.flow] ?? []);
          statuses.forEach((value, i) => {
            if (i > 0 && action.t === 'flow') t = applyGap(t, action.gaps[i - 1] ?? { k: 'ms', ms: 1000 });
            const campaign = value === 'OBJoin' || value === 'OBUnJoin' ? 'DBE3BEFA75B448F89D52DE51236C03DC' : undefined;
            const lag = i === 0 ? lagOf(step.lag) : (step.lag + i * 997) % 30_001;
            const restate = step.restateUser && i === 0 && currentUser !== undefined;
            add({
              status: { value, time: t, ...(campaign ? { campaign } : {}) },
              ...(restate && currentUser ? { user: { value: currentUser.value, time: currentUser.time } } : {}),
              ct: t + lag,
              fmt: step.fmt + i,
            });
          });
        }
      }
      const maxCt = Math.max(...own.map((r) => r.ct));
      const previous = endsAfterNext;
      endsAfterNext = null;
      if (previous !== null) {
        const signOn = Math.min(...own.flatMap((r) => [r.user?.time ?? Number.POSITIVE_INFINITY, r.status?.time ?? Number.POSITIVE_INFINITY]));
        const wrapAt = signOn + Math.floor(previous.delay / 2);
        const endAt = signOn + previous.delay + 1;
        const before = Math.max(...previous.own.map((r) => r.ct));
        const { end } = previous;
        previous.own.push({ sessionId: end.sessionId, userId, userName: end.userName, status: { value: 'Wrap', time: wrapAt }, ct: Math.max(before + 1, wrapAt + 1), fmt: previous.fmt ^ 0x77, afterEnd: false });
        if (end.user !== undefined) end.user.time = endAt;
        if (end.status !== undefined) end.status.time = endAt;
        end.ct = Math.max(before + 2, endAt + 1);
        pending.push(...previous.own);
      }
      const fate = isLastSession ? 'kept' : (session.end?.fate ?? 'kept');
      if (session.end !== null && fate === 'lost') {
        t = applyGap(t, session.end.gap);
      } else if (session.end !== null && fate === 'afterNext') {
        const end = session.end;
        t = applyGap(t, end.gap);
        const ct = Math.max(maxCt + 1, t + end.lag);
        const endRecord = end.viaUserStatus ? add({ user: { value: 'LoggedOut', time: t }, ct, fmt: end.fmt }) : add({ status: { value: 'LoggedOut', time: t }, ct, fmt: end.fmt });
        endsAfterNext = { end: endRecord, own, delay: end.afterNextMs, fmt: end.fmt };
      } else if (session.end !== null) {
        const end = session.end;
        t = applyGap(t, end.gap);
        const ct = Math.max(maxCt + 1, t + end.lag);
        const endRecord = end.viaUserStatus
          ? add({ user: { value: 'LoggedOut', time: t }, ct, fmt: end.fmt })
          : add({ status: { value: 'LoggedOut', time: t }, ct, fmt: end.fmt });
        if (session.afterEnd !== null && isLastSession) {
          const after = session.afterEnd;
          add({ status: { value: 'Waiting', time: t + after.gap }, ct: endRecord.ct + 1 + after.lag, fmt: after.fmt }, true);
        }
      }
      cursor = Math.max(t, ...own.map((r) => r.ct)) + 1;
      if (endsAfterNext === null) pending.push(...own);
      sessions.push({ sessionId, userId, pendings: own });
    });
  });

  // after-end records must never be the input's latest eventTime (keeps the default watermark unambiguous)
  const eventTimes = (r: PendingRecord): number[] => [...(r.user ? [r.user.time] : []), ...(r.status ? [r.status.time] : [])];
  const maxEventTime = Math.max(...pending.filter((r) => !r.afterEnd).flatMap(eventTimes));
  const kept = pending.filter((r) => !r.afterEnd || Math.max(...eventTimes(r)) < maxEventTime);

  // API order: by changeTimestamp (stable)
  const ordered = kept
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.ct - b.r.ct || a.i - b.i)
    .map(({ r }) => r);

  // the vendor's listing, cut into polls: rows numbered from 0 in each poll
  const cuts = new Set((plan.listing?.cuts ?? []).map((c) => c % Math.max(1, ordered.length)));
  let poll = plan.listing?.firstPoll ?? 0;
  let row = 0;
  const built: BuiltRecord[] = ordered.map((r, index) => {
    if (index > 0 && cuts.has(index)) {
      poll += 1 + (index % 3);
      row = 0;
    }
    const random = rng(r.fmt);
    const record: Record<string, unknown> = { sessionId: r.sessionId };
    if (plan.listing !== null) {
      record['vendorPoll'] = poll;
      record['vendorRow'] = row++;
    }
    record[random() < 0.5 ? 'userId' : 'UserId'] = r.userId;
    record['userName'] = r.userName;
    const events: BuiltEvent[] = [];
    if (r.user) {
      if (r.user.profile) Object.assign(record, r.user.profile);
      record['userStatus'] = r.user.value;
      record[random() < 0.5 ? 'userStatusTimestamp' : 'userStatusTimeStamp'] = formatTimestamp(r.user.time, random);
      events.push({ sessionId: r.sessionId, kind: 'userStatus', eventTime: r.user.time, changeTimestamp: r.ct, value: r.user.value });
    }
    if (r.status) {
      record['status'] = r.status.value;
      record[random() < 0.5 ? 'statusTimestamp' : 'statusTimeStamp'] = formatTimestamp(r.status.time, random);
      if (r.status.campaign) record['OutboundServing'] = r.status.campaign;
      if (r.status.value === 'LoggedOut') record['profileReason'] = '-';
      events.push({ sessionId: r.sessionId, kind: 'handling', eventTime: r.status.time, changeTimestamp: r.ct, value: r.status.value });
    }
    record[random() < 0.5 ? 'changeTimestamp' : 'changeTimeStamp'] = formatTimestamp(r.ct, random);
    return { record, changeTimestamp: r.ct, events, junk: undefined, afterEnd: r.afterEnd };
  });

  for (const junk of plan.junk) {
    const t = maxEventTime - 1000;
    const record = junkRecord(junk.kind, t);
    built.splice(junk.position % (built.length + 1), 0, { record, changeTimestamp: undefined, events: [], junk: junk.kind, afterEnd: false });
  }

  const recordIndexes = new Map<string, number[]>();
  built.forEach((b, i) => {
    const sessionId = b.events[0]?.sessionId;
    if (sessionId === undefined) return;
    const list = recordIndexes.get(sessionId) ?? [];
    list.push(i);
    recordIndexes.set(sessionId, list);
  });
  const records = built.map((b) => b.record);
  return {
    // fast-check prints counterexamples with this: just the raw records, one per line
    [fc.toStringMethod]: () => `records:\n${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
    records,
    built,
    sessions: sessions.map((s) => ({ sessionId: s.sessionId, userId: s.userId, recordIndexes: recordIndexes.get(s.sessionId) ?? [] })),
    maxEventTime,
  };
}

function junkRecord(kind: JunkKind, t: number): unknown {
  const ts = new Date(t).toISOString();
  const base = { sessionId: 'JJJJ0000000000000000000000000000', userId: 'JUNK0000000000000000000000000000', userName: 'Junk' };
  switch (kind) {
    case 'null':
      return null;
    case 'number':
      return 42;
    case 'string':
      return 'not a record';
    case 'missing-sessionId':
      return { userId: base.userId, status: 'Waiting', statusTimestamp: ts, changeTimestamp: ts };
    case 'missing-userId':
      return { sessionId: base.sessionId, status: 'Waiting', statusTimestamp: ts, changeTimestamp: ts };
    case 'missing-changeTimestamp':
      return { ...base, status: 'Waiting', statusTimestamp: ts };
    case 'bad-timestamp':
      return { ...base, status: 'Waiting', statusTimestamp: '2019-02-30 10:00:00.000', changeTimestamp: ts };
    case 'unknown-status':
      return { ...base, status: 'Sleeping', statusTimestamp: ts, changeTimestamp: ts };
    case 'unknown-userStatus':
      return { ...base, userStatus: 'Busy', userStatusTimestamp: ts, changeTimestamp: ts };
    case 'missing-statusTimestamp':
      return { ...base, status: 'Waiting', changeTimestamp: ts };
    case 'no-status-change':
      return { ...base, changeTimestamp: ts };
    case 'zero-date':
      return { ...base, userStatus: 'Ready', userStatusTimestamp: '1970-01-01 00:00:00.000', status: 'Waiting', statusTimestamp: ts, changeTimestamp: ts };
    case 'event-after-change':
      return { ...base, status: 'Waiting', statusTimestamp: new Date(t + 2 * 86_400_000).toISOString(), changeTimestamp: ts };
  }
}

export function historyArb(sizes: Partial<HistorySizes> = {}): fc.Arbitrary<BuiltHistory> {
  return historyPlanArb(sizes).map(buildHistory);
}

/** Total session-milliseconds the oracle will step (for tuning sizes). */
export function oracleSteps(history: BuiltHistory, until?: number): number {
  const horizon = until ?? history.maxEventTime;
  let total = 0;
  for (const s of history.sessions) {
    const events = s.recordIndexes.flatMap((i) => history.built[i]?.events ?? []);
    const first = Math.min(...events.map((e) => e.eventTime));
    const end = events.find((e) => e.value === 'LoggedOut')?.eventTime ?? Infinity;
    total += Math.max(0, Math.min(horizon, end) - first);
  }
  return total;
}

import { mulberry32 } from '../../../src/core/random/prng.ts';

/**
 * A deterministic generator of raw agentStatusHistory records (normalised keys, as the pollers publish them) for
 * processor tests: `agents` agents, each with a few sessions of realistic handling flows between `start` and
 * `start + spanMs`, records emitted with changeTimestamp = eventTime + a lag of up to 30 s.
 */
export interface RawHistoryOptions {
  readonly seed: number;
  readonly agents: number;
  readonly start: number;
  readonly spanMs: number;
  readonly sessionsPerAgent?: number;
}

export type RawRecord = Record<string, string>;

const FLOWS: readonly (readonly string[])[] = [
  ['Talking_Inbound', 'Wrap', 'Waiting'],
  ['Dialing_Outbound', 'Talking_Outbound', 'Wrap', 'Waiting'],
  ['OBJoin', 'Preview', 'Dialing_Outbound_Campaign', 'Talking_Outbound_Campaign', 'Wrap', 'Waiting', 'OBUnJoin'],
  ['Chatting_Inbound', 'Wrap', 'Waiting'],
  ['Emailing_Inbound', 'Wrap', 'Waiting'],
  ['Emailing_Outbound', 'Waiting'],
  ['Dialing_Outbound_CBR', 'Waiting'],
];
const USER_STATUSES = ['NotReady', 'Pause', 'Ready'] as const;

/** `2019-12-03 07:19:59.127`, the API's own format. */
export function sinchTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function generateRawHistory(options: RawHistoryOptions): RawRecord[] {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const records: RawRecord[] = [];
  const sessions = options.sessionsPerAgent ?? 2;
  for (let agent = 0; agent < options.agents; agent++) {
    const userId = `U${String(agent).padStart(4, '0')}-${options.seed}`;
    const userName = `Agent ${agent}`;
    const slot = options.spanMs / sessions;
    for (let s = 0; s < sessions; s++) {
      const sessionId = `S-${userId}-${s}`;
      let time = options.start + s * slot + Math.floor(random() * slot * 0.2);
      const end = options.start + (s + 1) * slot - Math.floor(random() * slot * 0.2);
      const emit = (fields: Record<string, string>): void => {
        const changeTimestamp = sinchTimestamp(time + Math.floor(random() * 30_000));
        records.push({ sessionId, userId, userName, ...fields, changeTimestamp });
      };
      emit({ userStatus: 'Ready', userStatusTimestamp: sinchTimestamp(time), status: 'Waiting', statusTimestamp: sinchTimestamp(time), signOn: sinchTimestamp(time) });
      while (time < end) {
        time += 5_000 + Math.floor(random() * 240_000);
        if (random() < 0.15) {
          emit({ userStatus: pick(USER_STATUSES), userStatusTimestamp: sinchTimestamp(time), profile: pick(['Default', 'Office', 'Break']) });
          continue;
        }
        for (const status of pick(FLOWS)) {
          time += 1 + Math.floor(random() * 90_000);
          emit({ status, statusTimestamp: sinchTimestamp(time), ...(status.startsWith('OB') ? { OutboundServing: 'campaign-1' } : {}) });
        }
      }
      time = Math.max(time, end) + 1_000;
      emit({ userStatus: 'LoggedOut', userStatusTimestamp: sinchTimestamp(time), status: 'LoggedOut', statusTimestamp: sinchTimestamp(time) });
    }
  }
  return records.sort((a, b) => (a['changeTimestamp']! < b['changeTimestamp']! ? -1 : a['changeTimestamp']! > b['changeTimestamp']! ? 1 : 0));
}

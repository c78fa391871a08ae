import { HANDLING_STATUSES } from '../../../src/core/events/status.ts';
export { mulberry32 as prng } from '../../../src/core/random/prng.ts';

function sinchTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export interface GeneratedHistory {
  records: Record<string, unknown>[];
  maxEventTime: number;
}

const USER_VALUES = ['Ready', 'NotReady', 'Pause'] as const;
const HANDLING_VALUES = [...HANDLING_STATUSES, 'OBJoin', 'OBUnJoin'] as const;

/** Random well-formed Sinch histories: a few users, sessions crossing quarter-hours, ties, reordered changeTimes. */
export function generateHistory(random: () => number, options: { users?: number; base?: number } = {}): GeneratedHistory {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const records: Record<string, unknown>[] = [];
  const base = options.base ?? Date.UTC(2024, 2, 31, 0, 50);
  let maxEventTime = base;
  const userCount = options.users ?? 1 + Math.floor(random() * 3);
  for (let u = 0; u < userCount; u++) {
    const userId = `U${u}`.padEnd(32, '0');
    let t = base + Math.floor(random() * 600_000);
    const sessions = 1 + Math.floor(random() * 2);
    for (let s = 0; s < sessions; s++) {
      const sessionId = `S${u}x${s}`.padEnd(32, '0');
      const steps = 2 + Math.floor(random() * 12);
      for (let i = 0; i < steps; i++) {
        const gapKind = random();
        t += gapKind < 0.15 ? 0 : gapKind < 0.3 ? Math.floor(random() * 5) : Math.floor(random() * 400_000);
        const changeTime = t + Math.floor(random() * 3_000);
        const record: Record<string, unknown> = { sessionId, userId, userName: `User ${u}`, changeTimeStamp: sinchTime(changeTime) };
        const what = i === 0 ? 0.1 : random();
        if (what < 0.35) {
          record['userStatus'] = pick(USER_VALUES);
          record['userStatusTimeStamp'] = sinchTime(t);
          if (random() < 0.5) record['profile'] = pick(['Default', 'Office', 'Lunch']);
        }
        if (what >= 0.2 || i === 0) {
          const status = pick(HANDLING_VALUES);
          record['status'] = status;
          record['statusTimestamp'] = sinchTime(t - (random() < 0.1 ? Math.floor(random() * 2_000) : 0));
          if (status === 'OBJoin' || status === 'OBUnJoin') record['OutboundServing'] = 'C'.padEnd(32, '1');
        }
        records.push(record);
        maxEventTime = Math.max(maxEventTime, t);
      }
      if (random() < 0.8) {
        t += Math.floor(random() * 200_000);
        records.push({ sessionId, userId, userName: `User ${u}`, status: 'LoggedOut', statusTimestamp: sinchTime(t), changeTimeStamp: sinchTime(t + 500) });
        maxEventTime = Math.max(maxEventTime, t);
      }
      t += Math.floor(random() * 1_000_000);
    }
  }
  return { records, maxEventTime };
}

/** Event time of a generated record (its earliest timestamp). */
export function recordTime(record: Record<string, unknown>): number {
  const times = [record['statusTimestamp'], record['userStatusTimeStamp']]
    .filter((v): v is string => typeof v === 'string')
    .map((v) => Date.parse(`${v.replace(' ', 'T')}Z`));
  return Math.min(...times);
}

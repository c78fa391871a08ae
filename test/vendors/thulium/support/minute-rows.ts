import { DateTime } from 'luxon';

const MIN = 60_000;

const hms = (seconds: number) => `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;

/** A deterministic small figure of (login, minute). */
export function figure(login: string, minute: number, salt: number): number {
  let h = salt;
  for (const c of `${login}|${minute}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 7;
}

/** One minute row shaped like the contract's (seed) row, with figures derived from (login, minute). */
export function minuteRow(login: string, minute: number, zone: string): Record<string, unknown> {
  const answered = figure(login, minute, 1) % 2;
  const talk = answered * (10 + figure(login, minute, 2));
  const paused = figure(login, minute, 3) === 0 ? 60 - talk : 0;
  return {
    agent: { login, name: `Name ${login}`, surname: null },
    period: DateTime.fromMillis(minute, { zone }).toFormat('yyyy-MM-dd HH:mm'),
    inbound: { count: answered, answered_count: answered, not_answered_count: 0, transferred_count: 0, sum: hms(talk), average: hms(talk), wait_sum: answered * 3, wait_average: hms(answered * 3), calls_per_hour: answered * 60 },
    chat: { closed: 0, responded: 0 },
    ticket: { closed: 0, responded: 0, total_responded: 0 },
    outbound_above_threshold: { count: 0, sum: '00:00:00', average: '00:00:00' },
    outbound_below_threshold: { count: 0, sum: '00:00:00', average: '00:00:00' },
    login_date: figure(login, minute, 4) === 0 ? DateTime.fromMillis(minute + 5_000, { zone }).toFormat('yyyy-MM-dd HH:mm:ss') : null,
    logout_date: null,
    pauses: [
      { id: 'all', count: paused > 0 ? 1 : 0, sum: hms(paused), average: hms(paused) },
      { id: 'free', count: 0, sum: hms(60 - talk - paused), average: '00:00:00' },
      { id: 0, count: 0, sum: '00:00:00' },
      { id: 1, count: paused > 0 ? 1 : 0, sum: hms(paused), average: hms(paused) },
    ],
  };
}

/** Every agent's minute rows of [from, to), ordered by login then minute (the vendor's order). */
export function minuteRows(logins: readonly string[], from: number, to: number, zone: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const login of [...logins].sort()) for (let t = from; t < to; t += MIN) out.push(minuteRow(login, t, zone));
  return out;
}

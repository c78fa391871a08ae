import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../../../src/cli/simulate-command.ts';
import { startThuliumSimulator } from '../../../../src/vendors/thulium/simulator/index.ts';
import { allRows, CREDENTIALS, FALL_FROM, FALL_TO } from './support.ts';
import type { Row } from './support.ts';

const ZONE = 'Europe/Warsaw';

interface StatusLine { type: 'status'; agentId: string; start: string; end: string | null; status: string; pauseId: number | null }
interface EventLine { type: 'event'; agentId: string; kind: string; at: string; talkSeconds?: number; pauseId?: number; seconds?: number }
type Line = StatusLine | EventLine;

const ms = (iso: string | null, open: number): number => (iso === null ? open : Date.parse(iso));
const overlap = (s: number, e: number, a: number, b: number): number => Math.max(0, Math.min(e, b) - Math.max(s, a)) / 1_000;
const hms = (total: number): string => `${String(Math.floor(total / 3600)).padStart(2, '0')}:${String(Math.floor(total / 60) % 60).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
const avg = (sum: number, count: number): string => hms(count === 0 ? 0 : Math.round(sum / count));

/** The report figures of one agent over [a, b), computed from the vendor-level export alone. */
function expected(lines: readonly Line[], agent: string, a: number, b: number, now: number, threshold: number): Record<string, unknown> {
  const status = lines.filter((l): l is StatusLine => l.type === 'status' && l.agentId === agent);
  const events = lines.filter((l): l is EventLine => l.type === 'event' && l.agentId === agent && Date.parse(l.at) >= a && Date.parse(l.at) < b);
  const time = (pick: (l: StatusLine) => boolean): number => status.filter(pick).reduce((s, l) => s + overlap(Date.parse(l.start), ms(l.end, now), a, b), 0);
  const count = (kind: string): number => events.filter((e) => e.kind === kind).length;
  const calls = lines.filter((l): l is EventLine => l.type === 'event' && l.agentId === agent && l.kind === 'outboundCall');
  const outbound = (above: boolean): Record<string, unknown> => {
    const mine = calls.filter((c) => ((c.talkSeconds ?? 0) > threshold) === above);
    const sum = mine.reduce((s, c) => s + overlap(Date.parse(c.at), Math.min(Date.parse(c.at) + (c.talkSeconds ?? 0) * 1000, now), a, b), 0);
    const n = mine.filter((c) => Date.parse(c.at) >= a && Date.parse(c.at) < b).length;
    return { count: n, sum: hms(sum), average: avg(sum, n) };
  };
  const answered = count('inboundAnswered');
  const inboundSum = time((l) => l.status === 'INBOUND_CALL');
  const wait = events.filter((e) => e.kind === 'callerWait').reduce((s, e) => s + (e.seconds ?? 0), 0);
  const logged = time((l) => l.status !== 'OFF');
  const local = (e: EventLine | undefined): string | null => (e === undefined ? null : DateTime.fromISO(e.at, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm:ss'));
  const pauseIds = [0, 1, 2, 3, 4];
  const pauseSum = (id: number | null): number => time((l) => l.status === 'PAUSED' && (id === null || l.pauseId === id));
  const pauseCount = (id: number | null): number => events.filter((e) => e.kind === 'pauseStarted' && (id === null || e.pauseId === id)).length;
  const freeCount = status.filter((l) => l.status === 'FREE' && Date.parse(l.start) >= a && Date.parse(l.start) < b).length;
  return {
    inbound: {
      count: answered + count('inboundNotAnswered'), answered_count: answered, not_answered_count: count('inboundNotAnswered'), transferred_count: count('inboundTransferred'),
      sum: hms(inboundSum), average: avg(inboundSum, answered), wait_sum: wait, wait_average: avg(wait, answered),
      calls_per_hour: logged === 0 ? 0 : Math.round((answered * 3600 * 100) / logged) / 100,
    },
    chat: { closed: count('chatClosed'), responded: count('chatResponded') },
    ticket: { closed: count('ticketClosed'), responded: count('ticketResponded'), total_responded: count('ticketResponse') },
    outbound_above_threshold: outbound(true),
    outbound_below_threshold: outbound(false),
    login_date: local(events.find((e) => e.kind === 'login')),
    logout_date: local(events.filter((e) => e.kind === 'logout').at(-1)),
    pauses: [
      { id: 'all', count: pauseCount(null), sum: hms(pauseSum(null)), average: avg(pauseSum(null), pauseCount(null)) },
      { id: 'free', count: freeCount, sum: hms(time((l) => l.status === 'FREE')), average: avg(time((l) => l.status === 'FREE'), freeCount) },
      ...pauseIds.map((id) => ({ id, count: pauseCount(id), sum: hms(pauseSum(id)), ...([1, 2].includes(id) ? { average: avg(pauseSum(id), pauseCount(id)) } : {}) })),
    ],
  };
}

describe('Thulium simulator: --export-truth writes the model, and the served report equals figures recomputed from it', () => {
  for (const [seed, aggregate, threshold] of [[11, 'hour', 0], [12, 'day', 30], [13, 'hour', 90]] as const) {
    it(`seed ${seed}, aggregate_by=${aggregate}, outbound_threshold=${threshold}`, async () => {
      const file = join(await mkdtemp(join(tmpdir(), 'thulium-truth-')), 'truth.ndjson');
      const range = ['--from', new Date(FALL_FROM).toISOString(), '--to', new Date(FALL_TO).toISOString()];
      const out: string[] = [];
      const code = await simulateCommand(['--vendor', 'thulium', '--seed', String(seed), '--agents', '4', ...range, '--export-truth', file], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => out.push(t) } });
      expect(code, out.join('')).toBe(0);
      const lines = (await readFile(`${file}.thulium.ndjson`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Line);
      const truth = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { agentId: string; presence: string; handling: string });
      expect(new Set(truth.map((t) => `${t.presence}/${t.handling}`))).toEqual(new Set(['Ready/Waiting', 'Ready/Chatting_Inbound', 'Ready/Emailing_Inbound', 'Pause/Waiting', 'Ready/Talking_Inbound', 'Ready/Preview', 'Ready/Dialing_Outbound', 'Ready/Talking_Outbound']));
      const sim = await startThuliumSimulator({ seed, agents: 4, from: FALL_FROM, to: FALL_TO, clock: { mode: 'historical' }, credentials: CREDENTIALS });
      try {
        const logins = [...new Set(lines.map((l) => l.agentId))].sort();
        expect(logins).toHaveLength(4);
        const rows = await allRows(sim, { agent_logins: logins, date_from: '2026-10-25', date_to: '2026-10-26', aggregate_by: aggregate, outbound_threshold: threshold });
        const step = aggregate === 'hour' ? 3_600_000 : 0;
        const starts: number[] = [];
        if (step > 0) for (let t = Date.parse('2026-10-24T22:00:00Z'); t < Date.parse('2026-10-26T23:00:00Z'); t += step) starts.push(t);
        const bounds = step > 0 ? starts.map((s) => [s, s + step] as const) : [[Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-25T23:00:00Z')] as const, [Date.parse('2026-10-25T23:00:00Z'), Date.parse('2026-10-26T23:00:00Z')] as const];
        expect(rows).toHaveLength(logins.length * bounds.length);
        let active = 0;
        for (const [i, row] of rows.entries()) {
          const login = logins[Math.floor(i / bounds.length)] ?? '';
          const [a, b] = bounds[i % bounds.length] ?? [0, 0];
          const { agent: _agent, period: _period, ...figures } = row as Row & Record<string, unknown>;
          expect(figures, `${login} ${row.period}`).toEqual(expected(lines, login, a, b, FALL_TO, threshold));
          if (row.inbound.count > 0) active += 1;
        }
        expect(active).toBeGreaterThan(3);
      } finally {
        await sim.close();
      }
    });
  }
});

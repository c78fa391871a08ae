import type { TimeRange } from '../../ingest/time-range.ts';
import { formatLocal, resolveMinuteLabels } from './local-time.ts';
import type { ResolvedMinuteRow } from './quarter-hour-sum.ts';
import { byQuarterHour, QuarterHourSumError, sumQuarterHour } from './quarter-hour-sum.ts';
import { loginOf, parseWorkReportRow } from './work-report-row.ts';

/** The envelope fields of every record of one chunk. */
export interface ChunkEnvelope {
  readonly tenant: string;
  readonly source: string;
  readonly timeZone: string;
  readonly outboundThreshold: number;
  readonly polledAt: number;
  readonly pollId: string;
}

/** One raw record (schemas/thulium-agents-work-report.avsc) before encoding. */
export interface QuarterHourRecord {
  readonly login: string;
  readonly value: Record<string, unknown>;
}

/** Rows of one agent (or rows without an agent login) that cannot be published, and why. */
export interface ChunkRejection {
  readonly login: string | null;
  readonly reason: string;
  /** Short kebab-case cause: `bad-row`, `label-sequence`, `bad-figures`, `no-login`. */
  readonly errorCode: string;
  readonly rows: readonly unknown[];
}

export interface ChunkRecords {
  readonly records: QuarterHourRecord[];
  readonly rejections: ChunkRejection[];
  readonly agents: number;
}

/**
 * The raw records of one `aggregate_by=minute` answer for the chunk [start, end), rows in the vendor's order. Rows
 * are grouped by agent login (each agent's rows in time order); an agent's period labels are resolved to minutes by
 * position (resolveMinuteLabels: exactly one row per minute of the chunk), its rows grouped into UTC quarter-hours
 * and each quarter-hour summed once as a check (every duration `HH:MM:SS`, login/logout inside their minute). An
 * agent whose rows fail any check is rejected whole (its rows and the reason), never published in part; rows with
 * no agent login are rejected together. `vendorRow` is the 0-based position of a record's first minute row in the
 * answer, `vendorPoll` the chunk end.
 */
export function buildChunkRecords(chunk: TimeRange, rows: readonly unknown[], envelope: ChunkEnvelope): ChunkRecords {
  const byLogin = new Map<string, Array<{ row: unknown; position: number }>>();
  const noLogin: unknown[] = [];
  rows.forEach((row, position) => {
    const login = loginOf(row);
    if (login === undefined) {
      noLogin.push(row);
      return;
    }
    const list = byLogin.get(login) ?? [];
    list.push({ row, position });
    byLogin.set(login, list);
  });
  const records: QuarterHourRecord[] = [];
  const rejections: ChunkRejection[] = [];
  if (noLogin.length > 0) rejections.push({ login: null, reason: `${noLogin.length} row(s) without agent.login`, errorCode: 'no-login', rows: noLogin });
  const range = `[${formatLocal(chunk.start, envelope.timeZone)}, ${formatLocal(chunk.end, envelope.timeZone)}) ${envelope.timeZone}`;
  for (const [login, listed] of byLogin) {
    const reject = (errorCode: string, reason: string) => rejections.push({ login, errorCode, reason: `agent ${login}, chunk ${range}: ${reason}`, rows: listed.map((l) => l.row) });
    const parsed: Array<{ row: ResolvedMinuteRow['row']; position: number }> = [];
    let problem: string | undefined;
    for (const [index, { row, position }] of listed.entries()) {
      const result = parseWorkReportRow(row);
      if ('problem' in result) {
        problem = `row ${index}: ${result.problem}`;
        break;
      }
      parsed.push({ row: result.row, position });
    }
    if (problem !== undefined) {
      reject('bad-row', problem);
      continue;
    }
    const minutes = resolveMinuteLabels(parsed.map((p) => p.row.period), chunk.start, chunk.end, envelope.timeZone);
    if (!Array.isArray(minutes)) {
      reject('label-sequence', minutes.reason);
      continue;
    }
    const resolved = parsed.map((p, i) => ({ minuteStart: minutes[i] as number, row: p.row, position: p.position }));
    const built: QuarterHourRecord[] = [];
    try {
      for (const [start, quarter] of byQuarterHour(resolved)) {
        sumQuarterHour(start, quarter, envelope.timeZone);
        built.push({ login, value: recordValue(login, start, quarter, envelope, chunk) });
      }
    } catch (error) {
      if (!(error instanceof QuarterHourSumError)) throw error;
      reject('bad-figures', error.message);
      continue;
    }
    records.push(...built);
  }
  return { records, rejections, agents: byLogin.size };
}

function recordValue(login: string, start: number, quarter: ReadonlyArray<ResolvedMinuteRow & { position: number }>, envelope: ChunkEnvelope, chunk: TimeRange): Record<string, unknown> {
  return {
    tenant: envelope.tenant,
    source: envelope.source,
    agentLogin: login,
    windowStart: start,
    windowEnd: start + 900_000,
    timeZone: envelope.timeZone,
    outboundThreshold: envelope.outboundThreshold,
    chunkStart: chunk.start,
    chunkEnd: chunk.end,
    polledAt: envelope.polledAt,
    pollId: envelope.pollId,
    vendorPoll: chunk.end,
    vendorRow: Math.min(...quarter.map((q) => q.position)),
    minutes: quarter.map(({ minuteStart, row }) => ({
      minuteStart,
      agent: { login: row.agent.login, name: row.agent.name, surname: row.agent.surname },
      period: row.period,
      inbound: { ...row.inbound },
      chat: { ...row.chat },
      ticket: { ...row.ticket },
      outbound_above_threshold: { ...row.outbound_above_threshold },
      outbound_below_threshold: { ...row.outbound_below_threshold },
      login_date: row.login_date,
      logout_date: row.logout_date,
      pauses: row.pauses.map((p) => ({ id: p.id, count: p.count, sum: p.sum, average: p.average ?? null })),
    })),
  };
}

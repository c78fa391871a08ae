import type { AgentStatisticRow } from '../core/replay/replay.ts';
import { replay } from '../core/replay/replay.ts';
import { SEED_ORDER_METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { decodeRecords, readAll } from './record-input.ts';
import { parseReplayArgs } from './replay-args.ts';
import { sinchAgentStatusHistoryAdapter } from '../vendors/sinch/agent-status-history-adapter.ts';

export interface ReplayIo {
  stdin: AsyncIterable<Uint8Array | string>;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  readFile(path: string): Promise<string>;
}

const PREFIX = 'agent-timelines replay:';
const USAGE =
  'usage: agent-timelines replay FILE [--time-category quarterHour|hour|day|week|month|year|all] [--time-zone IANA] [--until ISO]';

/**
 * Serializes a row with the agentStatistic field order: labels, seed-order metrics (null where the source cannot
 * supply them), maxChangeTimestamp, then `source` and, when a roll-up left fields null, `partialFields`.
 */
export function serializeRow(row: AgentStatisticRow): string {
  const ordered: Record<string, string | number | null | readonly string[]> = {
    timeCategory: row.timeCategory,
    userId: row.userId,
    userName: row.userName,
    intervalStart: row.intervalStart,
    intervalEnd: row.intervalEnd,
  };
  for (const field of SEED_ORDER_METRIC_FIELDS) ordered[field] = row[field];
  ordered['maxChangeTimestamp'] = row.maxChangeTimestamp;
  ordered['source'] = row.source;
  if (row.partialFields !== undefined) ordered['partialFields'] = row.partialFields;
  return JSON.stringify(ordered);
}

/**
 * `agent-timelines replay FILE [...]` (argv excludes the command name). Prints one JSON array of
 * agentStatistic rows to stdout and a rejected-records summary to stderr. Exit codes: 0 done,
 * 2 usage error, unreadable input or invalid JSON.
 */
export async function replayCommand(argv: string[], io: ReplayIo): Promise<number> {
  const args = parseReplayArgs(argv);
  if ('error' in args) {
    io.stderr.write(`${PREFIX} ${args.error}\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = args.file === '-' ? await readAll(io.stdin) : await io.readFile(args.file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${PREFIX} cannot read ${args.file === '-' ? 'stdin' : args.file}: ${reason}\n`);
    return 2;
  }
  const decoded = decodeRecords(text);
  if ('error' in decoded) {
    io.stderr.write(`${PREFIX} ${args.file === '-' ? 'stdin' : args.file}: ${decoded.error}\n`);
    return 2;
  }
  let result;
  try {
    result = replay(decoded.records, sinchAgentStatusHistoryAdapter, { timeCategory: args.timeCategory, timeZone: args.timeZone, until: args.until });
  } catch (error) {
    io.stderr.write(`${PREFIX} ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const lines = result.rows.map(serializeRow);
  io.stdout.write(lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`);
  const reasons = Object.keys(result.rejected).sort();
  if (reasons.length > 0) {
    const total = reasons.reduce((sum, r) => sum + (result.rejected[r] ?? 0), 0);
    const detail = reasons.map((r) => `${r}=${result.rejected[r] ?? 0}`).join(', ');
    io.stderr.write(`${PREFIX} rejected ${total} of ${decoded.records.length} records: ${detail}\n`);
  }
  return 0;
}

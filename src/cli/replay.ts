import type { AgentStatisticRow } from '../core/replay/replay.ts';
import { sourceLabel } from '../core/replay/replay.ts';
import type { ReplayRefusal } from '../core/replay/streaming-replay.ts';
import type { PeriodAggregate } from '../core/rollup/rollup.ts';
import { METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import type { MetricField } from '../core/statistic/agent-statistic-fields.ts';
import { metricIndex } from '../core/statistic/metric-vector.ts';
import { FIELD_KNOWN, FIELD_UNKNOWN } from '../core/statistic/published-metrics.ts';
import { DEFAULT_MAX_DISORDER_MS, DEFAULT_SESSION_RETENTION_MS, StreamingReplay } from '../core/replay/streaming-replay.ts';
import { SEED_ORDER_METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { formatUtc } from '../core/time/timestamp.ts';
import { InputReadError, streamRecords } from './record-input.ts';
import { parseReplayArgs } from './replay-args.ts';
import type { TextSink } from './replay-output.ts';
import { JsonArrayWriter, UserOrderSorter } from './replay-output.ts';
import { sinchAgentStatusHistoryAdapter } from '../vendors/sinch/agent-status-history-adapter.ts';

export interface ReplayIo {
  stdin: AsyncIterable<Uint8Array | string>;
  stdout: TextSink;
  stderr: { write(s: string): unknown };
  readFile(path: string): Promise<string>;
  /** Streams a file (the CLI passes fs.createReadStream); without it the file is read whole with readFile. */
  openFile?(path: string): AsyncIterable<Uint8Array | string>;
  /** Directory for the sort's run files (default os.tmpdir()). */
  tempDir?: string;
  /** In-memory budget of the sort, in characters of serialized rows (replay-output.ts). */
  sortBufferChars?: number;
}

const PREFIX = 'agent-timelines replay:';
const USAGE =
  'usage: agent-timelines replay FILE [--time-category quarterHour|hour|day|week|month|year|all] [--time-zone IANA] [--until ISO] [--max-disorder DURATION] [--order user|time]';

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

/** Per seed-order field: its `,"name":` prefix and vector index. */
const SERIALIZED_FIELDS = SEED_ORDER_METRIC_FIELDS.map((field) => [`,${JSON.stringify(field)}:`, metricIndex(field)] as const);
const PARTIAL_BITS = FIELD_KNOWN | FIELD_UNKNOWN;

/** formatUtc, keeping the last answer: the rows come in start order, so their interval bounds repeat row after row. */
function lastFormatted(): (ms: number) => string {
  let last = Number.NaN;
  let text = '';
  return (ms) => (ms === last ? text : (text = formatUtc((last = ms))));
}
const formatStart = lastFormatted();
const formatEnd = lastFormatted();

/**
 * `serializeRow(statisticRow(period))` (replay.ts) written directly, without the two intermediate objects: the
 * replay writes millions of rows. A test keeps the two byte-identical.
 */
export function serializePeriod(p: PeriodAggregate): string {
  let text = `{"timeCategory":${JSON.stringify(p.label)},"userId":${JSON.stringify(p.userId)},"userName":${JSON.stringify(p.userName)},"intervalStart":"${formatStart(p.start)}","intervalEnd":"${formatEnd(p.end)}"`;
  const vector = p.vector;
  const coverage = p.coverage;
  for (const [prefix, index] of SERIALIZED_FIELDS) {
    const value = vector[index] as number;
    text += prefix + (coverage[index] === FIELD_KNOWN && Number.isFinite(value) ? String(value) : 'null');
  }
  text += `,"maxChangeTimestamp":"${formatUtc(p.maxChangeTime)}","source":${JSON.stringify(sourceLabel(p.sources))}`;
  let partial: MetricField[] | null = null;
  for (let i = 0; i < METRIC_FIELDS.length; i++) if (coverage[i] === PARTIAL_BITS) (partial ??= []).push(METRIC_FIELDS[i] as MetricField);
  if (partial !== null) text += `,"partialFields":${JSON.stringify(partial)}`;
  text += '}';
  // flattens the concatenation (ToNumber needs a flat string, and fails at the first character): a held row then
  // costs its characters, not a tree of 40 pieces
  Number(text);
  return text;
}

async function* whole(text: Promise<string>): AsyncGenerator<string> {
  yield await text;
}

function duration(ms: number): string {
  if (ms === Number.POSITIVE_INFINITY) return 'inf';
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Where a record is: its NDJSON line, or its position in a JSON array. */
class RecordPlaces {
  /** [record index, line − index] from where the offset holds (blank lines shift it). */
  private readonly shifts: [number, number][] = [];
  array = false;

  note(index: number, line: number, array: boolean): void {
    this.array = array;
    const last = this.shifts[this.shifts.length - 1];
    if (last === undefined || last[1] !== line - index) this.shifts.push([index, line - index]);
  }

  describe(index: number): string {
    if (this.array) return `record ${index + 1} of the array`;
    let offset = 1;
    for (const [from, shift] of this.shifts) if (from <= index) offset = shift;
    return `line ${index + offset}`;
  }
}

function refusalMessage(refusal: ReplayRefusal, where: string, maxDisorderMs: number): string {
  const at = `its event at ${formatUtc(refusal.eventTime)} (session ${refusal.sessionId})`;
  if (refusal.reason === 'out-of-order') {
    return (
      `${where}: out of event-time order: ${at} is before ${formatUtc(refusal.limit)}, up to which the replay had already counted ` +
      `(events may be at most --max-disorder ${duration(maxDisorderMs)} behind the latest event read). ` +
      'Sort the input by event time, or raise --max-disorder (inf accepts any order, holding the input in memory).'
    );
  }
  return (
    `${where}: ${at} belongs to a session that had ended and had no event for ${duration(DEFAULT_SESSION_RETENTION_MS)} of event time, ` +
    'which the streaming replay no longer holds, so it cannot tell what the record means; --max-disorder inf replays such input in memory.'
  );
}

/**
 * `agent-timelines replay FILE [...]` (argv excludes the command name). Streams the records (NDJSON line by line; a
 * JSON array is read whole) through the streaming replay and prints one JSON array of agentStatistic rows to stdout,
 * sorted by userId then intervalStart (`--order time`: by intervalStart then userId, written as they become final),
 * and a rejected-records summary to stderr. Exit codes: 0 done, 2 usage error, unreadable input, invalid JSON, or
 * input out of event-time order beyond `--max-disorder` (nothing is printed then, except with `--order time`).
 */
export async function replayCommand(argv: string[], io: ReplayIo): Promise<number> {
  const args = parseReplayArgs(argv);
  if ('error' in args) {
    io.stderr.write(`${PREFIX} ${args.error}\n${USAGE}\n`);
    return 2;
  }
  const name = args.file === '-' ? 'stdin' : args.file;
  const input = args.file === '-' ? io.stdin : io.openFile !== undefined ? io.openFile(args.file) : whole(io.readFile(args.file));
  const writer = new JsonArrayWriter(io.stdout);
  const sorter = args.order === 'user' ? new UserOrderSorter(io.sortBufferChars, io.tempDir) : null;
  const places = new RecordPlaces();
  let replay: StreamingReplay | null = null;
  let maxDisorderMs = DEFAULT_MAX_DISORDER_MS;
  let pending: PeriodAggregate[] = [];
  let refusal: ReplayRefusal | null = null;
  let failure: string | null = null;
  let index = 0;
  const start = (array: boolean): StreamingReplay | null => {
    maxDisorderMs = args.maxDisorderMs ?? (array ? Number.POSITIVE_INFINITY : DEFAULT_MAX_DISORDER_MS);
    const options = { timeCategory: args.timeCategory, timeZone: args.timeZone, maxDisorderMs, ...(args.until === undefined ? {} : { until: args.until }) };
    try {
      return new StreamingReplay(sinchAgentStatusHistoryAdapter, options, (rows) => {
        for (const row of rows) pending.push(row);
      });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      return null;
    }
  };
  const drain = async (): Promise<void> => {
    const rows = pending;
    pending = [];
    for (const row of rows) {
      const line = serializePeriod(row);
      const wrote = sorter === null ? writer.row(line) : sorter.add(row.userId, row.start, line);
      if (wrote !== undefined) await wrote;
    }
  };
  try {
    let outcome;
    try {
      outcome = await streamRecords(
        input,
        (record, line, array) => {
          replay ??= start(array);
          if (replay === null) return false;
          places.note(index++, line, array);
          refusal = replay.push(record);
          return refusal === null;
        },
        drain,
      );
    } catch (error) {
      if (!(error instanceof InputReadError)) throw error;
      io.stderr.write(`${PREFIX} cannot read ${name}: ${error.message}\n`);
      return 2;
    }
    if ('error' in outcome) {
      io.stderr.write(`${PREFIX} ${name}: ${outcome.error}\n`);
      return 2;
    }
    replay ??= start(false);
    if (failure !== null || replay === null) {
      io.stderr.write(`${PREFIX} ${failure ?? 'cannot start the replay'}\n`);
      return 2;
    }
    const result = refusal ?? replay.finish();
    if ('reason' in result) {
      io.stderr.write(`${PREFIX} ${name}: ${refusalMessage(result, places.describe(result.record), maxDisorderMs)}\n`);
      return 2;
    }
    await drain();
    if (sorter === null) await writer.end();
    else await sorter.finish(writer);
    const reasons = Object.keys(result.rejected).sort();
    if (reasons.length > 0) {
      const total = reasons.reduce((sum, r) => sum + (result.rejected[r] ?? 0), 0);
      const detail = reasons.map((r) => `${r}=${result.rejected[r] ?? 0}`).join(', ');
      io.stderr.write(`${PREFIX} rejected ${total} of ${outcome.records} records: ${detail}\n`);
    }
    return 0;
  } finally {
    await sorter?.dispose();
  }
}

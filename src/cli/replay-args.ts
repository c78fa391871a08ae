import type { TimeCategory } from '../core/rollup/period.ts';
import { isTimeCategory, isValidTimeZone, TIME_CATEGORIES } from '../core/rollup/period.ts';
import { parseTimestamp } from '../core/time/timestamp.ts';

export interface ReplayArgs {
  readonly file: string;
  readonly timeCategory: TimeCategory;
  readonly timeZone: string;
  readonly until: number | undefined;
  /** `--max-disorder`: ms, Infinity for unbounded; undefined: the default (a JSON array: unbounded, NDJSON: 5 minutes). */
  readonly maxDisorderMs: number | undefined;
  /** `--order`: `user` (userId, then intervalStart; the default) or `time` (intervalStart, then userId, written as rows become final). */
  readonly order: 'user' | 'time';
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `300000`, `300000ms`, `300s`, `5m`, `2h`, `1d`, or `inf` / `unbounded`; NaN when invalid. */
export function parseDuration(text: string): number {
  if (text === 'inf' || text === 'unbounded') return Number.POSITIVE_INFINITY;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (match === null) return Number.NaN;
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] as number));
}

/** Parses `FILE [--time-category C] [--time-zone Z] [--until ISO] [--max-disorder D] [--order user|time]`; returns an error line on misuse. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs | { error: string } {
  let file: string | undefined;
  let timeCategory: TimeCategory = 'quarterHour';
  let timeZone = 'UTC';
  let until: number | undefined;
  let maxDisorderMs: number | undefined;
  let order: 'user' | 'time' = 'user';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-' || !arg.startsWith('-')) {
      if (file !== undefined) return { error: `unexpected argument "${arg}"` };
      file = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (flag !== '--time-category' && flag !== '--time-zone' && flag !== '--until' && flag !== '--max-disorder' && flag !== '--order') {
      return { error: `unknown option "${flag}"` };
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) return { error: `option ${flag} needs a value` };
    }
    if (flag === '--time-category') {
      if (!isTimeCategory(value)) return { error: `invalid --time-category "${value}" (one of ${TIME_CATEGORIES.join('|')})` };
      timeCategory = value;
    } else if (flag === '--time-zone') {
      if (!isValidTimeZone(value)) return { error: `invalid --time-zone "${value}" (expected an IANA zone such as Europe/Helsinki)` };
      timeZone = value;
    } else if (flag === '--max-disorder') {
      const ms = parseDuration(value);
      if (Number.isNaN(ms)) return { error: `invalid --max-disorder "${value}" (a duration such as 300s, 5m, 2h, or inf)` };
      maxDisorderMs = ms;
    } else if (flag === '--order') {
      if (value !== 'user' && value !== 'time') return { error: `invalid --order "${value}" (user or time)` };
      order = value;
    } else {
      const ms = parseTimestamp(value);
      if (Number.isNaN(ms)) return { error: `invalid --until "${value}" (expected ISO-8601 such as 2019-12-03T08:00:00.000Z)` };
      until = ms;
    }
  }
  if (file === undefined) return { error: 'missing FILE (a path, or - for stdin)' };
  return { file, timeCategory, timeZone, until, maxDisorderMs, order };
}

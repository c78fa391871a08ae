import type { TimeCategory } from '../core/rollup/period.ts';
import { isTimeCategory, isValidTimeZone, TIME_CATEGORIES } from '../core/rollup/period.ts';
import { parseTimestamp } from '../core/time/timestamp.ts';

export interface ReplayArgs {
  readonly file: string;
  readonly timeCategory: TimeCategory;
  readonly timeZone: string;
  readonly until: number | undefined;
}

/** Parses `FILE [--time-category C] [--time-zone Z] [--until ISO]`; returns an error line on misuse. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs | { error: string } {
  let file: string | undefined;
  let timeCategory: TimeCategory = 'quarterHour';
  let timeZone = 'UTC';
  let until: number | undefined;
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
    if (flag !== '--time-category' && flag !== '--time-zone' && flag !== '--until') {
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
    } else {
      const ms = parseTimestamp(value);
      if (Number.isNaN(ms)) return { error: `invalid --until "${value}" (expected ISO-8601 such as 2019-12-03T08:00:00.000Z)` };
      until = ms;
    }
  }
  if (file === undefined) return { error: 'missing FILE (a path, or - for stdin)' };
  return { file, timeCategory, timeZone, until };
}

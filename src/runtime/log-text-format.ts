import { styleText } from 'node:util';

/** Fields every pino line carries that a person reading the console does not need (the time and level are shown). */
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'component', 'kafkajs']);

const LEVEL_LABELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A structured field longer than this is cut with "…"; the JSON log format (LOG_FORMAT=json) has it whole. */
const MAX_VALUE_CHARS = 160;

type Style = Parameters<typeof styleText>[0];

const LEVEL_STYLES: Readonly<Record<string, Style>> = { trace: 'gray', debug: 'gray', warn: 'yellow', error: 'red', fatal: 'red' };

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function renderValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:/@+*|-]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  const json = JSON.stringify(value);
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS - 1)}…` : json;
}

function renderError(value: unknown): { inline: string; stack: string | undefined } {
  if (typeof value !== 'object' || value === null) return { inline: renderValue(value), stack: undefined };
  const { message, stack } = value as { message?: unknown; stack?: unknown };
  return { inline: renderValue(typeof message === 'string' ? message : value), stack: typeof stack === 'string' ? stack : undefined };
}

/**
 * Renders one pino JSON line for a person: `HH:MM:SS level component message key=value …`, the time in the local
 * time zone of the process. `component` is the logger's `component` binding, with `kafkajs.<namespace>` for lines
 * kafkajs logged through our logger. An `err` field shows its message; lines at error level and above add its stack,
 * indented. A line that is not a JSON object is returned unchanged. `colour` styles the level (and debug lines) with
 * ANSI colours; the caller decides from its terminal.
 */
export function formatLogLine(line: string, options: { colour?: boolean } = {}): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line.endsWith('\n') ? line : `${line}\n`;
    record = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const style = (format: Style, text: string): string => (options.colour === true ? styleText(format, text, { validateStream: false }) : text);
  const time = typeof record['time'] === 'number' ? new Date(record['time']) : new Date(NaN);
  const clock = Number.isNaN(time.getTime()) ? '--:--:--' : `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
  const levelNumber = typeof record['level'] === 'number' ? record['level'] : 30;
  const level = LEVEL_LABELS[levelNumber] ?? `level${levelNumber}`;
  const levelStyle = LEVEL_STYLES[level];
  const component = [record['component'], typeof record['kafkajs'] === 'string' ? `kafkajs.${record['kafkajs']}` : undefined]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join('/');
  const fields: string[] = [];
  let stack: string | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN_FIELDS.has(key) || value === undefined) continue;
    if (key === 'err' || key === 'error') {
      const rendered = renderError(value);
      fields.push(`${key}=${rendered.inline}`);
      if (levelNumber >= 50) stack ??= rendered.stack;
      continue;
    }
    fields.push(`${key}=${renderValue(value)}`);
  }
  const message = typeof record['msg'] === 'string' ? record['msg'] : '';
  const head = `${style('gray', clock)} ${levelStyle === undefined ? level.padEnd(5) : style(levelStyle, level.padEnd(5))} ${(component || '-').padEnd(12)} ${message}`;
  const text = fields.length === 0 ? head : `${head}  ${fields.join(' ')}`;
  const body = level === 'debug' || level === 'trace' ? style('gray', text) : text;
  const stackLines = stack === undefined ? '' : `${stack.split('\n').slice(1).map((frame) => `    ${frame.trim()}`).join('\n')}\n`;
  return `${body}\n${stackLines}`;
}

/**
 * A pino destination that writes each log line through {@link formatLogLine} to `out`, coloured when `out` is a
 * terminal that takes colours (Node's `hasColors()`, which honours NO_COLOR, FORCE_COLOR and TERM).
 */
export function textLogDestination(out: NodeJS.WritableStream): { write(line: string): boolean } {
  const tty = out as NodeJS.WritableStream & { isTTY?: boolean; hasColors?: () => boolean };
  const colour = tty.isTTY === true && typeof tty.hasColors === 'function' && tty.hasColors();
  return { write: (line: string) => out.write(formatLogLine(line, { colour })) };
}

import { pino } from 'pino';
import type { Logger, LevelWithSilent } from 'pino';
import { redactUrlCredentials } from '../errors/redact-url-credentials.ts';
import { textLogDestination } from './log-text-format.ts';

const SECRET_KEYS = ['password', 'authorization', 'credentials', 'apiKey', 'token'];

/**
 * Paths whose values never reach a log line: each secret key at the top level and up to four levels deep (so
 * `req.headers.authorization`, the bearer token of an HTTP request, is covered).
 */
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) =>
  ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'].map((depth) => `${depth}${key}`),
);

/** `json`: one pino JSON object per line, for machines. `text`: one readable line per entry, for people (log-text-format.ts). */
export type LogFormat = 'json' | 'text';

/**
 * Creates the process logger; `destination` defaults to stdout (tests pass a stream to inspect output). Redaction
 * applies before formatting, so both formats carry the same fields: secret keys by path, and credentials inside any
 * URL anywhere in the line (messages, error messages and stacks, causes) by {@link redactUrlCredentials}.
 */
export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'agent-timelines' }, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' }, hooks: { streamWrite: redactUrlCredentials } };
  if (format === 'text') return pino(options, textLogDestination(destination ?? process.stdout));
  return destination === undefined ? pino(options) : pino(options, destination);
}

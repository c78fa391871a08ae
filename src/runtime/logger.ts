import { pino } from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

const SECRET_KEYS = ['password', 'authorization', 'credentials', 'apiKey', 'token'];

/** Paths whose values never reach a log line: each secret key at the top level and up to four levels deep. */
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) =>
  ['', '*.', '*.*.', '*.*.*.', '*.*.*.*.'].map((depth) => `${depth}${key}`),
);

/** Creates the process logger; `destination` defaults to stdout (tests pass a stream to inspect output). */
export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'agent-timelines' }, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}

import { redactUrlCredentials } from './redact-url-credentials.ts';

/**
 * The error catalogue. Every error agent-timelines throws carries a stable `code` and says whether retrying the
 * same operation can succeed (`retriable`), so callers pick a policy without parsing messages.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { retriable: false },
  SERVICE_UNAVAILABLE: { retriable: true },
  /** The HTTP client closed its connection before the answer was ready: nobody is left to answer or to retry. */
  CLIENT_GONE: { retriable: false },
  SCHEMA_REGISTRATION_FAILED: { retriable: false },
  SCHEMA_NOT_FOUND: { retriable: false },
  WIRE_FORMAT_INVALID: { retriable: false },
  TOPOLOGY_INVALID: { retriable: false },
  TOPIC_CONFLICT: { retriable: false },
  VENDOR_BAD_REQUEST: { retriable: false },
  VENDOR_NOT_FOUND: { retriable: false },
  VENDOR_AUTH_FAILED: { retriable: false },
  VENDOR_UNAVAILABLE: { retriable: true },
  VENDOR_MALFORMED_RESPONSE: { retriable: true },
  VENDOR_ROW_LIMIT: { retriable: false },
  POLL_ABORTED: { retriable: true },
  RECORD_INVALID: { retriable: false },
  SCHEMA_MISMATCH: { retriable: false },
  TRANSACTION_FAILED: { retriable: true },
  STATE_RESTORE_FAILED: { retriable: true },
  REDIS_WRITE_FAILED: { retriable: true },
  STORE_FORMAT_UNSUPPORTED: { retriable: false },
  /** An alert webhook refused a transition or stayed unreachable for all its attempts (the transition is dead-lettered). */
  WEBHOOK_FAILED: { retriable: true },
} as const satisfies Record<string, { retriable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a catalogued code. Credentials inside URLs in `message` are redacted ({@link redactUrlCredentials}). */
export class AgentTimelinesError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(redactUrlCredentials(message), options);
    this.name = 'AgentTimelinesError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
  }
}

import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';
import type { ErrorCode } from '../errors/agent-timelines-error.ts';

/** A failed vendor request: the request (path and query, never credentials), HTTP status and the raw body. */
export class VendorError extends AgentTimelinesError {
  readonly request: string;
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    code: Extract<ErrorCode, `VENDOR_${string}`>,
    message: string,
    details: { request: string; status?: number; body?: string; retryAfterMs?: number; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'VendorError';
    this.request = details.request;
    this.status = details.status;
    this.body = details.body;
    this.retryAfterMs = details.retryAfterMs;
  }
}

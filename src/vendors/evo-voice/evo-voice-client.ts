import type { z } from 'zod';
import { parseRetryAfter } from '../../ingest/backoff.ts';
import { withVendorRetries } from '../../ingest/vendor-retries.ts';
import type { VendorRetryPolicy } from '../../ingest/vendor-retries.ts';
import { VendorError } from '../../ingest/vendor-error.ts';
import type { ReportInfo } from './report-info.ts';
import { describeResponseStatus, reportInfoSchema, reportListSchema } from './report-info.ts';

/** The two report routes the pollers submit to (`All Verbs /reports/agent-state`, `/reports/billing`). */
export type ReportRoute = 'agent-state' | 'billing';

export interface EvoVoiceClientOptions extends VendorRetryPolicy {
  readonly tenant: string;
  /** The metric label of every request of this client (the poller's endpoint, e.g. `evo-voice/agent-state`). */
  readonly endpoint: string;
  /** Base URL of the ServiceStack host, e.g. https://evovoice.io. */
  readonly baseUrl: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly requestTimeoutMs: number;
  /** The whole workbook download (headers and body) must finish within this. */
  readonly downloadTimeoutMs: number;
  /** A workbook larger than this is refused (VENDOR_ROW_LIMIT: make the window smaller). */
  readonly maxDownloadBytes: number;
  readonly fetch?: typeof fetch;
}

/** A downloaded workbook: its bytes and when the download finished. */
export interface DownloadedWorkbook {
  readonly bytes: Uint8Array;
  readonly receivedAt: number;
}

interface Attempt {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path and query (the `request` of errors and logs: never credentials). */
  readonly request: string;
  readonly body?: unknown;
  readonly binary: boolean;
}

type AttemptResult = { readonly text: string } | { readonly bytes: Uint8Array };

const XLSX_ACCEPT = '*/*';

/**
 * The Evo Voice (ServiceStack) API as the report pollers use it: submit a report job, list this user's reports,
 * download a workbook, delete a report.
 *
 * Authentication is HTTP Basic on every request (the API accepts it on any route): no session to log in, renew or
 * lose, so a retry or a restart needs no extra round trip and a 401 always means the credentials are wrong, never
 * that a cookie expired. Credentials are only ever in the Authorization header, never in a log line or an error.
 *
 * Every attempt takes a token of the tenant's bucket and has its own timeout. 429 (honouring Retry-After), 5xx, 408,
 * network errors, timeouts and malformed JSON are retried with the shared full-jitter backoff up to `maxAttempts`,
 * then the last {@link VendorError} is thrown. 400/405/406 (VENDOR_BAD_REQUEST) and 401/403 (VENDOR_AUTH_FAILED),
 * 404 (VENDOR_NOT_FOUND) are thrown at once, with the `responseStatus` errorCode, message and field errors in the
 * message. 409 `ReportNotReady` is retriable (VENDOR_UNAVAILABLE). A POST retried after a lost answer can leave a
 * duplicate job at the vendor; the poller's clean-up deletes such reports.
 */
export class EvoVoiceClient {
  readonly #o: EvoVoiceClientOptions;
  readonly #authorization: string;
  readonly #base: string;

  constructor(options: EvoVoiceClientOptions) {
    this.#o = options;
    this.#authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  /** Queues a report (`POST /reports/<route>` with a JSON body); resolves with its ReportInfo (status Queued). */
  async submitReport(route: ReportRoute, body: Readonly<Record<string, string | boolean>>, signal?: AbortSignal): Promise<ReportInfo> {
    const request = `/reports/${route}`;
    return this.#json(reportInfoSchema, { method: 'POST', request, body, binary: false }, signal);
  }

  /** The reports this user created for `accountId`, newest first (`GET /reports?accountId=`). */
  async listReports(accountId: string, signal?: AbortSignal): Promise<ReportInfo[]> {
    const request = `/reports?${new URLSearchParams({ accountId }).toString()}`;
    return (await this.#json(reportListSchema, { method: 'GET', request, binary: false }, signal)).reports;
  }

  /** The workbook of a Completed report (`GET /reports/<id>.xlsx`), at most `maxDownloadBytes`. */
  async downloadWorkbook(id: string, signal?: AbortSignal): Promise<DownloadedWorkbook> {
    const result = await this.#send({ method: 'GET', request: `/reports/${encodeURIComponent(id)}.xlsx`, binary: true }, signal);
    if (!('bytes' in result)) throw new Error('binary attempt returned text');
    return { bytes: result.bytes, receivedAt: this.#o.clock.now() };
  }

  /** Deletes a report and its workbook (`DELETE /reports/<id>`); a report already gone is VENDOR_NOT_FOUND. */
  async deleteReport(id: string, signal?: AbortSignal): Promise<void> {
    await this.#send({ method: 'DELETE', request: `/reports/${encodeURIComponent(id)}`, binary: false }, signal);
  }

  async #json<S extends z.ZodType>(schema: S, attempt: Attempt, signal: AbortSignal | undefined): Promise<z.infer<S>> {
    return this.#withRetries(attempt, signal, async () => {
      const result = await this.#attempt(attempt, signal);
      const text = 'text' in result ? result.text : '';
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new VendorError('VENDOR_MALFORMED_RESPONSE', `${this.#who(attempt)} returned malformed JSON (${text.length} bytes)`, { request: attempt.request, status: 200, body: text, cause });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new VendorError('VENDOR_MALFORMED_RESPONSE', `${this.#who(attempt)} returned an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { request: attempt.request, status: 200, body: text });
      }
      return parsed.data as z.infer<S>;
    });
  }

  #send(attempt: Attempt, signal: AbortSignal | undefined): Promise<AttemptResult> {
    return this.#withRetries(attempt, signal, () => this.#attempt(attempt, signal));
  }

  async #withRetries<T>(attempt: Attempt, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    return withVendorRetries(this.#o, { tenant: this.#o.tenant, endpoint: this.#o.endpoint }, `${attempt.method} ${attempt.request}`, signal, run);
  }

  #who(attempt: Attempt): string {
    return `tenant ${this.#o.tenant}: ${attempt.method} ${attempt.request}`;
  }

  async #attempt(attempt: Attempt, signal: AbortSignal | undefined): Promise<AttemptResult> {
    const timeoutMs = attempt.binary ? this.#o.downloadTimeoutMs : this.#o.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const headers: Record<string, string> = { accept: attempt.binary ? XLSX_ACCEPT : 'application/json', authorization: this.#authorization };
    if (attempt.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method: attempt.method, headers, signal: combined, redirect: 'error' };
    if (attempt.body !== undefined) init.body = JSON.stringify(attempt.body);
    let response: Response;
    try {
      response = await (this.#o.fetch ?? fetch)(`${this.#base}${attempt.request}`, init);
      if (response.ok && attempt.binary) return { bytes: await this.#readCapped(response, attempt) };
      const text = await response.text();
      if (response.ok) return { text };
      throw this.#statusError(attempt, response, text);
    } catch (cause) {
      if (cause instanceof VendorError || signal?.aborted === true) throw cause;
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : (cause as Error).message;
      throw new VendorError('VENDOR_UNAVAILABLE', `${this.#who(attempt)} failed: ${reason}`, { request: attempt.request, cause });
    }
  }

  #statusError(attempt: Attempt, response: Response, text: string): VendorError {
    const { status } = response;
    const described = describeResponseStatus(text);
    const detail = described?.text ?? text.slice(0, 500);
    const message = `${this.#who(attempt)} answered ${status}${detail === '' ? '' : `: ${detail}`}`;
    const details = { request: attempt.request, status, body: text };
    if (status === 401 || status === 403) return new VendorError('VENDOR_AUTH_FAILED', message, details);
    if (status === 404) return new VendorError('VENDOR_NOT_FOUND', message, details);
    if (status === 429 || status === 408 || status === 409 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#o.clock.now());
      return new VendorError('VENDOR_UNAVAILABLE', message, { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    return new VendorError('VENDOR_BAD_REQUEST', message, details);
  }

  /** Reads a body chunk by chunk, refusing it (VENDOR_ROW_LIMIT, not retried) once it exceeds maxDownloadBytes. */
  async #readCapped(response: Response, attempt: Attempt): Promise<Uint8Array> {
    const cap = this.#o.maxDownloadBytes;
    const tooLarge = (bytes: number) => new VendorError('VENDOR_ROW_LIMIT', `${this.#who(attempt)}: the workbook is larger than ${cap} bytes (${bytes}); use a smaller windowMs or raise maxDownloadBytes`, { request: attempt.request, status: response.status });
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > cap) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(declared);
    }
    if (response.body === null) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > cap) throw tooLarge(total);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}

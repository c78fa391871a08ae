import { parseRetryAfter } from '../../ingest/backoff.ts';
import { withVendorRetries } from '../../ingest/vendor-retries.ts';
import type { VendorRetryPolicy } from '../../ingest/vendor-retries.ts';
import { VendorError } from '../../ingest/vendor-error.ts';
import type { FetchedRange, RangeQuery, RangeSource } from '../../ingest/range-source.ts';
import { fetchRange } from './range-fetcher.ts';

export interface RaiClientOptions extends VendorRetryPolicy {
  readonly tenant: string;
  /** Base URL including the API root, e.g. https://host/RI/rai. */
  readonly baseUrl: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly requestTimeoutMs: number;
  readonly fetch?: typeof fetch;
}

export interface RaiPage {
  readonly rows: readonly unknown[];
  readonly receivedAt: number;
}

/**
 * GETs JSON arrays from the Sinch RAI API with Basic auth. Each attempt takes a rate-limiter token and has its own
 * timeout. 429, 5xx, network errors, timeouts and malformed JSON are retried with full-jitter backoff that
 * honours Retry-After; after `maxAttempts` the last error is thrown (a {@link VendorError} whose `body` holds the
 * malformed text for VENDOR_MALFORMED_RESPONSE). 400 (VENDOR_BAD_REQUEST, carrying the text/plain body) and
 * 401/403 (VENDOR_AUTH_FAILED) are thrown at once. An abort of `signal` rejects with POLL_ABORTED.
 */
export class RaiClient implements RangeSource {
  readonly #o: RaiClientOptions;
  readonly #authorization: string;

  constructor(options: RaiClientOptions) {
    this.#o = options;
    this.#authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  }

  /** Every row of a time range with the RAI's offset paging and row-limit splits (see {@link fetchRange}). */
  fetchRange(query: RangeQuery, signal?: AbortSignal): Promise<FetchedRange> {
    return fetchRange(this, query, signal);
  }

  async get(endpoint: string, params: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<RaiPage> {
    const query = new URLSearchParams(params).toString();
    const request = `/${endpoint}?${query}`;
    return withVendorRetries(this.#o, { tenant: this.#o.tenant, endpoint }, request, signal, () => this.#attempt(request, signal));
  }

  async #attempt(request: string, signal: AbortSignal | undefined): Promise<RaiPage> {
    const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const url = `${this.#o.baseUrl.replace(/\/+$/, '')}${request}`;
    let response: Response;
    let body: string;
    try {
      response = await (this.#o.fetch ?? fetch)(url, { headers: { accept: 'application/json', authorization: this.#authorization }, signal: combined });
      body = await response.text();
    } catch (cause) {
      if (signal?.aborted === true) throw cause;
      const reason = timeout.aborted ? `timed out after ${this.#o.requestTimeoutMs} ms` : (cause as Error).message;
      throw new VendorError('VENDOR_UNAVAILABLE', `tenant ${this.#o.tenant}: GET ${request} failed: ${reason}`, { request, cause });
    }
    const receivedAt = this.#o.clock.now();
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), receivedAt);
    const { status } = response;
    if (status === 400) throw new VendorError('VENDOR_BAD_REQUEST', `tenant ${this.#o.tenant}: GET ${request} answered 400: ${body.slice(0, 500)}`, { request, status, body });
    if (status === 401 || status === 403) throw new VendorError('VENDOR_AUTH_FAILED', `tenant ${this.#o.tenant}: GET ${request} answered ${status}`, { request, status });
    if (status === 429 || status >= 500 || status === 408) {
      throw new VendorError('VENDOR_UNAVAILABLE', `tenant ${this.#o.tenant}: GET ${request} answered ${status}`, { request, status, body, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    if (status < 200 || status >= 300) throw new VendorError('VENDOR_BAD_REQUEST', `tenant ${this.#o.tenant}: GET ${request} answered ${status}: ${body.slice(0, 500)}`, { request, status, body });
    let rows: unknown;
    try {
      rows = JSON.parse(body);
    } catch (cause) {
      throw new VendorError('VENDOR_MALFORMED_RESPONSE', `tenant ${this.#o.tenant}: GET ${request} returned malformed JSON (${body.length} bytes)`, { request, status, body, cause });
    }
    if (!Array.isArray(rows)) throw new VendorError('VENDOR_MALFORMED_RESPONSE', `tenant ${this.#o.tenant}: GET ${request} did not return a JSON array`, { request, status, body });
    return { rows, receivedAt };
  }
}

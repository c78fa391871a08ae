import { z } from 'zod';
import { parseRetryAfter } from '../../ingest/backoff.ts';
import { VendorError } from '../../ingest/vendor-error.ts';
import { withVendorRetries } from '../../ingest/vendor-retries.ts';
import type { VendorRetryPolicy } from '../../ingest/vendor-retries.ts';

/** The most rows `agents_work_report` serves per page (a larger `limit` is a 400). */
export const THULIUM_MAX_LIMIT = 100;

export interface ThuliumClientOptions extends VendorRetryPolicy {
  readonly tenant: string;
  /** The metric label of every request of this client (the poller's endpoint). */
  readonly endpoint: string;
  /** The system's root URL, e.g. https://acme.thulium.com (the client adds `/api/…`). */
  readonly baseUrl: string;
  readonly credentials: { readonly username: string; readonly password: string };
  readonly requestTimeoutMs: number;
  readonly fetch?: typeof fetch;
}

/** A query parameter: one value, or a PHP-style array (`name[]=a&name[]=b`). */
export type QueryValue = string | number | readonly (string | number)[];

/** The filter of a work report query (the client pages through it). */
export interface WorkReportQuery {
  readonly dateFrom: string;
  readonly dateTo: string;
  readonly aggregateBy: 'minute' | 'hour' | 'hour_of_day' | 'day' | 'week' | 'month' | 'year';
  readonly agentLogins?: readonly string[];
  readonly agentGroupIds?: readonly number[];
  readonly outboundThreshold: number;
}

/** Every row of a work report query in the order the vendor listed them, with how it was paged. */
export interface WorkReport {
  readonly rows: readonly unknown[];
  readonly requests: number;
  /** Non-empty pages shorter than the limit (each ends the paging). */
  readonly shortPages: number;
  /** When the last page arrived. */
  readonly receivedAt: number;
}

const errorBodySchema = z.object({
  request_id: z.string().optional(),
  errors: z.array(z.object({ message: z.string(), code: z.number().optional() })),
});

const groupSchema = z.object({ id: z.number().int(), name: z.string().nullable().optional() });

/** Renders query parameters, arrays PHP-style (`agent_logins[]=a&agent_logins[]=b`). */
export function phpQuery(params: Readonly<Record<string, QueryValue | undefined>>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly (string | number)[]) parts.push(`${encodeURIComponent(name)}[]=${encodeURIComponent(String(item))}`);
    else parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join('&');
}

/** The vendor's error text `[code] message; …` (and its request_id), or undefined when the body is no error body. */
export function describeThuliumErrors(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const errors = parsed.data.errors.map((e) => (e.code === undefined ? e.message : `[${e.code}] ${e.message}`)).join('; ');
  return parsed.data.request_id === undefined ? errors : `${errors} (request_id ${parsed.data.request_id})`;
}

/**
 * The Thulium REST API as the pollers use it: `agents_work_report` (every page), `agents_groups`, `agents_statuses`.
 *
 * Authentication is HTTP Basic on every request; credentials are only ever in the Authorization header, never in
 * a log line or an error. Every attempt takes a token of the tenant's bucket and has its own timeout. Through
 * {@link withVendorRetries}: 429 (honouring Retry-After), 5xx, 408, network errors, timeouts and malformed JSON are
 * retried (VENDOR_UNAVAILABLE / VENDOR_MALFORMED_RESPONSE); 400 (VENDOR_BAD_REQUEST), 401/403 (VENDOR_AUTH_FAILED)
 * and 404 (VENDOR_NOT_FOUND) are thrown at once, with the vendor's `[code] message` list and request_id in the
 * message. Error texts are asked for in English (`Accept-Language: en`).
 */
export class ThuliumClient {
  readonly #o: ThuliumClientOptions;
  readonly #authorization: string;
  readonly #base: string;

  constructor(options: ThuliumClientOptions) {
    this.#o = options;
    this.#authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  /** `GET /api/agents_groups`: every agent group `{id, name}`. */
  async agentsGroups(signal?: AbortSignal): Promise<Array<{ id: number; name?: string | null | undefined }>> {
    const { json } = await this.#get('/api/agents_groups', signal);
    const parsed = z.array(groupSchema).safeParse(json);
    if (!parsed.success) throw this.#shape('/api/agents_groups', parsed.error);
    return parsed.data;
  }

  /** `GET /api/agents_statuses`: the bare array of `{login, status, pause_id, last_change}` (rows unchecked) and when it arrived. */
  async agentsStatuses(signal?: AbortSignal): Promise<{ rows: unknown[]; receivedAt: number }> {
    const { json, receivedAt } = await this.#get('/api/agents_statuses', signal);
    if (!Array.isArray(json)) throw this.#notArray('/api/agents_statuses');
    return { rows: json, receivedAt };
  }

  /** One page of `GET /api/agents_work_report` (rows unchecked). */
  async workReportPage(query: WorkReportQuery, offset: number, limit: number, signal?: AbortSignal): Promise<{ rows: unknown[]; receivedAt: number }> {
    const request = `/api/agents_work_report?${phpQuery({
      agent_logins: query.agentLogins,
      agent_group_ids: query.agentGroupIds,
      date_from: query.dateFrom,
      date_to: query.dateTo,
      aggregate_by: query.aggregateBy,
      outbound_threshold: query.outboundThreshold,
      offset,
      limit,
    })}`;
    const { json, receivedAt } = await this.#get(request, signal);
    if (!Array.isArray(json)) throw this.#notArray(request);
    if (json.length > limit) throw new VendorError('VENDOR_MALFORMED_RESPONSE', `${this.#who(request)} returned ${json.length} rows for limit ${limit}`, { request, status: 200 });
    return { rows: json, receivedAt };
  }

  /**
   * Every row of a work report query: pages of `limit` rows (≤ 100) from offset 0, the offset moving by the rows
   * received, until an empty page or a page shorter than the limit (the response has no total).
   */
  async workReport(query: WorkReportQuery, limit: number = THULIUM_MAX_LIMIT, signal?: AbortSignal): Promise<WorkReport> {
    if (!Number.isInteger(limit) || limit < 1 || limit > THULIUM_MAX_LIMIT) throw new RangeError(`limit must be 1..${THULIUM_MAX_LIMIT}`);
    const rows: unknown[] = [];
    let requests = 0;
    let shortPages = 0;
    let receivedAt = this.#o.clock.now();
    for (let offset = 0; ; ) {
      const page = await this.workReportPage(query, offset, limit, signal);
      requests++;
      receivedAt = page.receivedAt;
      rows.push(...page.rows);
      offset += page.rows.length;
      if (page.rows.length === 0) break;
      if (page.rows.length < limit) {
        shortPages++;
        break;
      }
    }
    return { rows, requests, shortPages, receivedAt };
  }

  async #get(request: string, signal: AbortSignal | undefined): Promise<{ json: unknown; receivedAt: number }> {
    return withVendorRetries(this.#o, { tenant: this.#o.tenant, endpoint: this.#o.endpoint }, `GET ${request}`, signal, async () => {
      const text = await this.#attempt(request, signal);
      const receivedAt = this.#o.clock.now();
      try {
        return { json: JSON.parse(text) as unknown, receivedAt };
      } catch (cause) {
        throw new VendorError('VENDOR_MALFORMED_RESPONSE', `${this.#who(request)} returned malformed JSON (${text.length} bytes)`, { request, status: 200, body: text, cause });
      }
    });
  }

  #who(request: string): string {
    return `tenant ${this.#o.tenant}: GET ${request}`;
  }

  #notArray(request: string): VendorError {
    return new VendorError('VENDOR_MALFORMED_RESPONSE', `${this.#who(request)} returned no JSON array`, { request, status: 200 });
  }

  #shape(request: string, error: z.ZodError): VendorError {
    return new VendorError('VENDOR_MALFORMED_RESPONSE', `${this.#who(request)} returned an unexpected shape: ${error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { request, status: 200 });
  }

  async #attempt(request: string, signal: AbortSignal | undefined): Promise<string> {
    const timeoutMs = this.#o.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const init: RequestInit = { method: 'GET', headers: { accept: 'application/json', 'accept-language': 'en', authorization: this.#authorization }, signal: combined, redirect: 'error' };
    try {
      const response = await (this.#o.fetch ?? fetch)(`${this.#base}${request}`, init);
      const text = await response.text();
      if (response.ok) return text;
      throw this.#statusError(request, response, text);
    } catch (cause) {
      if (cause instanceof VendorError || signal?.aborted === true) throw cause;
      const reason = timeout.aborted ? `timed out after ${timeoutMs} ms` : (cause as Error).message;
      throw new VendorError('VENDOR_UNAVAILABLE', `${this.#who(request)} failed: ${reason}`, { request, cause });
    }
  }

  #statusError(request: string, response: Response, text: string): VendorError {
    const { status } = response;
    const detail = describeThuliumErrors(text) ?? text.slice(0, 500);
    const message = `${this.#who(request)} answered ${status}${detail === '' ? '' : `: ${detail}`}`;
    const details = { request, status, body: text };
    if (status === 401 || status === 403) return new VendorError('VENDOR_AUTH_FAILED', message, details);
    if (status === 404) return new VendorError('VENDOR_NOT_FOUND', message, details);
    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#o.clock.now());
      return new VendorError('VENDOR_UNAVAILABLE', message, { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    return new VendorError('VENDOR_BAD_REQUEST', message, details);
  }
}

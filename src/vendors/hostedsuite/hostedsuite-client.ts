import { z } from 'zod';
import { parseRetryAfter } from '../../ingest/backoff.ts';
import type { FetchedRange, FetchedRow, RangeQuery, RangeSource } from '../../ingest/range-source.ts';
import { VendorError } from '../../ingest/vendor-error.ts';
import { withVendorRetries } from '../../ingest/vendor-retries.ts';
import type { VendorRetryPolicy } from '../../ingest/vendor-retries.ts';
import { agentKeyOf } from './agent-key.ts';
import { formatLocalTime, parseLocalTime } from './local-time.ts';

export interface HostedSuiteClientOptions extends VendorRetryPolicy {
  readonly tenant: string;
  /** The metric label of every request (the poller's endpoint). */
  readonly endpoint: string;
  /** Base URL of the HostedSuite host, e.g. https://cpo.hostedsuite.com (routes are /api/…). */
  readonly baseUrl: string;
  readonly credentials: { readonly customerName: string; readonly userName: string; readonly password: string };
  /** IANA zone of the call center: the API's times are its local wall times. */
  readonly timeZone: string;
  /** AnsweredBy spelling → agent key (docs/vendors/hostedsuite-contract.md, "Agents"). */
  readonly agentAliases: Readonly<Record<string, string>>;
  readonly requestTimeoutMs: number;
  readonly fetch?: typeof fetch;
}

const listResponseSchema = z.object({
  Items: z.array(z.record(z.string(), z.unknown())),
  Page: z.number().int().optional(),
  TotalCount: z.number().int().optional(),
  TotalPages: z.number().int().optional(),
});

const responseStatusSchema = z.object({ ResponseStatus: z.object({ ErrorCode: z.string().optional(), Message: z.string().optional() }).optional() });

/**
 * The HostedSuite v2 call-records API (`POST /api/calls`, ListCallRecordsRequest) as the poller reads it: every call
 * record whose StartTime is in a range, page by page. Credentials travel in the JSON body (the API has no other way);
 * they never appear in a request name, a log line or an error. A ServiceStack `ResponseStatus.ErrorCode`
 * `Unauthorized` is an authentication failure whatever the HTTP status (as the vendor's CLI reads it). 429 (with
 * Retry-After), 5xx, 408, network errors, timeouts and malformed JSON are retried (withVendorRetries).
 */
export class HostedSuiteClient implements RangeSource {
  readonly #o: HostedSuiteClientOptions;
  readonly #base: string;

  constructor(options: HostedSuiteClientOptions) {
    this.#o = options;
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Every answered call with StartDate ≤ StartTime < EndDate (range ends as local times of the center, 0-based
   * pages of `pageSize`, StartTime ascending then Id), until the page that TotalPages says is the last one (or an
   * empty page). Each row comes back as the vendor sent it plus `agentKey` (AnsweredBy through the alias map),
   * `startTimeUtc` (StartTime as UTC ISO-8601, null when unparsable: the poller dead-letters the row) and `timeZone`.
   * Missed calls (no AnsweredBy) are left out: no agent handled them.
   */
  async fetchRange(query: RangeQuery, signal?: AbortSignal): Promise<FetchedRange> {
    const rows: FetchedRow[] = [];
    let requests = 0;
    for (let page = 0; ; page++) {
      const body = {
        StartDate: formatLocalTime(query.range.start, this.#o.timeZone),
        EndDate: formatLocalTime(query.range.end, this.#o.timeZone),
        Page: page,
        ItemsPerPage: query.pageSize,
        DisableStats: false,
        SortField: 'StartTime',
        SortDir: 'Asc',
        ...query.params,
      };
      const answer = await this.#list(body, signal);
      requests++;
      const receivedAt = this.#o.clock.now();
      for (const item of answer.Items) {
        const row = this.#annotate(item);
        if (row !== null) rows.push({ row, receivedAt });
      }
      const last = answer.TotalPages === undefined ? answer.Items.length < query.pageSize : page + 1 >= answer.TotalPages;
      if (answer.Items.length === 0 || last) break;
    }
    return { rows, requests, splits: 0, shortPages: 0 };
  }

  #annotate(item: Readonly<Record<string, unknown>>): Record<string, unknown> | null {
    const agentKey = agentKeyOf(item['AnsweredBy'], this.#o.agentAliases);
    if (agentKey === null) return null;
    const local = typeof item['StartTime'] === 'string' ? parseLocalTime(item['StartTime'], this.#o.timeZone) : null;
    return { ...item, agentKey, startTimeUtc: local === null ? null : new Date(local).toISOString(), timeZone: this.#o.timeZone };
  }

  async #list(fields: Readonly<Record<string, unknown>>, signal: AbortSignal | undefined): Promise<z.infer<typeof listResponseSchema>> {
    const request = `POST /api/calls StartDate=${String(fields['StartDate'])} EndDate=${String(fields['EndDate'])} Page=${String(fields['Page'])}`;
    const { customerName, userName, password } = this.#o.credentials;
    const body = JSON.stringify({ ...fields, CustomerName: customerName, UserName: userName, Password: password });
    return withVendorRetries(this.#o, { tenant: this.#o.tenant, endpoint: this.#o.endpoint }, request, signal, async () => {
      const text = await this.#post(request, body, signal);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new VendorError('VENDOR_MALFORMED_RESPONSE', `tenant ${this.#o.tenant}: ${request} returned malformed JSON (${text.length} bytes)`, { request, status: 200, body: text, cause });
      }
      const parsed = listResponseSchema.safeParse(json);
      if (!parsed.success) {
        throw new VendorError('VENDOR_MALFORMED_RESPONSE', `tenant ${this.#o.tenant}: ${request} returned an unexpected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { request, status: 200, body: text });
      }
      return parsed.data;
    });
  }

  async #post(request: string, body: string, signal: AbortSignal | undefined): Promise<string> {
    const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let response: Response;
    let text: string;
    try {
      response = await (this.#o.fetch ?? fetch)(`${this.#base}/api/calls`, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body, signal: combined, redirect: 'error' });
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted === true) throw cause;
      const reason = timeout.aborted ? `timed out after ${this.#o.requestTimeoutMs} ms` : (cause as Error).message;
      throw new VendorError('VENDOR_UNAVAILABLE', `tenant ${this.#o.tenant}: ${request} failed: ${reason}`, { request, cause });
    }
    const status = responseStatusSchema.safeParse(safeJson(text));
    const errorCode = status.success ? status.data.ResponseStatus?.ErrorCode : undefined;
    const message = `tenant ${this.#o.tenant}: ${request} answered ${response.status}${errorCode === undefined ? '' : ` ${errorCode}: ${status.data?.ResponseStatus?.Message ?? ''}`}`;
    // the body may echo the request; it is kept only without the password
    const details = { request, status: response.status, body: text.split(this.#o.credentials.password).join('***') };
    if (errorCode === 'Unauthorized' || response.status === 401 || response.status === 403) throw new VendorError('VENDOR_AUTH_FAILED', message, details);
    if (response.ok) return text;
    if (response.status === 404) throw new VendorError('VENDOR_NOT_FOUND', message, details);
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#o.clock.now());
      throw new VendorError('VENDOR_UNAVAILABLE', message, { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    }
    throw new VendorError('VENDOR_BAD_REQUEST', message, details);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

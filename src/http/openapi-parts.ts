import { DEFAULT_LIMIT, MAX_LIMIT } from './query-values.ts';

/** Building blocks of the OpenAPI document (openapi-document.ts) shared by its operation modules. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const query = (name: string, description: string, schema: Json, required = false): Json => ({ name, in: 'query', required, description, schema });
export const text = (description: string): Json => ({ description, content: { 'text/plain': { schema: { type: 'string' } } } });
export const header = (description: string, format?: string): Json => ({ description, schema: format === undefined ? { type: 'string' } : { type: 'string', format } });

export const COMPLETENESS_HEADERS: Record<string, Json> = {
  'X-Watermark': header('The processor watermark (lowest over all input partitions) whose rows the Redis sink has confirmed in Redis; absent while X-Data-Incomplete is set.', 'date-time'),
  'X-Data-Complete-Up-To': header('X-Watermark minus the allowed lateness: every interval ending at or before it is final.', 'date-time'),
  'X-Allowed-Lateness-Ms': header('The processor allowed lateness in milliseconds.'),
  'X-Watermark-Partitions': header('Input partitions with a watermark / expected input partitions ("?" when unknown).'),
  'X-Data-Incomplete': header('Why the data is not known complete (the rows may be partial): rebuilding, no-sink, no-watermark or rows-missing.'),
};
export const PAGED_HEADERS: Record<string, Json> = { ...COMPLETENESS_HEADERS, 'X-Total-Count': header('Matching rows before offset and limit.') };

export const TIME = 'ISO-8601 UTC time (or with an offset), e.g. 2019-01-01T13:15:00.000Z';
export const COMMON = {
  userId: query('userId', 'Comma-separated user ids: Sinch RAI GUIDs (32 hex digits) or Evo Voice agent ids (24 hex digits); 400 `Invalid GUID: \'…\'` otherwise.', { type: 'string' }),
  sort: query('sort', 'Any output field, "-" before it for descending, optional ",LOCALE-xx" collation.', { type: 'string' }),
  offset: query('offset', 'Rows to skip.', { type: 'integer', minimum: 0, default: 0 }),
  limit: query('limit', `Page length; above ${MAX_LIMIT} is a 400.`, { type: 'integer', minimum: 0, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
  language: query('language', 'Two-letter ISO 639 code; accepted for RAI compatibility, nothing is translated.', { type: 'string' }),
  tenant: query('tenant', 'agent-timelines extension: the tenant to read; the token must hold it (403 otherwise). Default: the token\'s tenant when it holds exactly one, else the TENANT setting.', { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  filters: query('filters', 'Any output field as `&field=value` (at most 256 characters); `*` matches any characters and `?` one, case-insensitively.', { type: 'object', additionalProperties: { type: 'string', maxLength: 256 } }),
};
export const FILTERS = { ...(COMMON.filters as Record<string, Json>), style: 'form', explode: true };

export const json = (description: string, schema: Json, headers: Record<string, Json>): Json => ({ description, headers, content: { 'application/json': { schema } } });

/** The answers of the access guard (docs/http-api.md, "Security"), on every operation that is not public. */
export const GUARDED: Record<string, Json> = {
  401: { ...(text('No bearer token, or an unknown one (only when the server has API tokens).') as Record<string, Json>), headers: { 'WWW-Authenticate': header('Bearer realm="agent-timelines", with error="invalid_token" for an unknown token.') } },
  403: text('The token does not hold the tenant asked for (or, for /metrics and /readyz, the scope).'),
  421: text('The Host header is not one of HTTP_ALLOWED_HOSTS (when set).'),
};

import { LRUCache } from 'lru-cache';
import { isTimeCategory, isValidTimeZone } from '../core/rollup/period.ts';
import type { TimeCategory } from '../core/rollup/period.ts';
import { parseTimestamp } from '../core/time/timestamp.ts';
import { QUARTER_HOUR_MS } from '../core/windows/quarter-hour.ts';
import { BadRequest } from './bad-request.ts';
import { WildcardPattern } from './wildcard-match.ts';

/** The documented parameters of one request, by name (each given at most once). */
export type Params = ReadonlyMap<string, string>;

/** A `&field=value` filter; `*` matches any run of characters and `?` exactly one, case-insensitively. */
export interface FieldFilter {
  readonly field: string;
  readonly value: string;
  readonly pattern: WildcardPattern;
}

export interface RaiQuery {
  readonly params: Params;
  readonly filters: readonly FieldFilter[];
}

/** The RAI row limit: no page is longer than this. */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 100;

/** The longest `&field=value` filter value, in characters: a filter costs at most its length × the field's per row. */
export const MAX_FILTER_LENGTH = 256;

function patternOf(field: string, value: string): WildcardPattern {
  if (value.length > MAX_FILTER_LENGTH) throw new BadRequest(`Invalid filter ${field}: ${value.length} characters (at most ${MAX_FILTER_LENGTH})`);
  return new WildcardPattern(value);
}

/**
 * Splits the query string of `rawUrl` into documented parameters and field filters. A name that is neither a
 * parameter of the endpoint nor one of its output fields, or a repeated name, is a {@link BadRequest}.
 */
export function parseRaiQuery(rawUrl: string, parameters: ReadonlySet<string>, fields: ReadonlySet<string>): RaiQuery {
  const question = rawUrl.indexOf('?');
  const search = new URLSearchParams(question < 0 ? '' : rawUrl.slice(question + 1));
  const params = new Map<string, string>();
  const filters: FieldFilter[] = [];
  const seen = new Set<string>();
  for (const [name, value] of search) {
    if (seen.has(name)) throw new BadRequest(`Repeated parameter: ${name}`);
    seen.add(name);
    if (parameters.has(name)) params.set(name, value);
    else if (fields.has(name)) filters.push({ field: name, value, pattern: patternOf(name, value) });
    else throw new BadRequest(`Unknown parameter: ${name}`);
  }
  return { params, filters };
}

/** A UTC time (ISO-8601 with zone, or `YYYY-MM-DD HH:mm:ss` as UTC) in epoch ms; undefined when absent and optional. */
export function timeParam(params: Params, name: string, required: true): number;
export function timeParam(params: Params, name: string, required: false): number | undefined;
export function timeParam(params: Params, name: string, required: boolean): number | undefined {
  const text = params.get(name);
  if (text === undefined || text === '') {
    if (required) throw new BadRequest(`Missing required parameter: ${name}`);
    return undefined;
  }
  const ms = parseTimestamp(text);
  if (Number.isNaN(ms)) throw new BadRequest(`Invalid ${name}: '${text}' (expected an ISO-8601 time such as 2019-01-01T13:15:00.000Z)`);
  return ms;
}

/** Rounds up to a quarter-hour boundary: 13:05 → 13:15 and 13:16 → 13:30; exact quarter hours stay. */
export function roundUpToQuarterHour(ms: number): number {
  return Math.ceil(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
}

const GUID = /^[0-9A-Fa-f]{32}$/;
/** An Evo Voice agent id: the endpoint's 24-hex Mongo ObjectId, stored as the vendor spells it. */
const OBJECT_ID = /^[0-9A-Fa-f]{24}$/;

/** Hex digits only, 20 or more: a malformed GUID or ObjectId, not a login. */
const LONG_HEX = /^[0-9A-Fa-f]{20,}$/;
/** Another vendor's agent id (a Thulium login, a HostedSuite agent name): letters, digits, space and . _ @ + ' -. */
const VENDOR_ID = /^[\p{L}\p{N}._@+' -]{1,200}$/u;

/**
 * One user id: a Sinch RAI user GUID (32 hex digits), uppercased; an Evo Voice agent id (24 hex digits), or another
 * vendor's agent id (a Thulium login, a HostedSuite agent name; not 20+ hex digits, which is a malformed GUID), verbatim;
 * `Invalid GUID: '<value>'` otherwise.
 */
export function guid(value: string): string {
  if (GUID.test(value)) return value.toUpperCase();
  if (OBJECT_ID.test(value)) return value;
  if (VENDOR_ID.test(value) && value.trim() === value && !LONG_HEX.test(value)) return value;
  throw new BadRequest(`Invalid GUID: '${value}'`);
}

/** A comma-separated GUID list, uppercased and deduplicated in the given order; undefined when absent. */
export function guidListParam(params: Params, name: string): string[] | undefined {
  const text = params.get(name);
  if (text === undefined) return undefined;
  return [...new Set(text.split(',').map((item) => guid(item.trim())))];
}

export function booleanParam(params: Params, name: string, fallback: boolean): boolean {
  const text = params.get(name);
  if (text === undefined) return fallback;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw new BadRequest(`Invalid ${name}: '${text}' (expected true or false)`);
}

export function offsetParam(params: Params): number {
  const text = params.get('offset');
  if (text === undefined) return 0;
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`Invalid offset: '${text}' (expected a non-negative integer)`);
  return Number(text);
}

export function limitParam(params: Params): number {
  const text = params.get('limit');
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`Invalid limit: '${text}' (expected an integer from 0 to ${MAX_LIMIT})`);
  const limit = Number(text);
  if (limit > MAX_LIMIT) throw new BadRequest(`Invalid limit: '${text}' (at most ${MAX_LIMIT})`);
  return limit;
}

/** `timeCategory`: null when absent or given as "null", else a roll-up level. */
export function timeCategoryParam(params: Params): TimeCategory | null {
  const text = params.get('timeCategory');
  if (text === undefined || text === 'null') return null;
  if (!isTimeCategory(text)) throw new BadRequest(`Invalid timeCategory: '${text}' (expected one of null, quarterHour, hour, day, week, month, year, all)`);
  return text;
}

/** The longest `timeZone` accepted (the longest IANA name is about 30 characters). */
export const MAX_TIME_ZONE_LENGTH = 64;
const ZONE_CHARACTERS = /^[A-Za-z0-9_/+-]+$/;

/**
 * `timeZone` (default UTC) as its canonical IANA name (`eUrOpE/hElSiNkI` → `Europe/Helsinki`, `US/Eastern` →
 * `America/New_York`). The name is checked with `Intl.DateTimeFormat`, which keeps nothing, before luxon sees it:
 * luxon caches every zone name it is given, valid or not, for the life of the process, so only canonical names of
 * real zones (a few hundred) may reach it.
 */
export function timeZoneParam(params: Params): string {
  const text = params.get('timeZone');
  if (text === undefined) return 'UTC';
  const canonical = canonicalTimeZone(text);
  if (canonical === undefined) throw new BadRequest(`Invalid timeZone: '${text.slice(0, MAX_TIME_ZONE_LENGTH)}${text.length > MAX_TIME_ZONE_LENGTH ? '…' : ''}' (expected an IANA zone such as Europe/Helsinki)`);
  return canonical;
}

/**
 * The canonical IANA name of a zone text, or undefined when it names none. Checked by length, characters and Intl
 * before luxon ever sees it, so an invalid or differently spelled name never enters luxon's zone cache.
 */
export function canonicalTimeZone(text: string): string | undefined {
  if (text.length > MAX_TIME_ZONE_LENGTH || !ZONE_CHARACTERS.test(text)) return undefined;
  const known = CANONICAL_ZONES.get(text);
  if (known !== undefined) return known;
  const canonical = resolveTimeZone(text);
  if (canonical !== undefined) CANONICAL_ZONES.set(text, canonical);
  return canonical;
}

/** Zone texts already resolved to their canonical name (an Intl.DateTimeFormat costs about 0.2 ms); invalid ones are not kept. */
const CANONICAL_ZONES = new LRUCache<string, string>({ max: 1_024 });

function resolveTimeZone(text: string): string | undefined {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  return isValidTimeZone(canonical) ? canonical : undefined;
}

/** `language` is accepted for RAI compatibility (nothing is translated) but must be a two-letter ISO 639 code. */
export function languageParam(params: Params): void {
  const text = params.get('language');
  if (text !== undefined && !/^[A-Za-z]{2}$/.test(text)) throw new BadRequest(`Invalid language: '${text}' (expected a two-letter ISO 639 code)`);
}

const TENANT = /^[a-zA-Z0-9_-]{1,64}$/;

/** `tenant` (an agent-timelines extension): the tenant to read; `fallback` (config TENANT) when absent. */
export function tenantParam(params: Params, fallback: string): string {
  const text = params.get('tenant');
  if (text === undefined) return fallback;
  if (!TENANT.test(text)) throw new BadRequest(`Invalid tenant: '${text}' (expected 1-64 letters, digits, "_" or "-")`);
  return text;
}

/** Rejects a parameter RAI documents but agent-timelines has no data for. */
export function unsupportedParam(params: Params, name: string, why: string): void {
  if (params.has(name)) throw new BadRequest(`Unsupported parameter: ${name} (${why})`);
}

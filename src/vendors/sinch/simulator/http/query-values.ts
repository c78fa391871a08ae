import { isTimeCategory, isValidTimeZone } from '../../../../core/rollup/period.ts';
import type { TimeCategory } from '../../../../core/rollup/period.ts';
import { parseTimestamp } from '../../../../core/time/timestamp.ts';
import { QUARTER_HOUR_MS } from '../../../../core/windows/quarter-hour.ts';
import { BadRequest } from './bad-request.ts';

export type Params = ReadonlyMap<string, string>;

/** A UTC time parameter (ISO-8601, e.g. 2019-01-01T13:05:00.000Z); 400 when required and missing, or unparseable. */
export function timeParam(params: Params, name: string, required: boolean): number | undefined {
  const text = params.get(name);
  if (text === undefined || text === '') {
    if (required) throw new BadRequest(`Missing required parameter: ${name}`);
    return undefined;
  }
  const ms = parseTimestamp(text);
  if (Number.isNaN(ms)) throw new BadRequest(`Invalid ${name}: '${text}'`);
  return ms;
}

/** Rounds up to a quarter-hour boundary: 13:05 → 13:15 and 13:16 → 13:30; exact quarters stay. */
export function roundUpToQuarterHour(ms: number): number {
  return Math.ceil(ms / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
}

const GUID = /^[0-9A-Fa-f]{32}$/;
const DASHED_GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/**
 * A comma-separated GUID list as a set of 32 uppercase hex digits (the dashed 8-4-4-4-12 form the
 * document's reportingGroupId example uses is accepted). 400 `Invalid GUID: '<value>'` otherwise.
 */
export function guidListParam(params: Params, name: string): ReadonlySet<string> | undefined {
  const text = params.get(name);
  if (text === undefined) return undefined;
  const out = new Set<string>();
  for (const item of text.split(',')) {
    const value = item.trim();
    if (!GUID.test(value) && !DASHED_GUID.test(value)) throw new BadRequest(`Invalid GUID: '${value}'`);
    out.add(value.replaceAll('-', '').toUpperCase());
  }
  return out;
}

export function booleanParam(params: Params, name: string, fallback: boolean): boolean {
  const text = params.get(name);
  if (text === undefined) return fallback;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw new BadRequest(`Invalid ${name}: '${text}' (expected true or false)`);
}

export function choiceParam<T extends number>(params: Params, name: string, choices: readonly T[], fallback: T): T {
  const text = params.get(name);
  if (text === undefined) return fallback;
  const value = choices.find((c) => String(c) === text);
  if (value === undefined) throw new BadRequest(`Invalid ${name}: '${text}' (expected one of ${choices.join(', ')})`);
  return value;
}

export function nonNegativeIntParam(params: Params, name: string, fallback: number): number {
  const text = params.get(name);
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new BadRequest(`Invalid ${name}: '${text}' (expected a non-negative integer)`);
  return Number(text);
}

/** `timeCategory`: null (the default, also when given as "null") or a roll-up level. */
export function timeCategoryParam(params: Params): TimeCategory | null {
  const text = params.get('timeCategory');
  if (text === undefined || text === 'null') return null;
  if (!isTimeCategory(text)) throw new BadRequest(`Invalid timeCategory: '${text}' (expected one of null, quarterHour, hour, day, month, week, year, all)`);
  return text;
}

export function timeZoneParam(params: Params): string {
  const text = params.get('timeZone');
  if (text === undefined) return 'UTC';
  if (!isValidTimeZone(text)) throw new BadRequest(`Invalid timeZone: '${text}'`);
  return text;
}

export function languageParam(params: Params): void {
  const text = params.get('language');
  if (text !== undefined && !/^[A-Za-z]{2}$/.test(text)) throw new BadRequest(`Invalid language: '${text}' (expected a two-letter ISO 639 code)`);
}

const CHANNELS = ['Phone', 'Chat', 'Email'];
const TYPES = ['CallIn', 'CallOut', 'ChatIn', 'ChatOut', 'EmailIn', 'EmailOut'];

/** `channelType`: channels and/or contact types, case-insensitive (`EMAIL,CallIn`), as a lowercase set. */
export function channelTypeParam(params: Params): ReadonlySet<string> | undefined {
  const text = params.get('channelType');
  if (text === undefined) return undefined;
  const known = new Set([...CHANNELS, ...TYPES].map((v) => v.toLowerCase()));
  const out = new Set<string>();
  for (const item of text.split(',')) {
    const value = item.trim().toLowerCase();
    if (!known.has(value)) throw new BadRequest(`Invalid channelType: '${item}' (expected ${[...CHANNELS, ...TYPES].join(', ')})`);
    out.add(value);
  }
  return out;
}

import { parseLocalTime } from '../../local-time.ts';
import type { SimCall } from '../model/call-model.ts';
import type { CallRecordJson } from '../model/call-record.ts';
import { callRecordAt, isListed } from '../model/call-record.ts';
import { fieldError } from './service-stack-error.ts';

/** Page size when ItemsPerPage is absent or 0, and the most one page holds (larger values are clamped). */
export const DEFAULT_ITEMS_PER_PAGE = 50;
export const MAX_ITEMS_PER_PAGE = 1000;
const SORT_FIELDS = ['StartTime', 'Id', 'DurationInSeconds', 'TalkTimeInSeconds', 'AnsweredBy'] as const;

type Body = Readonly<Record<string, unknown>>;

function text(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw fieldError(field, 'SerializationException', `'${field}' must be a string`);
  return value;
}

function number(body: Body, field: string, integer: boolean): number | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw fieldError(field, 'SerializationException', `'${field}' must be ${integer ? 'an integer' : 'a number'}`);
  return n;
}

function flag(body: Body, field: string): boolean {
  const value = body[field];
  if (value === undefined || value === null || value === '') return false;
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  throw fieldError(field, 'SerializationException', `'${field}' must be true or false`);
}

function date(body: Body, field: string, zone: string): number | undefined {
  const value = text(body, field);
  if (value === undefined) return undefined;
  const ms = parseLocalTime(value, zone);
  if (ms === null) throw fieldError(field, 'ArgumentException', `'${field}' is not a date: use YYYY-MM-DD[THH:mm:ss] or M/D/YYYY[ H:mm:ss], in the center's local time`);
  return ms;
}

/** The ListResponse of one request; TotalCount/TotalPages are absent with DisableStats. */
export interface ListResponse {
  Items: CallRecordJson[];
  Page: number;
  TotalCount?: number;
  TotalPages?: number;
}

function compare(field: (typeof SORT_FIELDS)[number], a: SimCall, b: SimCall): number {
  const key = (c: SimCall): number | string =>
    field === 'StartTime' ? c.startAt : field === 'Id' ? c.id : field === 'DurationInSeconds' ? c.ringMs + c.talkMs + c.holdMs + c.transferMs : field === 'TalkTimeInSeconds' ? c.talkMs : (c.answeredBy ?? '');
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Answers ListCallRecordsRequest at simulated `now` (docs/vendors/hostedsuite-contract.md): the calls listed at `now`
 * with StartDate ≤ StartTime < EndDate (local times of `zone`), the ClientId/CenterId/CallRecordId filters, Min/Max on
 * talk time, CallType; sorted by SortField (default StartTime) in SortDir, ties by Id ascending; Page is 0-based.
 */
export function listCallRecords(calls: readonly SimCall[], body: Body, now: number, zone: string): ListResponse {
  const start = date(body, 'StartDate', zone);
  const end = date(body, 'EndDate', zone);
  const clientId = text(body, 'ClientId');
  const centerId = text(body, 'CenterId');
  const callRecordId = text(body, 'CallRecordId');
  const min = number(body, 'MinCallDuration', false);
  const max = number(body, 'MaxCallDuration', false);
  const callType = text(body, 'CallType');
  if (callType !== undefined && callType !== 'Incoming' && callType !== 'Outgoing') throw fieldError('CallType', 'SerializationException', `'CallType' must be Incoming or Outgoing, got '${callType}'`);
  const page = number(body, 'Page', true) ?? 0;
  if (page < 0) throw fieldError('Page', 'ArgumentException', "'Page' must not be negative");
  const asked = number(body, 'ItemsPerPage', true) ?? 0;
  if (asked < 0) throw fieldError('ItemsPerPage', 'ArgumentException', "'ItemsPerPage' must not be negative");
  const perPage = asked === 0 ? DEFAULT_ITEMS_PER_PAGE : Math.min(asked, MAX_ITEMS_PER_PAGE);
  const sortField = text(body, 'SortField') ?? 'StartTime';
  if (!(SORT_FIELDS as readonly string[]).includes(sortField)) throw fieldError('SortField', 'ArgumentException', `'SortField' must be one of ${SORT_FIELDS.join(', ')}`);
  const sortDir = text(body, 'SortDir') ?? 'Asc';
  if (sortDir !== 'Asc' && sortDir !== 'Desc') throw fieldError('SortDir', 'SerializationException', "'SortDir' must be Asc or Desc");
  const disableStats = flag(body, 'DisableStats');
  const field = sortField as (typeof SORT_FIELDS)[number];
  const sign = sortDir === 'Asc' ? 1 : -1;
  const matching = calls
    .filter((c) => isListed(c, now))
    .filter((c) => (start === undefined || c.startAt >= start) && (end === undefined || c.startAt < end))
    .filter((c) => (clientId === undefined || c.clientId === clientId) && (centerId === undefined || c.centerId === centerId) && (callRecordId === undefined || c.id === callRecordId))
    .filter((c) => (min === undefined || c.talkMs / 1000 >= min) && (max === undefined || c.talkMs / 1000 <= max))
    .filter((c) => callType === undefined || c.type === callType)
    .sort((a, b) => sign * compare(field, a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const items = matching.slice(page * perPage, (page + 1) * perPage).map((c) => callRecordAt(c, now, zone));
  return disableStats ? { Items: items, Page: page } : { Items: items, Page: page, TotalCount: matching.length, TotalPages: Math.ceil(matching.length / perPage) };
}

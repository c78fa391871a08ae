import { isValidTimeZone } from '../../core/rollup/period.ts';
import { canonicalTimeZone } from '../query-values.ts';
import { isQuarterHourBoundary } from '../../core/windows/quarter-hour.ts';
import { BadRequest } from '../bad-request.ts';
import { guid } from '../query-values.ts';
import type { LocalDateTime } from './local-time.ts';
import { localToInstant, parseLocalDateTime, plusDays } from './local-time.ts';
import type { WorkReportProblem } from './work-report-errors.ts';
import { WORK_REPORT_ERRORS as E, WorkReportRejection } from './work-report-errors.ts';

/** The `aggregate_by` values this API answers (`minute` is refused: the store holds quarter-hours). */
export type Granularity = 'hour_of_day' | 'hour' | 'day' | 'week' | 'month' | 'year';

const AGGREGATES: readonly string[] = ['hour_of_day', 'minute', 'hour', 'day', 'week', 'month', 'year'];

/** Thulium's page bound: a larger `limit` is refused, not clamped (a client paging by its own limit would skip rows). */
export const WORK_REPORT_MAX_LIMIT = 100;
/** The longest range one request may ask for, in days (DST days included: 366 local days). */
export const WORK_REPORT_MAX_DAYS = 366;
/** The zone of a tenant the configuration gives none. */
export const WORK_REPORT_DEFAULT_ZONE = 'Europe/Warsaw';

export interface WorkReportQuery {
  readonly tenant: string;
  readonly zone: string;
  /** Requested agent (user) ids, deduplicated in the given order; GUIDs uppercased as the store keeps them. */
  readonly logins: readonly string[];
  /** [from, to): epoch ms, both on quarter-hours. */
  readonly from: number;
  readonly to: number;
  readonly granularity: Granularity;
  readonly limit: number;
  readonly offset: number;
}

type ListName = 'agent_logins' | 'agent_group_ids' | 'queues_ids';
const SCALARS = new Set(['date_from', 'date_to', 'aggregate_by', 'outbound_threshold', 'limit', 'offset', 'tenant', 'timeZone']);
/** `name`, `name[]` or `name[<index>]` (PHP arrays; values keep the query's order, an index does not reorder them). */
const LIST_NAME = /^(agent_logins|agent_group_ids|queues_ids)(?:\[\d*\])?$/;
const TENANT = /^[a-zA-Z0-9_-]{1,64}$/;

/** A user id as /agentStatistic reads one ({@link guid}: GUIDs uppercased, vendor ids verbatim); null when invalid. */
function login(value: string): string | null {
  try {
    return guid(value);
  } catch (error) {
    if (error instanceof BadRequest) return null;
    throw error;
  }
}

function dateParam(
  params: ReadonlyMap<string, string>,
  name: 'date_from' | 'date_to',
  problems: WorkReportProblem[],
): LocalDateTime | undefined {
  const text = params.get(name);
  if (text === undefined || text === '') {
    problems.push(E.missingParameter(name));
    return undefined;
  }
  const local = parseLocalDateTime(text);
  if (local === null) problems.push(E.invalidDate(name, text));
  return local ?? undefined;
}

function integerParam(text: string | undefined, fallback: number, min: number, max: number): number | null {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) return null;
  const value = Number(text);
  return value < min || value > max ? null : value;
}

/**
 * Reads a `GET /api/agents_work_report` query (`rawUrl` as received) the way Thulium documents it, plus our `tenant`
 * (default `fallbackTenant`) and `timeZone` (default `zoneOf(tenant)`). Collects every problem and throws one
 * {@link WorkReportRejection} with all of them; nothing is read from the store before the query is valid.
 */
export function parseWorkReportQuery(rawUrl: string, fallbackTenant: string, zoneOf: (tenant: string) => string): WorkReportQuery {
  const question = rawUrl.indexOf('?');
  const search = new URLSearchParams(question < 0 ? '' : rawUrl.slice(question + 1));
  const problems: WorkReportProblem[] = [];
  const params = new Map<string, string>();
  const lists: Record<ListName, string[]> = { agent_logins: [], agent_group_ids: [], queues_ids: [] };
  const given = new Set<ListName>();
  for (const [name, value] of search) {
    const list = LIST_NAME.exec(name);
    if (list !== null) {
      const key = list[1] as ListName;
      given.add(key);
      lists[key].push(value);
    } else if (!SCALARS.has(name)) problems.push(E.unknownParameter(name));
    else if (params.has(name)) problems.push(E.repeatedParameter(name));
    else params.set(name, value);
  }

  if (given.has('agent_group_ids')) problems.push(E.groupsUnsupported());
  else if (!given.has('agent_logins')) problems.push(E.agentsRequired());
  if (given.has('queues_ids')) problems.push(E.queuesUnsupported());
  const logins: string[] = [];
  for (const value of lists.agent_logins) {
    const id = login(value);
    if (id === null) problems.push(E.invalidLogin(value));
    else if (!logins.includes(id)) logins.push(id);
  }

  const tenantText = params.get('tenant');
  const tenant = tenantText ?? fallbackTenant;
  if (tenantText !== undefined && !TENANT.test(tenantText)) problems.push(E.invalidTenant(tenantText));
  const zoneText = params.get('timeZone');
  const canonicalZone = zoneText === undefined ? undefined : canonicalTimeZone(zoneText);
  if (zoneText !== undefined && canonicalZone === undefined) problems.push(E.invalidTimeZone(zoneText));
  const zone = canonicalZone ?? zoneOf(tenant);

  const fromLocal = dateParam(params, 'date_from', problems);
  const toLocal = dateParam(params, 'date_to', problems);

  const aggregate = params.get('aggregate_by') ?? 'month';
  if (!AGGREGATES.includes(aggregate)) problems.push(E.invalidAggregateBy(aggregate));
  else if (aggregate === 'minute') problems.push(E.minuteUnsupported());

  const thresholdText = params.get('outbound_threshold');
  if (thresholdText !== undefined) {
    if (integerParam(thresholdText, 0, 0, Number.MAX_SAFE_INTEGER) === null) problems.push(E.invalidOutboundThreshold(thresholdText));
    else if (Number(thresholdText) !== 0) problems.push(E.thresholdUnsupported(thresholdText));
  }
  const limit = integerParam(params.get('limit'), WORK_REPORT_MAX_LIMIT, 1, WORK_REPORT_MAX_LIMIT);
  if (limit === null) problems.push(E.invalidLimit(params.get('limit') ?? '', WORK_REPORT_MAX_LIMIT));
  const offset = integerParam(params.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset === null) problems.push(E.invalidOffset(params.get('offset') ?? ''));

  let from = Number.NaN;
  let to = Number.NaN;
  if (fromLocal !== undefined && toLocal !== undefined && isValidTimeZone(zone)) {
    from = localToInstant(fromLocal, zone);
    to = localToInstant(toLocal.dateOnly ? plusDays(toLocal, 1) : toLocal, zone);
    if (!isQuarterHourBoundary(from)) problems.push(E.notOnQuarterHour('date_from', params.get('date_from') ?? ''));
    if (!isQuarterHourBoundary(to)) problems.push(E.notOnQuarterHour('date_to', params.get('date_to') ?? ''));
    if (to <= from) problems.push(E.dateOrder());
    else if (to - from > WORK_REPORT_MAX_DAYS * 86_400_000 + 3_600_000) problems.push(E.rangeTooLong(WORK_REPORT_MAX_DAYS));
  }

  if (problems.length > 0) throw new WorkReportRejection(problems);
  return { tenant, zone, logins, from, to, granularity: aggregate as Granularity, limit: limit ?? WORK_REPORT_MAX_LIMIT, offset: offset ?? 0 };
}

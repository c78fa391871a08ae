import type { ThuliumWorld } from '../model/thulium-world.ts';
import type { ErrorItem } from './api-errors.ts';
import { ThuliumApiError } from './api-errors.ts';
import { parseRequestDate } from './local-time.ts';
import type { PhpQuery } from './query-params.ts';

export const AGGREGATIONS = ['hour_of_day', 'minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const MAX_LIMIT = 100;

/** A validated `GET agents_work_report`. */
export interface WorkReportRequest {
  /** The agents' logins, known ones only, sorted and without duplicates. */
  readonly logins: readonly string[];
  /** [from, to) epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly aggregateBy: Aggregation;
  readonly outboundThreshold: number;
  readonly limit: number;
  readonly offset: number;
}

function integerIn(text: string | undefined, fallback: number, min: number, max: number): number | null {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

/**
 * Validates the query, collecting every problem into one 400 (e.g. date_from and date_to both missing). Unknown
 * logins and group ids select nobody: not an error. `queues_ids[]` is validated and otherwise ignored (no queues
 * are modelled).
 */
export function workReportRequest(query: PhpQuery, world: ThuliumWorld): WorkReportRequest {
  const zone = world.options.zone;
  const errors: ErrorItem[] = [];
  const logins = query.list('agent_logins');
  const groupTexts = query.list('agent_group_ids');
  if ((logins ?? []).length === 0 && (groupTexts ?? []).length === 0) errors.push({ name: 'agentsRequired' });
  for (const name of ['agent_group_ids', 'queues_ids']) {
    if ((query.list(name) ?? []).some((id) => !/^\d+$/.test(id))) errors.push({ name: 'invalidIdList', params: { name } });
  }
  const fromText = query.scalar('date_from');
  const toText = query.scalar('date_to');
  const from = fromText === undefined ? undefined : parseRequestDate(fromText, zone, false);
  const to = toText === undefined ? undefined : parseRequestDate(toText, zone, true);
  for (const [name, text, value] of [['date_from', fromText, from], ['date_to', toText, to]] as const) {
    if (text === undefined) errors.push({ name: 'missingParameter', params: { name } });
    else if (value === null) errors.push({ name: 'invalidDate', params: { name } });
  }
  if (typeof from === 'number' && typeof to === 'number' && to <= from) errors.push({ name: 'dateOrder' });
  const aggregateText = query.scalar('aggregate_by') ?? 'month';
  const aggregateBy = (AGGREGATIONS as readonly string[]).includes(aggregateText) ? (aggregateText as Aggregation) : null;
  if (aggregateBy === null) errors.push({ name: 'invalidAggregate', params: { values: AGGREGATIONS.join(', ') } });
  const limit = integerIn(query.scalar('limit'), MAX_LIMIT, 1, MAX_LIMIT);
  if (limit === null) errors.push({ name: 'invalidLimit' });
  const offset = integerIn(query.scalar('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (offset === null) errors.push({ name: 'invalidOffset' });
  const outboundThreshold = integerIn(query.scalar('outbound_threshold'), 0, 0, Number.MAX_SAFE_INTEGER);
  if (outboundThreshold === null) errors.push({ name: 'invalidThreshold' });
  const [first, ...rest] = errors;
  if (first !== undefined) throw new ThuliumApiError([first, ...rest]);
  const groupIds = new Set((groupTexts ?? []).map(Number));
  const wanted = new Set(logins ?? []);
  const selected = world.timelines.filter((t) => wanted.has(t.agent.login) || groupIds.has(t.agent.groupId)).map((t) => t.agent.login);
  return {
    logins: selected,
    from: from ?? 0,
    to: to ?? 0,
    aggregateBy: aggregateBy ?? 'month',
    outboundThreshold: outboundThreshold ?? 0,
    limit: limit ?? MAX_LIMIT,
    offset: offset ?? 0,
  };
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PeriodAggregate } from '../core/rollup/rollup.ts';
import type { TimeCategory } from '../core/rollup/period.ts';
import { epochZones } from '../state/epoch-id.ts';
import type { QuarterHourRow } from '../state/store-types.ts';
import type { AnswerCache } from './answer-cache.ts';
import { answerKey, CachedAnswer } from './answer-cache.ts';
import type { CompletenessView } from './completeness.ts';
import { completenessHeaders, completenessView } from './completeness.ts';
import type { QueryAdmission } from './query-admission.ts';
import { requestSignal } from './request-signal.ts';
import type { Row, SelectedRows } from './row-selection.ts';
import { sendAnswer } from './send-answer.ts';
import type { ServerDeps } from './server-deps.ts';
import { planStatisticRead } from './statistic-read-plan.ts';
import { answerBasis, answerCompleteness, storeRead } from './store-read.ts';

/** What a statistic request reads: the tenant's quarter-hours starting in [start, end), rolled up to `category` in `zone`. */
export interface StatisticRead {
  readonly tenant: string;
  readonly start: number;
  readonly end: number;
  readonly zone: string;
  readonly category: TimeCategory;
  readonly userIds: readonly string[] | undefined;
  /** Read the days' agentHistory breakdowns too. */
  readonly breakdown: boolean;
}

/** Turns what was read into the answer's page and total. */
export type StatisticPageOf = (stored: readonly QuarterHourRow[], days: readonly PeriodAggregate[], completeness: CompletenessView) => SelectedRows<Row>;

/**
 * Answers a statistic request (/agentStatistic, /agentHistory) from the store: the answer basis (completeness and data
 * revision, one round trip) keys the shared answer cache; on a miss, under `admission`, whole local days of a zone the
 * store aggregates are read from the day aggregates and the rest as quarter-hours (planStatisticRead), `pageOf` makes
 * the page, and the answer is cached unless rows were found missing. Completeness goes in headers, read before the
 * rows so that the rows hold everything it claims; `X-Total-Count` is the number of matching rows before paging.
 */
export async function answerStatisticRead(
  request: FastifyRequest, reply: FastifyReply, deps: ServerDeps, admission: QueryAdmission, cache: AnswerCache, read: StatisticRead, pageOf: StatisticPageOf,
): Promise<FastifyReply> {
  const { tenant, start, end, zone, userIds } = read;
  const { completeness, revision } = await storeRead(answerBasis(deps.reader, tenant));
  const key = answerKey([tenant, revision, completeness.epoch ?? '', JSON.stringify(completeness), start, end, request.url]);
  const cached = cache.get(key);
  if (cached !== undefined) return sendAnswer(request, reply, cached);
  const answer = await admission.run(async (signal) => {
    const { epoch } = completeness;
    const aggregated = epoch !== null && epochZones(epoch).includes(zone);
    const plan = planStatisticRead(start, end, read.category, zone, { aggregated, oldestWholeDay: deps.reader.oldestWholeDay() });
    const users = userIds === undefined ? {} : { userIds };
    const [parts, days] = await storeRead(Promise.all([
      Promise.all(plan.quarterHours.map((range) => deps.reader.readQuarterHours({ tenant, ...users, ...range }))),
      epoch === null ? [] : deps.reader.readDays(epoch, tenant, zone, plan.days, userIds, read.breakdown),
    ]));
    signal.throwIfAborted();
    const stored = parts.flatMap((part) => part.rows);
    const missing = parts.reduce((sum, part) => sum + part.missing, 0);
    const view = completenessView(answerCompleteness(deps.reader, completeness, missing), deps.allowedLatenessMs);
    const { page, total } = pageOf(stored, days, view);
    signal.throwIfAborted();
    return { answer: new CachedAnswer(JSON.stringify(page), { ...completenessHeaders(view), 'x-total-count': String(total) }), missing };
  }, requestSignal(request.raw, reply.raw));
  if (answer.missing === 0) cache.set(key, answer.answer);
  return sendAnswer(request, reply, answer.answer);
}

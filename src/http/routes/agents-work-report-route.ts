import type { FastifyInstance } from 'fastify';
import { AgentTimelinesError } from '../../errors/agent-timelines-error.ts';
import { completenessHeaders, completenessView } from '../completeness.ts';
import type { QueryAdmission } from '../query-admission.ts';
import type { ServerDeps } from '../server-deps.ts';
import { answerCompleteness, storeRead } from '../store-read.ts';
import { answerLanguage, errorBody, WORK_REPORT_ERRORS, WorkReportRejection } from '../work-report/work-report-errors.ts';
import { parseWorkReportQuery, WORK_REPORT_DEFAULT_ZONE } from '../work-report/work-report-query.ts';
import { workReportRows } from '../work-report/work-report-rows.ts';

export const AGENTS_WORK_REPORT_PATH = '/api/agents_work_report';

/**
 * `GET /api/agents_work_report`: Thulium's agents work report (docs/http-api.md) computed from the stored quarter-hours
 * of any tenant and source, so a client written for Thulium reads our statistics unchanged. The body is a bare JSON
 * array of Thulium rows ordered by login, then bucket, paged by offset/limit; completeness and `X-Total-Count` go in
 * headers. Errors, including a full admission queue or an unreachable store (503, Retry-After: 1), are Thulium's
 * `{request_id, errors:[{message, code}]}`, in Polish when Accept-Language starts with `pl`.
 */
export function registerAgentsWorkReportRoute(app: FastifyInstance, deps: ServerDeps, admission: QueryAdmission): void {
  const zoneOf = (tenant: string): string => deps.tenantTimeZones?.[tenant] ?? WORK_REPORT_DEFAULT_ZONE;
  app.get(AGENTS_WORK_REPORT_PATH, async (request, reply) => {
    const language = answerLanguage(request.headers['accept-language']);
    try {
      const query = parseWorkReportQuery(request.url, deps.tenant, zoneOf);
      const { rows, view } = await admission.run(async () => {
        const completeness = await storeRead(deps.reader.getCompleteness(query.tenant));
        const [stored, directory] = await Promise.all([
          storeRead(deps.reader.readQuarterHours({ tenant: query.tenant, userIds: query.logins, from: query.from, to: query.to })),
          storeRead(deps.reader.getAgentDirectory(query.tenant)),
        ]);
        const view = completenessView(answerCompleteness(deps.reader, completeness, stored.missing), deps.allowedLatenessMs);
        return { rows: workReportRows(stored.rows, directory, query), view };
      });
      const page = rows.slice(query.offset, query.offset + query.limit);
      return await reply.headers({ ...completenessHeaders(view), 'x-total-count': String(rows.length) }).send(page);
    } catch (error) {
      if (error instanceof WorkReportRejection) return reply.code(400).send(errorBody(error.problems, language));
      if (error instanceof AgentTimelinesError && error.code === 'SERVICE_UNAVAILABLE') {
        request.log.warn({ err: error, url: request.url }, 'work report unavailable');
        return reply.code(503).header('retry-after', '1').send(errorBody([WORK_REPORT_ERRORS.unavailable(error.message)], language));
      }
      throw error;
    }
  });
}

import type { FastifyInstance } from 'fastify';
import { AgentTimelinesError } from '../../errors/agent-timelines-error.ts';
import { formatUtc } from '../../core/time/timestamp.ts';
import type { SegmentRow } from '../../state/store-types.ts';
import { BadRequest } from '../bad-request.ts';
import type { CompletenessView } from '../completeness.ts';
import { completenessHeaders, completenessView, isFinal } from '../completeness.ts';
import { guid, parseRaiQuery, tenantParam, timeParam } from '../query-values.ts';
import { rangeWithinLimit } from '../query-range.ts';
import type { ServerDeps } from '../server-deps.ts';
import { answerCompleteness, storeRead } from '../store-read.ts';

const PARAMETERS = new Set(['startTime', 'endTime', 'tenant']);
const NO_FIELDS = new Set<string>();

function segmentOut(segment: SegmentRow, completeness: CompletenessView): Record<string, string | number | boolean | null> {
  return {
    sessionId: segment.sessionId,
    start: formatUtc(segment.start),
    end: formatUtc(segment.end),
    durationMs: segment.end - segment.start,
    userStatus: segment.userStatus,
    handlingStatus: segment.handlingStatus,
    profile: segment.profile ?? null,
    profileReason: segment.profileReason ?? null,
    profileType: segment.profileType ?? null,
    campaignId: segment.campaignId ?? null,
    revision: segment.revision,
    final: isFinal(completeness, segment.end),
    source: segment.source,
    sampled: segment.sampled ?? false,
  };
}

/**
 * `GET /agents/{userId}/timeline?startTime&endTime`: the closed timeline segments of one agent that overlap
 * [startTime, endTime), unclipped, by start. 404 when the tenant has never seen the user; 503 instead while the
 * store is incomplete (rebuilding after a loss, no sink), when the user may just not be back yet.
 */
export function registerTimelineRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Params: { userId: string } }>('/agents/:userId/timeline', async (request, reply) => {
    const userId = guid(request.params.userId);
    const { params } = parseRaiQuery(request.url, PARAMETERS, NO_FIELDS);
    const start = timeParam(params, 'startTime', true);
    const end = timeParam(params, 'endTime', true);
    if (end <= start) throw new BadRequest(`Invalid endTime: '${params.get('endTime') ?? ''}' must be after startTime`);
    rangeWithinLimit(start, end, deps.requestLimits?.maxQueryDays);
    const tenant = tenantParam(params, deps.tenant);
    const stored = await storeRead(deps.reader.getCompleteness(tenant));
    const [timeline, directory] = await Promise.all([storeRead(deps.reader.readTimeline(tenant, userId, start, end)), storeRead(deps.reader.getAgentDirectory(tenant))]);
    const segments = timeline.rows;
    const completeness = completenessView(answerCompleteness(deps.reader, stored, timeline.missing), deps.allowedLatenessMs);
    const userName = directory[userId];
    if (userName === undefined && segments.length === 0) {
      if (completeness.incomplete !== null && completeness.incomplete.reason !== 'no-watermark') {
        throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `user '${userId}' is not in the store, which is incomplete: ${completeness.incomplete.detail}`);
      }
      return reply.code(404).type('text/plain; charset=utf-8').send(`Unknown user: '${userId}'`);
    }
    return reply.headers(completenessHeaders(completeness)).send({
      userId,
      userName: userName ?? segments[0]?.userName ?? null,
      startTime: formatUtc(start),
      endTime: formatUtc(end),
      segments: segments.map((segment) => segmentOut(segment, completeness)),
    });
  });
}

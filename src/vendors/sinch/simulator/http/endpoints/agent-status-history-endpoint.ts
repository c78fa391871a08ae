import type { Endpoint } from '../endpoint.ts';
import { PAGING_PARAMETERS } from '../endpoint.ts';
import { guidListParam, languageParam, timeParam } from '../query-values.ts';

/**
 * `/agentStatusHistory`: rows with startTime ≤ changeTimestamp < endTime (endTime optional), in
 * changeTimestamp order with a stable tie-break (userId, then write order). No sort, no field filters.
 */
export const agentStatusHistoryEndpoint: Endpoint = {
  path: '/agentStatusHistory',
  parameters: new Set(['startTime', 'endTime', 'userId', 'sessionId', 'language', ...PAGING_PARAMETERS]),
  fields: new Set(),
  defaultSort: null,
  rows(query, { now, data }) {
    const start = timeParam(query.params, 'startTime', true) ?? 0;
    const end = timeParam(query.params, 'endTime', false) ?? Number.POSITIVE_INFINITY;
    const users = guidListParam(query.params, 'userId');
    const sessions = guidListParam(query.params, 'sessionId');
    languageParam(query.params);
    const out: Record<string, unknown>[] = [];
    for (const timed of data.visibleStatusRows(now)) {
      if (timed.changeTimestamp < start || timed.changeTimestamp >= end) continue;
      if (users !== undefined && !users.has(timed.userId)) continue;
      if (sessions !== undefined && !sessions.has(timed.sessionId)) continue;
      out.push({ ...timed.row });
    }
    return out;
  },
};

import { TIME_CATEGORIES } from '../core/rollup/period.ts';
import { SOURCE_IDS } from '../core/source/source-id.ts';
import { COUNT_FIELDS, HISTORY_METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import type { Json } from './openapi-parts.ts';
import { COMMON, FILTERS, GUARDED, json, PAGED_HEADERS, query, text, TIME } from './openapi-parts.ts';

function historySchema(): Json {
  const properties: Record<string, Json> = {
    timeCategory: { type: 'string', description: 'Period label (UTC); only when timeCategory is given.' },
    userId: { type: 'string', description: 'Only when showUser is true.' },
    userName: { type: 'string', description: 'Only when showUser is true.' },
    profileId: { type: 'null', description: 'Only when showProfile is true. Always null: agentStatusHistory names presence profiles but carries no profile ids.' },
    profileName: { type: ['string', 'null'], description: 'Only when showProfile is true: the profile of the latest user-status record; null where none was reported.' },
    profileReason: { type: ['string', 'null'], description: 'Only when showProfile is true.' },
    campaignId: { type: ['string', 'null'], description: 'Only when showCampaign is true: the campaign served (OBJoin … OBUnJoin); null outside campaigns.' },
    campaignName: { type: 'null', description: 'Only when showCampaign is true. Always null: agentStatusHistory carries campaign ids, not names.' },
    intervalStart: { type: 'string', format: 'date-time', description: 'agent-timelines extension.' },
    intervalEnd: { type: 'string', format: 'date-time', description: 'agent-timelines extension.' },
  };
  for (const field of HISTORY_METRIC_FIELDS) {
    properties[field] = (COUNT_FIELDS as readonly string[]).includes(field)
      ? { type: ['integer', 'null'], description: 'null: not supplied by the source.' }
      : { type: ['number', 'null'], description: 'Milliseconds; null: not supplied by the source.' };
  }
  properties['maxChangeTimestamp'] = { type: ['string', 'null'], format: 'date-time' };
  properties['source'] = { type: 'string', description: `agent-timelines extension: the source of the row's data (${SOURCE_IDS.join(', ')}).` };
  properties['partialFields'] = { type: 'array', items: { type: 'string' }, description: 'Only when present: fields left null because only some summed quarter-hours had them.' };
  return { type: 'object', properties, required: [...HISTORY_METRIC_FIELDS, 'maxChangeTimestamp', 'source'] };
}

/** The OpenAPI operation of GET /agentHistory (routes/agent-history-route.ts). */
export function agentHistoryOperation(): Json {
  return {
    get: {
      operationId: 'getAgentHistory',
      summary: 'Agent statistics by presence profile and outbound campaign (RAI agentHistory), in UTC',
      parameters: [
        query('startTime', `${TIME}; rounded up to the next quarter hour.`, { type: 'string' }, true),
        query('endTime', `${TIME}; rounded up to the end of its quarter hour.`, { type: 'string' }, true),
        query('timeCategory', 'Aggregation level in UTC; default (null): one row per user (and profile, campaign) over the range, without a timeCategory field.', { type: 'string', enum: ['null', ...TIME_CATEGORIES] }),
        COMMON.userId,
        query('campaignId', 'Comma-separated campaign ids: only time and contacts in those campaigns count.', { type: 'string' }),
        query('profileId', 'Not supported (400): profile ids are unknown; filter with showProfile=true&profileName=….', { type: 'string' }),
        query('showUser', 'Include userId/userName; false sums over the selected users.', { type: 'boolean', default: true }),
        query('showProfile', 'One row per profile (profileId, profileName, profileReason).', { type: 'boolean', default: false }),
        query('showCampaign', 'One row per campaign (campaignId, campaignName).', { type: 'boolean', default: false }),
        COMMON.language, COMMON.sort, COMMON.offset, COMMON.limit, COMMON.tenant, FILTERS,
      ],
      responses: {
        200: json('Rows, sorted by maxChangeTimestamp unless sort is given.', { type: 'array', items: historySchema() }, PAGED_HEADERS),
        400: text('Invalid input, e.g. `Invalid GUID: \'…\'`, a missing endTime, profileId, or a range over the maximum.'),
        ...GUARDED,
        503: text('The store is unreachable, too many queries are running, or the query passed its deadline (Retry-After).'),
      },
    },
  };
}

import { COUNT_FIELDS, SEED_ORDER_METRIC_FIELDS } from '../core/statistic/agent-statistic-fields.ts';
import { TIME_CATEGORIES } from '../core/rollup/period.ts';
import { SOURCE_IDS } from '../core/source/source-id.ts';
import { AGENT_STATUS_FIELDS } from './routes/agent-status-route.ts';
import { COMMON, COMPLETENESS_HEADERS, FILTERS, GUARDED, json, PAGED_HEADERS, query, text, TIME } from './openapi-parts.ts';
import type { Json } from './openapi-parts.ts';
import { alertRulesOperation, firingAlertsOperation } from './openapi-alerts.ts';
import { agentHistoryOperation } from './openapi-history.ts';
import { WORK_REPORT_DEFAULT_ZONE, WORK_REPORT_MAX_DAYS, WORK_REPORT_MAX_LIMIT } from './work-report/work-report-query.ts';

function statisticSchema(): Json {
  const properties: Record<string, Json> = {
    source: { type: 'string', description: `The source of the row's data (${SOURCE_IDS.join(', ')}); sorted and comma-separated when the row sums several.` },
    timeCategory: { type: 'string', description: 'Period label; only when timeCategory is given.' },
    userId: { type: 'string', minLength: 1, maxLength: 200, description: 'Only when showUser is true. A Sinch RAI GUID, an Evo Voice agent id or a Thulium login.' },
    userName: { type: 'string', description: 'Only when showUser is true.' },
    intervalStart: { type: 'string', format: 'date-time' },
    intervalEnd: { type: 'string', format: 'date-time' },
  };
  for (const field of SEED_ORDER_METRIC_FIELDS) {
    properties[field] = (COUNT_FIELDS as readonly string[]).includes(field)
      ? { type: ['integer', 'null'], description: 'null: not supplied by the source (or only by some of the summed rows: see partialFields).' }
      : { type: ['number', 'null'], description: 'Milliseconds; null: not supplied by the source (or only by some of the summed rows: see partialFields).' };
  }
  properties['partialFields'] = {
    type: 'array',
    items: { type: 'string' },
    description: 'Only when present: fields left null because some of the summed quarter-hours had them and some did not (docs/http-api.md).',
  };
  properties['extraFields'] = {
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Only when present: vendor figures without an agentStatistic field (Thulium per-reason pauses, below-threshold outbound calls, …; durations in milliseconds), summed per name (docs/metrics.md).',
  };
  properties['maxChangeTimestamp'] = { type: ['string', 'null'], format: 'date-time' };
  properties['final'] = { type: 'boolean', description: 'Only with showCompleteness=true.' };
  properties['revision'] = { type: 'integer', description: 'Only with showCompleteness=true, for single quarter-hour rows.' };
  properties['status'] = { type: 'string', enum: ['provisional', 'final', 'correction'], description: 'As revision.' };
  return { type: 'object', properties, required: ['source', ...SEED_ORDER_METRIC_FIELDS, 'intervalStart', 'intervalEnd', 'maxChangeTimestamp'] };
}

function statusSchema(): Json {
  const properties: Record<string, Json> = {};
  for (const field of AGENT_STATUS_FIELDS) properties[field] = { type: 'string' };
  for (const field of ['userStatusDuration', 'contactHandlingStatusDuration']) properties[field] = { type: 'integer', description: 'Milliseconds in the current status, at request time.' };
  properties['loggedIn'] = { type: 'boolean' };
  properties['availability'] = { type: ['string', 'null'], description: 'LoggedOut, Away, Free or Busy; null for a source without presence when no contact makes it known.' };
  properties['source'] = { type: 'string', enum: [...SOURCE_IDS] };
  properties['sampled'] = { type: 'boolean', description: 'Only when true: the source\'s states are read at an interval (Thulium), so the change time is the vendor\'s last change as last read.' };
  return { type: 'object', properties, required: ['source', 'userId', 'userName', 'userStatus', 'availability', 'changeTimestamp'] };
}

const SEGMENT: Json = {
  type: 'object',
  required: ['source'],
  properties: {
    source: { type: 'string' }, sessionId: { type: 'string' }, start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' },
    durationMs: { type: 'integer' }, userStatus: { type: 'string' }, handlingStatus: { type: 'string' },
    profile: { type: ['string', 'null'] }, profileReason: { type: ['string', 'null'] }, profileType: { type: ['string', 'null'] },
    campaignId: { type: ['string', 'null'] }, revision: { type: 'integer' }, final: { type: 'boolean' },
    sampled: { type: 'boolean', description: 'True when the source\'s timeline is sampled (Thulium): changes between two reads are missed.' },
  },
};

const BILLING_ROW: Json = {
  type: 'object',
  properties: {
    date: { type: 'string', format: 'date' }, accountName: { type: ['string', 'null'] }, customerName: { type: ['string', 'null'] },
    customerId: { type: ['string', 'null'], description: 'Only with includeCustomerIds=true.' }, service: { type: 'string' }, description: { type: ['string', 'null'] },
    quantity: { type: 'number' }, unit: { type: ['string', 'null'] }, unitPrice: { type: ['number', 'null'] }, amount: { type: 'number', description: 'Quantity × Unit Price, as the vendor rounded it.' },
    reportId: { type: 'string', description: 'The vendor report the row came from.' },
  },
  required: ['date', 'service', 'quantity', 'amount', 'reportId'],
};

const nullable = (type: string, description?: string): Json => (description === undefined ? { type: [type, 'null'] } : { type: [type, 'null'], description });
const DURATION = (description: string): Json => ({ type: ['string', 'null'], pattern: '^\\d{2,}:\\d{2}:\\d{2}$', description: `HH:MM:SS (hours unbounded), whole seconds rounded half up; ${description}` });
const ALWAYS_NULL = (why: string): Json => ({ type: 'null', description: `Always null: ${why}.` });

function workReportRowSchema(): Json {
  const object = (properties: Record<string, Json>): Json => ({ type: 'object', properties, required: Object.keys(properties) });
  const pause = (id: string, sum: string): Json => object({ id: { const: id }, count: ALWAYS_NULL('pauses started are not in the statistics'), sum: DURATION(sum), average: ALWAYS_NULL('needs count') });
  return object({
    agent: object({ login: { type: 'string', description: 'Our userId.' }, name: nullable('string', 'userName (null when the store never saw a name).'), surname: ALWAYS_NULL('userName is not split') }),
    period: { type: 'string', description: 'Local label: hour_of_day HH, hour YYYY-MM-DD HH, day YYYY-MM-DD, week YYYY-Www (ISO), month YYYY-MM, year YYYY.' },
    inbound: object({
      count: ALWAYS_NULL('answered + not answered; not answered is unknown'),
      answered_count: nullable('integer', 'countOfHandledCallIn.'),
      not_answered_count: ALWAYS_NULL('unknown'),
      transferred_count: ALWAYS_NULL('unknown'),
      sum: DURATION('callInDuration.'),
      average: DURATION('callInDuration / countOfHandledCallIn; 00:00:00 when the count is 0.'),
      wait_sum: ALWAYS_NULL('callers\' waiting time is not in the statistics'),
      wait_average: ALWAYS_NULL('as wait_sum'),
      calls_per_hour: ALWAYS_NULL('Thulium does not document its definition (which logged-in time it divides by)'),
    }),
    chat: object({ closed: nullable('integer', 'countOfHandledChatIn.'), responded: ALWAYS_NULL('unknown') }),
    ticket: object({ closed: nullable('integer', 'countOfHandledEmailIn.'), responded: ALWAYS_NULL('unknown'), total_responded: ALWAYS_NULL('unknown') }),
    outbound_above_threshold: object({ count: nullable('integer', 'countOfHandledCallOut (threshold 0: connected calls).'), sum: DURATION('callOutDuration.'), average: DURATION('callOutDuration / countOfHandledCallOut; 00:00:00 when the count is 0.') }),
    outbound_below_threshold: object({ count: ALWAYS_NULL('unanswered attempts are not counted'), sum: ALWAYS_NULL('as count'), average: ALWAYS_NULL('as count') }),
    login_date: ALWAYS_NULL('not derived'),
    logout_date: ALWAYS_NULL('not derived'),
    pauses: { type: 'array', description: 'Exactly [all, free]: per-reason pause time is not in the statistics.', prefixItems: [pause('all', 'pauseDuration.'), pause('free', 'freeDuration.')], items: false, minItems: 2 },
  });
}

const THULIUM_ERROR: Json = {
  type: 'object',
  required: ['request_id', 'errors'],
  properties: {
    request_id: { type: 'string', pattern: '^[0-9a-f]{13}$' },
    errors: { type: 'array', items: { type: 'object', required: ['message', 'code'], properties: { message: { type: 'string' }, code: { type: 'integer' } } } },
  },
};

const PUBLIC: Json = [];
const scoped = (scope: string): Json => [{ bearerToken: [scope] }];

/** The OpenAPI 3.1 document of every route {@link buildServer} registers. */
export function openApiDocument(): Record<string, Json> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'agent-timelines HTTP API',
      version: '0.1.0',
      description: 'Sinch RAI compatible agent statistics from the exactly-once timeline processor. See docs/http-api.md (security model: "Security").',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    security: [{ bearerToken: [] }],
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from API_TOKENS_FILE (stored there as its SHA-256). Data routes need a token holding the tenant read; /metrics and /readyz the metrics or ready scope. Without API_TOKENS_FILE the server binds to loopback only and asks for no token.',
        },
      },
    },
    paths: {
      '/agentStatistic': {
        get: {
          operationId: 'getAgentStatistic',
          summary: 'Agent statistics per quarter hour or rolled up (RAI agentStatistic)',
          parameters: [
            query('startTime', `${TIME}; rounded up to the next quarter hour.`, { type: 'string' }, true),
            query('endTime', `${TIME}; rounded up to the end of its quarter hour. Default: the end of the current quarter hour.`, { type: 'string' }),
            query('timeCategory', 'Aggregation level; default (null): quarter-hour rows without a timeCategory field.', { type: 'string', enum: ['null', ...TIME_CATEGORIES] }),
            query('timeZone', 'IANA zone of the periods and labels (any case, aliases accepted; at most 64 characters); default UTC.', { type: 'string', default: 'UTC', maxLength: 64 }),
            COMMON.userId,
            query('showUser', 'Include userId/userName; false sums each period over the selected users.', { type: 'boolean', default: true }),
            query('showCompleteness', 'agent-timelines extension: add final (and revision/status for single quarter-hours) to each row.', { type: 'boolean', default: false }),
            COMMON.language, COMMON.sort, COMMON.offset, COMMON.limit, COMMON.tenant, FILTERS,
          ],
          responses: {
            200: json('Rows, sorted by maxChangeTimestamp unless sort is given.', { type: 'array', items: statisticSchema() }, PAGED_HEADERS),
            400: text(`Invalid input, e.g. \`Invalid GUID: '…'\`, or a range over the maximum (31 days by default): \`Invalid range: … at most 31 days per request\`.`),
            ...GUARDED,
            503: text('The store is unreachable, too many queries are running, or the query passed its deadline (Retry-After).'),
          },
        },
      },
      '/agentHistory': agentHistoryOperation(),
      '/api/agents_work_report': {
        get: {
          operationId: 'getAgentsWorkReport',
          summary: 'Thulium agents work report computed from our quarter-hours (any tenant, any source)',
          description: 'A client written for Thulium\'s GET /api/agents_work_report reads our statistics unchanged. Dates are local to timeZone. Every null field is unknown to us, see docs/http-api.md.',
          parameters: [
            { ...(query('agent_logins[]', 'Required: our user ids (also agent_logins[0]=… or agent_logins=…). Unknown ids give no rows.', { type: 'array', items: { type: 'string' } }, true) as Record<string, Json>), style: 'form', explode: true },
            query('agent_group_ids[]', 'Not supported (400 code 1201): agent-timelines has no agent groups.', { type: 'array', items: { type: 'string' } }),
            query('queues_ids[]', 'Not supported (400 code 1202).', { type: 'array', items: { type: 'string' } }),
            query('date_from', 'YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS, local, on a quarter hour. A repeated local time is its first instant; a skipped one moves forward by the gap.', { type: 'string' }, true),
            query('date_to', `As date_from, exclusive; a date alone means the end of that day. At most ${WORK_REPORT_MAX_DAYS} days after date_from.`, { type: 'string' }, true),
            query('aggregate_by', 'minute is not supported (400 code 1203): the statistics are quarter hours.', { type: 'string', enum: ['hour_of_day', 'minute', 'hour', 'day', 'week', 'month', 'year'], default: 'month' }),
            query('outbound_threshold', 'Seconds; only 0 is supported (400 code 1204 otherwise).', { type: 'integer', minimum: 0, maximum: 0, default: 0 }),
            query('limit', `Page length, 1 to ${WORK_REPORT_MAX_LIMIT}; more is a 400 (code 1006), not clamped.`, { type: 'integer', minimum: 1, maximum: WORK_REPORT_MAX_LIMIT, default: WORK_REPORT_MAX_LIMIT }),
            query('offset', 'Rows to skip.', { type: 'integer', minimum: 0, default: 0 }),
            query('timeZone', `agent-timelines extension: IANA zone of dates and labels; default the tenant's configured zone, else ${WORK_REPORT_DEFAULT_ZONE}.`, { type: 'string' }),
            COMMON.tenant,
          ],
          responses: {
            200: json('Rows ordered by agent login, then period; one per known agent and bucket (a row of nulls where the store has no quarter hour of the agent).', { type: 'array', items: workReportRowSchema() }, PAGED_HEADERS),
            400: { description: 'Every problem of the request, in Polish with Accept-Language: pl.', content: { 'application/json': { schema: THULIUM_ERROR } } },
            ...GUARDED,
            503: { description: 'The store is unreachable or too many queries wait (Retry-After: 1).', content: { 'application/json': { schema: THULIUM_ERROR } } },
          },
        },
      },
      '/agentStatus': {
        get: {
          operationId: 'getAgentStatus',
          summary: 'Current state and time in state of every agent (RAI agentStatus)',
          parameters: [
            query('startTime', `${TIME}; only agents whose changeTimestamp is at or after it.`, { type: 'string' }),
            query('endTime', `${TIME}; only agents whose changeTimestamp is before it.`, { type: 'string' }),
            COMMON.userId,
            query('showAgentInfo', 'Accepted for RAI compatibility; there is no agent info to add.', { type: 'boolean', default: false }),
            COMMON.language, COMMON.sort, COMMON.offset, COMMON.limit, COMMON.tenant, FILTERS,
          ],
          responses: { 200: json('Agent states, sorted by changeTimestamp unless sort is given.', { type: 'array', items: statusSchema() }, PAGED_HEADERS), 400: text('Invalid input.'), ...GUARDED, 503: text('The store is unreachable, too many queries are running, or the query passed its deadline (Retry-After).') },
        },
      },
      '/agents/{userId}/timeline': {
        get: {
          operationId: 'getAgentTimeline',
          summary: 'Timeline segments of one agent overlapping [startTime, endTime)',
          parameters: [
            { name: 'userId', in: 'path', required: true, description: 'A Sinch RAI user GUID, an Evo Voice agent id, a Thulium login or a HostedSuite agent name.', schema: { type: 'string', minLength: 1, maxLength: 200 } },
            query('startTime', TIME, { type: 'string' }, true),
            query('endTime', TIME, { type: 'string' }, true),
            COMMON.tenant,
          ],
          responses: {
            200: json('Segments by start.', { type: 'object', properties: { userId: { type: 'string' }, userName: { type: ['string', 'null'] }, startTime: { type: 'string' }, endTime: { type: 'string' }, segments: { type: 'array', items: SEGMENT } } }, COMPLETENESS_HEADERS),
            400: text('Invalid input, or a range over the maximum (31 days by default).'), ...GUARDED, 404: text('The tenant has never seen this user.'), 503: text('The store is unreachable, or incomplete (rebuilding, no sink) and does not know the user.'),
          },
        },
      },
      '/billing': {
        get: {
          operationId: 'getBilling',
          summary: 'Evo Voice billing rows of one account, as the vendor\'s billing report has them',
          parameters: [
            query('accountId', 'The Evo Voice account.', { type: 'string' }, true),
            query('startDate', 'First day, YYYY-MM-DD (of a date-time only the date is used).', { type: 'string', format: 'date' }, true),
            query('endDate', 'Day after the last one (exclusive), YYYY-MM-DD; after startDate, at most 366 days later.', { type: 'string', format: 'date' }, true),
            query('includeCustomerIds', 'Add customerId to each row (null where the report ran without ids).', { type: 'boolean', default: false }),
            COMMON.tenant,
          ],
          responses: {
            200: json('Rows by date, customer name and service.', { type: 'object', properties: { tenant: { type: 'string' }, accountId: { type: 'string' }, startDate: { type: 'string' }, endDate: { type: 'string' }, includeCustomerIds: { type: 'boolean' }, rows: { type: 'array', items: BILLING_ROW } } }, {}),
            400: text('A missing or invalid parameter, e.g. `Invalid endDate: \'…\' must be after startDate (endDate is exclusive)`.'),
            ...GUARDED,
            404: text('This server has no billing store.'),
            503: text('The store is unreachable.'),
          },
        },
      },
      '/board/events': {
        get: {
          operationId: 'getBoardEvents',
          summary: 'The tenant\'s agents as server-sent events: a snapshot, then each state change (docs/http-api.md, "GET /board/events")',
          parameters: [
            { name: 'Last-Event-ID', in: 'header', description: 'Resume after this change-feed id: the changes after it, or a fresh snapshot when the feed no longer holds them all.', schema: { type: 'string' } },
            COMMON.tenant,
          ],
          responses: {
            200: {
              description: 'An endless `text/event-stream`: events `snapshot` ({serverTime, agents, alerts}: the firing alerts, null where the server has no alert store), `agent` ({serverTime, agent}) and `alert` ({serverTime, alert}: a firing or resolved transition, as GET /alerts shows alerts) with the change-feed id as `id:`, and `heartbeat` ({serverTime}) without id. Rows are /agentStatus rows with `campaignId`, `userStatusSince` and `contactHandlingStatusSince`. Ignore unknown event types.',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            400: text('An unknown or invalid parameter.'),
            ...GUARDED,
            404: text('This server has no change feed.'),
            503: text('HTTP_SSE_MAX_CLIENTS streams are open (Retry-After: 5), or the store is unreachable.'),
          },
        },
      },
      '/alerts/rules': alertRulesOperation(),
      '/alerts': firingAlertsOperation(),
      '/healthz': { get: { operationId: 'getHealth', summary: 'Liveness (public)', security: PUBLIC, responses: { 200: text('ok') } } },
      '/readyz': {
        get: {
          operationId: 'getReadiness',
          summary: 'Readiness: Kafka, Redis, the schema registry, the processor and the Redis store (not rebuilding); needs the ready scope',
          security: scoped('ready'),
          responses: { 200: text('ready, one line per dependency'), ...GUARDED, 503: text('not ready: the failing dependencies, one line per dependency (credentials in URLs redacted)') },
        },
      },
      '/metrics': { get: { operationId: 'getMetrics', summary: 'Prometheus metrics; needs the metrics scope', security: scoped('metrics'), responses: { 200: text('Prometheus text exposition format'), ...GUARDED } } },
      '/openapi.json': { get: { operationId: 'getOpenApi', summary: 'This document (public)', security: PUBLIC, responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
    },
  };
}

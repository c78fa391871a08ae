import type { EndpointSpec } from '../../ingest/endpoint-spec.ts';

/** The `source` of the call records and of their poll watermarks on control.poll-watermarks. */
export const HOSTEDSUITE_CALLS_SOURCE = 'hostedsuite/calls';

/**
 * `POST /api/calls` (ListCallRecordsRequest) by StartTime: StartDate ≤ StartTime < EndDate is exact, so row time
 * decides the overlap; whole seconds are the finest time the API renders. Records are keyed by the agent, so one
 * agent's calls stay in one partition of raw.hostedsuite.calls.
 */
export const CALL_RECORDS: EndpointSpec = {
  endpoint: 'calls', source: HOSTEDSUITE_CALLS_SOURCE, topic: 'raw.hostedsuite.calls', schema: 'hostedsuite-call-record',
  params: {}, granularityMs: 1000, exactTimeFilter: true, partitionKeyField: 'agentKey', timeField: 'startTimeUtc',
  extra: (context) => ({ vendorPoll: context.listed?.poll ?? null, vendorRow: context.listed?.row ?? null }),
};

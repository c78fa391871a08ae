import type { EndpointSpec } from '../../ingest/endpoint-spec.ts';

const QUARTER_HOUR = 900_000;

/** The Sinch RAI endpoints the pollers read, with their raw topics and query parameters. */
export const AGENT_STATUS_HISTORY: EndpointSpec = {
  endpoint: 'agentStatusHistory', source: 'sinch-rai/agentStatusHistory', topic: 'raw.sinch.agent-status-history', schema: 'sinch-agent-status-history',
  params: {}, granularityMs: 1, exactTimeFilter: true, partitionKeyField: 'userId', timeField: 'changeTimestamp',
  extra: (context) => ({ vendorPoll: context.listed?.poll ?? null, vendorRow: context.listed?.row ?? null }),
};

/**
 * contactHistory with showOnlyContactCenter=false: an agent's direct calls outside the contact center application
 * (internal calls) are calls the agent handled too (its timeline shows them), and the Direct fields count them
 * (docs/metrics.md, "Direct contacts").
 */
export const CONTACT_HISTORY: EndpointSpec = {
  endpoint: 'contactHistory', source: 'sinch-rai/contactHistory', topic: 'raw.sinch.contacts', schema: 'sinch-contact',
  params: { showDetails: 'true', showUser: 'true', showOnlyContactCenter: 'false', sort: 'contactId' }, granularityMs: QUARTER_HOUR, exactTimeFilter: false, partitionKeyField: 'contactId', timeField: 'maxChangeTimestamp',
  extra: () => ({ endpoint: 'contactHistory' }),
};

export const CONTACT_STATISTIC: EndpointSpec = {
  endpoint: 'contactStatistic', source: 'sinch-rai/contactStatistic', topic: 'raw.sinch.contacts', schema: 'sinch-contact',
  params: { showDetails: 'true', showUser: 'true', sort: 'contactId' }, granularityMs: 1, exactTimeFilter: false, partitionKeyField: 'contactId', timeField: 'maxChangeTimestamp',
  extra: () => ({ endpoint: 'contactStatistic' }),
};

export const AGENT_STATUS: EndpointSpec = {
  endpoint: 'agentStatus', source: 'sinch-rai/agentStatus', topic: 'raw.sinch.agent-status', schema: 'sinch-agent-status',
  params: { showAgentInfo: 'true', sort: 'userId' }, granularityMs: 1, exactTimeFilter: false, partitionKeyField: 'userId', timeField: 'changeTimestamp',
  extra: (context) => ({ snapshotAt: context.snapshotAt }),
};

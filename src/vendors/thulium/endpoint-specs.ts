/** Names of one Thulium poller: metric label and checkpoint-key endpoint, watermark source, raw topic and schema. */
export interface ThuliumEndpointSpec {
  readonly endpoint: string;
  /** `source` of raw records and of the poll watermark. */
  readonly source: string;
  /** Logical raw topic (the config's prefix is added when publishing) and its schema (schemas/<schema>.avsc). */
  readonly topic: string;
  readonly schema: string;
}

/**
 * `agents_work_report` with `aggregate_by=minute`: one raw record per (tenant, agent login, UTC quarter-hour) with
 * the vendor's minute rows of that quarter-hour. Watermark: the chunk end.
 */
export const WORK_REPORT: ThuliumEndpointSpec = {
  endpoint: 'thulium/agents-work-report',
  source: 'thulium/agents-work-report',
  topic: 'raw.thulium.agents-work-report',
  schema: 'thulium-agents-work-report',
};

/** `agents_statuses`: one raw record per observed change of (status, pause_id, last_change). Watermark: sampledAt. */
export const AGENT_STATUSES: ThuliumEndpointSpec = {
  endpoint: 'thulium/agent-statuses',
  source: 'thulium/agent-statuses',
  topic: 'raw.thulium.agent-statuses',
  schema: 'thulium-agent-status',
};

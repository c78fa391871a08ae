import type { Config } from '../config/config.ts';
import type { ProcessorSourceId } from '../config/config-schema.ts';
import type { ProcessorSource } from '../processor/processor-source.ts';
import { evoVoiceAgentStateAdapter, EVO_VOICE_AGENT_STATE_WATERMARK_SOURCE } from '../vendors/evo-voice/agent-state-adapter.ts';
import { hostedSuiteCallAdapter } from '../vendors/hostedsuite/call-adapter.ts';
import { HOSTEDSUITE_CALLS_SOURCE } from '../vendors/hostedsuite/endpoint-specs.ts';
import { sinchAgentStatusHistoryAdapter } from '../vendors/sinch/agent-status-history-adapter.ts';
import { AGENT_STATUS, CONTACT_HISTORY } from '../vendors/sinch/endpoint-specs.ts';
import { sinchDirectContactRoute } from '../vendors/sinch/direct-contact-route.ts';
import { sinchAgentSnapshot, sinchLiveContact } from '../vendors/sinch/live-records.ts';
import { thuliumAgentStatusAdapter, THULIUM_AGENT_STATUS_WATERMARK_SOURCE } from '../vendors/thulium/agent-status-adapter.ts';
import { thuliumWorkReportAdapter, THULIUM_WORK_REPORT_WATERMARK_SOURCE } from '../vendors/thulium/work-report-adapter.ts';

type SourceWiring = Omit<ProcessorSource, 'name' | 'groupId'>;

/**
 * What each PROCESSOR_SOURCES entry reads (docs/processor.md "Sources"):
 * - `sinch-rai`: agentStatusHistory (watermarks PROCESSOR_WATERMARK_SOURCE; late records go to the re-processor), and
 *   its live feeds: the agentStatus snapshots and the contact records, to Redis for /agentStatus; and its direct
 *   contacts, re-keyed by user onto the history topic for the Direct fields (docs/metrics.md, "Direct contacts");
 * - `evo-voice`: the agent-state report rows (watermarks `evo-voice/agent-state`; never late: the poller publishes a
 *   window's rows and its watermark in one transaction, so too-late rows are dead-lettered), and its billing rows to
 *   Redis as they are;
 * - `thulium-reports`: the work report's quarter-hours (window reports: the source's statistics), and
 *   `thulium-statuses`: the sampled agent statuses (its timeline and current states); both publish their rows and
 *   watermark in one transaction like Evo Voice;
 * - `hostedsuite`: the call records (one session per call version); published with their watermark in one transaction,
 *   so a record later than the correction horizon is dead-lettered `too-late` (docs/vendors/hostedsuite-contract.md).
 */
const WIRING: Readonly<Record<Exclude<ProcessorSourceId, 'sinch-rai'>, SourceWiring>> = {
  'evo-voice': {
    id: 'evo-voice', adapter: evoVoiceAgentStateAdapter, rawTopic: 'raw.evovoice.agent-states', rawSchema: 'evo-voice-agent-state',
    watermarkSource: EVO_VOICE_AGENT_STATE_WATERMARK_SOURCE, reprocess: false, billingTopic: 'raw.evovoice.billing',
  },
  'thulium-reports': {
    id: 'thulium', adapter: thuliumWorkReportAdapter, rawTopic: 'raw.thulium.agents-work-report', rawSchema: 'thulium-agents-work-report',
    watermarkSource: THULIUM_WORK_REPORT_WATERMARK_SOURCE, reprocess: false,
  },
  'thulium-statuses': {
    id: 'thulium', adapter: thuliumAgentStatusAdapter, rawTopic: 'raw.thulium.agent-statuses', rawSchema: 'thulium-agent-status',
    watermarkSource: THULIUM_AGENT_STATUS_WATERMARK_SOURCE, reprocess: false, completeness: false,
  },
  hostedsuite: {
    id: 'hostedsuite', adapter: hostedSuiteCallAdapter, rawTopic: 'raw.hostedsuite.calls', rawSchema: 'hostedsuite-call-record',
    watermarkSource: HOSTEDSUITE_CALLS_SOURCE, reprocess: false,
  },
};

/** The processor source PROCESSOR_SOURCES names `name`, with its configured consumer group. */
export function processorSource(config: Config, name: ProcessorSourceId): ProcessorSource {
  const configured = config.processor.sources.find((source) => source.id === name);
  const groupId = configured?.groupId ?? (name === 'sinch-rai' ? config.processor.groupId : `${config.processor.groupId}.${name}`);
  if (name === 'sinch-rai') {
    return {
      name, id: 'sinch-rai', groupId, adapter: sinchAgentStatusHistoryAdapter, rawTopic: 'raw.sinch.agent-status-history', rawSchema: 'sinch-agent-status-history',
      watermarkSource: config.processor.watermarkSource, reprocess: true,
      live: { snapshotTopic: AGENT_STATUS.topic, contactTopic: CONTACT_HISTORY.topic, decodeSnapshot: sinchAgentSnapshot, decodeContact: sinchLiveContact },
      directContacts: { contactTopic: CONTACT_HISTORY.topic, route: sinchDirectContactRoute },
    };
  }
  return { ...WIRING[name], name, groupId };
}

/** Every source PROCESSOR_SOURCES names, in its order. */
export function processorSources(config: Config): ProcessorSource[] {
  return config.processor.sources.map((source) => processorSource(config, source.id));
}

import type { Config } from '../config/config.ts';
import type { ProcessorSourceId } from '../config/config-schema.ts';
import type { ProcessorSource } from '../processor/processor-source.ts';
import { evoVoiceAgentStateAdapter, EVO_VOICE_AGENT_STATE_WATERMARK_SOURCE } from '../vendors/evo-voice/agent-state-adapter.ts';
import { hostedSuiteCallAdapter } from '../vendors/hostedsuite/call-adapter.ts';
import { HOSTEDSUITE_CALLS_SOURCE } from '../vendors/hostedsuite/endpoint-specs.ts';
import { sinchAgentStatusHistoryAdapter } from '../vendors/sinch/agent-status-history-adapter.ts';

/**
 * The processor source `id` as configured: Sinch RAI's agentStatusHistory (watermarks PROCESSOR_WATERMARK_SOURCE,
 * late records to the re-processor) or Evo Voice's agent-state report rows (watermarks `evo-voice/agent-state`; never
 * late: the poller publishes a window's rows and its watermark in one transaction, so too-late rows are dead-lettered;
 * its billing rows go to Redis as they are).
 */
export function processorSource(config: Config, id: ProcessorSourceId): ProcessorSource {
  const configured = config.processor.sources.find((source) => source.id === id);
  const groupId = configured?.groupId ?? (id === 'sinch-rai' ? config.processor.groupId : `${config.processor.groupId}.${id}`);
  if (id === 'sinch-rai') {
    return {
      id, groupId, adapter: sinchAgentStatusHistoryAdapter, rawTopic: 'raw.sinch.agent-status-history', rawSchema: 'sinch-agent-status-history',
      watermarkSource: config.processor.watermarkSource, reprocess: true,
    };
  }
  if (id === 'hostedsuite') {
    // call records: published with their watermark in one transaction; a record later than the correction horizon is dead-lettered
    return {
      id, groupId, adapter: hostedSuiteCallAdapter, rawTopic: 'raw.hostedsuite.calls', rawSchema: 'hostedsuite-call-record',
      watermarkSource: HOSTEDSUITE_CALLS_SOURCE, reprocess: false,
    };
  }
  return {
    id, groupId, adapter: evoVoiceAgentStateAdapter, rawTopic: 'raw.evovoice.agent-states', rawSchema: 'evo-voice-agent-state',
    watermarkSource: EVO_VOICE_AGENT_STATE_WATERMARK_SOURCE, reprocess: false, billingTopic: 'raw.evovoice.billing',
  };
}

/** Every source PROCESSOR_SOURCES names, in its order. */
export function processorSources(config: Config): ProcessorSource[] {
  return config.processor.sources.map((source) => processorSource(config, source.id));
}

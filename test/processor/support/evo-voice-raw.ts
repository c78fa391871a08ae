import { physicalTopicName } from '../../../src/topology/load-topology.ts';
import type { TestPipeline } from './pipeline.ts';

export const EVO_SOURCE = 'evo-voice/agent-state';
const HOUR = 3_600_000;

/** One Evo Voice agent-state interval as a workbook row has it (the start as an instant; the poller renders it). */
export interface EvoRow {
  readonly agentId: string;
  readonly agentName: string;
  readonly state: string;
  readonly reason: string | null;
  readonly start: number;
}

/** `2026-11-29T10:05:00.000+02:00`: the Start Time text of a report run with TimeZoneId Europe/Helsinki in winter. */
export const helsinkiText = (ms: number): string => new Date(ms + 2 * HOUR).toISOString().replace('Z', '+02:00');

/** The poller's Avro value of one agent-state workbook row (schemas/evo-voice-agent-state.avsc). */
export function evoAgentStateValue(tenant: string, row: EvoRow, windowStart: number, sheetRow: number): Record<string, unknown> {
  return {
    agentId: row.agentId, agentName: row.agentName, extension: null, state: row.state, reason: row.reason, startTime: helsinkiText(row.start), endTime: null,
    durationSeconds: null, reportId: `report-${windowStart}`, accountId: 'acct-1', timeZoneId: 'Europe/Helsinki', windowStart, windowEnd: windowStart + HOUR, sheetRow,
    tenant, source: EVO_SOURCE, pollId: `poll-${windowStart}`, receivedAt: windowStart + HOUR + 300_000,
  };
}

/**
 * What the Evo Voice poller publishes for one committed one-hour report window: its rows keyed by agentId on
 * raw.evovoice.agent-states, then the window's watermark (its end) on control.poll-watermarks.
 */
export async function publishEvoWindow(pipeline: TestPipeline, tenant: string, rows: readonly EvoRow[], windowStart: number): Promise<void> {
  const raw = physicalTopicName(pipeline.config.topicPrefix, 'raw.evovoice.agent-states');
  const messages = await Promise.all(rows.map(async (row, i) => ({ key: row.agentId, value: await pipeline.serde.encode(raw, evoAgentStateValue(tenant, row, windowStart, i + 2)) })));
  await pipeline.producer.send({ topic: raw, acks: -1, messages });
  const watermark = windowStart + HOUR;
  const value = await pipeline.serde.encode(pipeline.topics.watermarks, { tenant, source: EVO_SOURCE, pollId: `wm-${watermark}`, watermark, publishedAt: Date.now() });
  await pipeline.producer.send({ topic: pipeline.topics.watermarks, acks: -1, messages: [{ key: `${tenant}|${EVO_SOURCE}`, value }] });
}

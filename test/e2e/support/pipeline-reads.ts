import type { Config } from '../../../src/config/config.ts';
import { readCommittedToEnd } from '../../../src/ingest/read-committed.ts';
import { AvroSerde } from '../../../src/kafka/avro-serde.ts';
import { createKafka } from '../../../src/kafka/kafka-client.ts';
import { createLogger } from '../../../src/runtime/logger.ts';
import type { QuarterHourRow } from '../../../src/state/store-types.ts';

/** Polls `check` every 500 ms until it holds or `timeoutMs` passed; the last answer is the result. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return check();
}

/**
 * The quarter-hour output topic read read_committed: the latest revision of every key, and the keys that were not
 * `tenant|userId|intervalStart` of their value (an empty list when every key is right).
 */
export async function latestQuarterHours(config: Config, tenant: string): Promise<{ rows: QuarterHourRow[]; badKeys: string[] }> {
  const kafka = createKafka(config, createLogger('warn'));
  const serde = new AvroSerde(config.schemaRegistry);
  const latest = new Map<string, QuarterHourRow>();
  const badKeys: string[] = [];
  await readCommittedToEnd(kafka, `${config.topicPrefix}out.agent-statistic-quarter-hour`, async (message) => {
    if (message.value === null) return;
    const row = await serde.decode<QuarterHourRow>(message.value);
    const key = message.key?.toString() ?? '';
    if (key !== `${tenant}|${row.userId}|${row.intervalStart}`) badKeys.push(key);
    const current = latest.get(`${row.userId}|${row.intervalStart}`);
    if (current === undefined || row.revision > current.revision) latest.set(`${row.userId}|${row.intervalStart}`, row);
  });
  return { rows: [...latest.values()], badKeys };
}

import { kafkajsInternals } from './kafkajs-internals.ts';
import type { AbortedTransaction, FetchedRecord } from './aborted-records.ts';
import { abortedRecordIndexes } from './aborted-records.ts';

/** One partition of a decoded fetch response (kafkajs internals, v4 and later). */
interface FetchedPartition {
  abortedTransactions?: AbortedTransaction[] | null;
  messages?: FetchedRecord[];
}

interface FetchResponse {
  readonly responses?: readonly { readonly partitions?: readonly FetchedPartition[] }[];
}

interface BrokerInternals {
  fetch(this: unknown, request: unknown): Promise<FetchResponse>;
}

/** kafkajs releases whose read_committed filter has the defect below; 2.2.4 is the last release (2023). */
const AFFECTED_VERSIONS: ReadonlySet<string> = new Set(['2.2.4']);

let applied: boolean | undefined;

/** Hides the records of aborted transactions in one partition's response; kafkajs' own filter then has nothing to do. */
function hideAbortedRecords(partition: FetchedPartition): void {
  const aborted = partition.abortedTransactions ?? [];
  const messages = partition.messages;
  if (aborted.length === 0 || messages === undefined) return;
  for (const index of abortedRecordIndexes(messages, aborted)) messages[index] = { ...messages[index]!, isControlRecord: true };
  partition.abortedTransactions = [];
}

/**
 * Makes kafkajs' read_committed consumers skip exactly the records of aborted transactions.
 *
 * kafkajs 2.2.4 (`consumer/filterAbortedMessages.js`) takes the broker's aborted-transaction list in the order the
 * broker sends it (by last offset, not first) and starts at most one of its entries per record. When aborted
 * transactions of different producers overlap in a partition, which happens whenever a process holding several
 * transactional producers is killed (our processor has one per input partition, all writing to the shared output
 * and changelog topics), it returns the first records of the outer aborted transaction as committed. No consumer
 * option avoids it, and the filter runs inside kafkajs' `Batch` constructor.
 *
 * The fix wraps the broker connection's `fetch`: for a partition whose response lists aborted transactions, the
 * records that belong to them ({@link abortedRecordIndexes}, Kafka's own consumer rule) are turned into control
 * records, which kafkajs never hands to `eachBatch`/`eachMessage` but counts when it moves the fetch position past
 * them, and the list is emptied, so kafkajs' filter leaves the records as they are. read_uncommitted fetches carry
 * no such list and are untouched. Applied only to the kafkajs versions known to have the defect, once per process;
 * returns whether it is in force. test/kafka/kafkajs-read-committed-fix.test.ts fails on a real broker without it.
 */
export function applyKafkajsReadCommittedFix(): boolean {
  if (applied !== undefined) return applied;
  const internals = kafkajsInternals(AFFECTED_VERSIONS);
  if (internals === null) return (applied = false);
  const { version, require } = internals;
  const Broker = require('kafkajs/src/broker/index.js') as { prototype: BrokerInternals };
  const original = Broker.prototype.fetch;
  if (typeof original !== 'function') throw new Error(`kafkajs ${version} has no Broker.fetch; review src/kafka/kafkajs-read-committed-fix.ts`);
  Broker.prototype.fetch = async function fetch(this: unknown, request: unknown): Promise<FetchResponse> {
    const response = await original.call(this, request);
    for (const topic of response.responses ?? []) for (const partition of topic.partitions ?? []) hideAbortedRecords(partition);
    return response;
  };
  return (applied = true);
}

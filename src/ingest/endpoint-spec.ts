import { parseTimestamp } from '../core/time/timestamp.ts';
import type { AvroField } from './avro-conform.ts';
import { conformToSchema } from './avro-conform.ts';
import { normaliseRow, recordKey } from './record-key.ts';

/** Poll metadata stamped on every raw record. */
export interface RowContext {
  readonly tenant: string;
  readonly pollId: string;
  readonly receivedAt: number;
  readonly snapshotAt: number;
  /**
   * Where the vendor listed the row: `poll` orders the polls of one poller (the end of the queried range, which grows
   * from poll to poll) and `row` is the row's 0-based position in that poll's answer, across pages.
   */
  readonly listed?: { readonly poll: number; readonly row: number };
}

/** A vendor row mapped onto its raw contract: partition key, stable record key, row time and Avro value. */
export interface MappedRow {
  readonly partitionKey: string;
  readonly key: string;
  readonly time: number;
  readonly value: Record<string, unknown>;
}

export type MapResult = MappedRow | { readonly rejection: string };

/** How one vendor endpoint is queried and mapped onto its raw topic. */
export interface EndpointSpec {
  /** The vendor's name of the endpoint (the checkpoint key and metric label). */
  readonly endpoint: string;
  /** `<vendor>/<endpoint>`, e.g. `sinch-rai/agentStatusHistory`: the `source` of records and watermarks. */
  readonly source: string;
  /** Logical raw topic (the config's topic prefix is added when publishing). */
  readonly topic: string;
  /** Avro schema (schemas/<name>.avsc) of the raw topic. */
  readonly schema: string;
  /**
   * Fixed query parameters. Where the endpoint documents `sort` (one field), it is a field unique per row that never
   * changes (contactId with showDetails, userId), so offset paging sees one total order that rows do not move in;
   * agentStatusHistory documents no `sort`.
   */
  readonly params: Readonly<Record<string, string>>;
  /** Range alignment the endpoint honours (quarter hours for contactHistory). */
  readonly granularityMs: number;
  /** True when the endpoint filters startTime ≤ timeField < endTime exactly (so row time decides overlap). */
  readonly exactTimeFilter: boolean;
  readonly partitionKeyField: string;
  readonly timeField: string;
  readonly extra: (context: RowContext) => Record<string, unknown>;
}

/**
 * Maps one vendor row: normalises key spellings, computes the record key over the normalised fields (poll
 * metadata excluded), and conforms the row to the raw contract. Unusable rows return a kebab-case rejection.
 */
export function mapRow(spec: EndpointSpec, fields: readonly AvroField[], row: unknown, context: RowContext): MapResult {
  const normalised = normaliseRow(row);
  if (normalised === undefined) return { rejection: 'not-an-object' };
  const partitionKey = normalised.fields[spec.partitionKeyField];
  if (typeof partitionKey !== 'string' || partitionKey === '') return { rejection: `missing-${spec.partitionKeyField}` };
  const timeText = normalised.fields[spec.timeField];
  const time = typeof timeText === 'string' ? parseTimestamp(timeText) : Number.NaN;
  if (Number.isNaN(time)) return { rejection: `bad-${spec.timeField}` };
  const fixed = { ...spec.extra(context), keySpellings: normalised.keySpellings, tenant: context.tenant, source: spec.source, pollId: context.pollId, receivedAt: context.receivedAt };
  const conformed = conformToSchema(fields, normalised.fields, fixed);
  if ('missing' in conformed) return { rejection: `missing-${conformed.missing}` };
  return { partitionKey, key: recordKey(normalised.fields), time, value: conformed.value };
}

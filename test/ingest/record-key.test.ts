import { describe, expect, it } from 'vitest';
import { normaliseRow, recordKey } from '../../src/ingest/record-key.ts';
import { mapRow } from '../../src/ingest/endpoint-spec.ts';
import { AGENT_STATUS_HISTORY } from '../../src/vendors/sinch/endpoint-specs.ts';
import { readValueSchema } from '../../src/topology/load-topology.ts';
import type { AvroField } from '../../src/ingest/avro-conform.ts';
import avro from 'avsc';

const row = { sessionId: '5E7DA34E9D15EA1180DB00505687F2FD', UserId: 'E936C474B22311D38FBE0090279A922E', userName: 'Fox, John', status: 'Waiting', statusTimestamp: '2019-12-03 07:20:21.250', changeTimeStamp: '2019-12-03 07:20:22.013' };

describe('record key', () => {
  it('is stable across key order and key spelling', () => {
    const a = normaliseRow(row)!;
    const reordered = Object.fromEntries(Object.entries(row).reverse());
    const respelled = { ...row, UserId: undefined, userId: row.UserId, changeTimeStamp: undefined, changeTimestamp: row.changeTimeStamp };
    expect(recordKey(normaliseRow(reordered)!.fields)).toBe(recordKey(a.fields));
    expect(recordKey(normaliseRow(respelled)!.fields)).toBe(recordKey(a.fields));
    expect(a.keySpellings).toEqual({ userId: 'UserId', changeTimestamp: 'changeTimeStamp' });
    expect(recordKey(a.fields)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs when any value differs, including rows that share a changeTimestamp', () => {
    const other = { ...row, status: 'Dialing_Outbound_Campaign', statusTimestamp: '2019-12-03 07:20:16.027' };
    expect(recordKey(normaliseRow(other)!.fields)).not.toBe(recordKey(normaliseRow(row)!.fields));
  });

  it('maps a row onto a valid raw Avro record, values as received', async () => {
    const schema = JSON.parse(await readValueSchema('sinch-agent-status-history')) as { fields: AvroField[] };
    const mapped = mapRow(AGENT_STATUS_HISTORY, schema.fields, row, { tenant: 't1', pollId: 'p', receivedAt: 5, snapshotAt: 5 });
    if ('rejection' in mapped) throw new Error(mapped.rejection);
    expect(mapped.partitionKey).toBe(row.UserId);
    expect(mapped.time).toBe(Date.parse('2019-12-03T07:20:22.013Z'));
    expect(mapped.value).toMatchObject({ userId: row.UserId, changeTimestamp: '2019-12-03 07:20:22.013', profile: null, tenant: 't1', source: 'sinch-rai/agentStatusHistory', keySpellings: { userId: 'UserId', changeTimestamp: 'changeTimeStamp' } });
    expect(avro.Type.forSchema(schema as avro.Schema).isValid(mapped.value)).toBe(true);
    expect(mapped.value).toMatchObject({ vendorPoll: null, vendorRow: null });
    // the poller's stamp of where the vendor listed the row: not part of the record key, and a row cannot forge it
    const context = { tenant: 't1', pollId: 'p', receivedAt: 5, snapshotAt: 5, listed: { poll: 1_709_540_000_000, row: 3 } };
    const listed = mapRow(AGENT_STATUS_HISTORY, schema.fields, row, context);
    if ('rejection' in listed) throw new Error(listed.rejection);
    expect(listed.value).toMatchObject({ vendorPoll: 1_709_540_000_000, vendorRow: 3 });
    expect(listed.key).toBe(mapped.key);
    expect(avro.Type.forSchema(schema as avro.Schema).isValid(listed.value)).toBe(true);
    const forged = mapRow(AGENT_STATUS_HISTORY, schema.fields, { ...row, vendorPoll: 1, vendorRow: 1 }, context);
    if ('rejection' in forged) throw new Error(forged.rejection);
    expect(forged.value).toMatchObject({ vendorPoll: 1_709_540_000_000, vendorRow: 3 });
    expect(mapRow(AGENT_STATUS_HISTORY, schema.fields, { ...row, UserId: undefined }, { tenant: 't', pollId: 'p', receivedAt: 0, snapshotAt: 0 })).toEqual({ rejection: 'missing-userId' });
    expect(mapRow(AGENT_STATUS_HISTORY, schema.fields, 'x', { tenant: 't', pollId: 'p', receivedAt: 0, snapshotAt: 0 })).toEqual({ rejection: 'not-an-object' });
  });
});

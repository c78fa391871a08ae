import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import type { CheckpointValue } from '../../src/ingest/checkpoint-format.ts';
import { decodeCheckpoint } from '../../src/ingest/checkpoint-format.ts';
import { registerSchema } from '../../src/kafka/schema-registrar.ts';
import { requireServices } from '../support/services.ts';

const current = new URL('../../schemas/poller-checkpoint.avsc', import.meta.url);
const previous = new URL('../fixtures/schema-history/poller-checkpoint.277aa87.avsc', import.meta.url);

describe('the poller checkpoint contract with report jobs', () => {
  it('registers BACKWARD over the one registered before, and an old checkpoint reads as one without a job', async () => {
    const services = await requireServices();
    const endpoint = { url: services.schemaRegistry.url, auth: undefined };
    const subject = `test-${randomUUID()}.control.poller-checkpoints-value`;
    const oldText = await readFile(previous, 'utf8');
    const newText = await readFile(current, 'utf8');
    expect(oldText).not.toContain('reportJob');
    const oldId = await registerSchema(endpoint, subject, oldText);
    expect(await registerSchema(endpoint, subject, newText)).not.toBe(oldId);

    const old = avro.Type.forSchema(JSON.parse(oldText) as avro.Schema);
    const now = avro.Type.forSchema(JSON.parse(newText) as avro.Schema);
    const value = { tenant: 't', endpoint: 'agentStatusHistory', highMark: 1_000, recentKeys: [{ key: 'k', time: 1 }], pollId: 'p', updatedAt: 2_000, formatVersion: 2, keyDigests: null, keyTimes: [], part: 0, parts: 1 };
    const read = now.fromBuffer(old.toBuffer(value), now.createResolver(old)) as CheckpointValue;
    expect(read.reportJob).toBeNull();
    expect(read.reportJobsToDelete).toEqual([]);
    const { checkpoint } = decodeCheckpoint(read, new Map());
    expect(checkpoint).toEqual({ tenant: 't', endpoint: 'agentStatusHistory', highMark: 1_000, recentKeys: [{ key: 'k', time: 1 }], pollId: 'p', updatedAt: 2_000 });
  });
});

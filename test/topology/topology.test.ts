import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/topology/load-topology.ts';
import { topologySchema } from '../../src/topology/topology-schema.ts';

describe('the declared topology', () => {
  it('is valid and every topic names an existing Avro contract', async () => {
    const topology = await loadTopology();
    expect(topology.topics.map((t) => t.name)).toContain('raw.sinch.agent-status-history');
    expect(topology.topics.find((t) => t.name === 'out.agent-state')?.cleanupPolicy).toBe('compact');
    expect(topology.processors.map((p) => p.name)).toContain('timeline-processor');
  });

  it('declares the Evo Voice raw topics and the pollers that write them', async () => {
    const topology = await loadTopology();
    expect(topology.topics.find((t) => t.name === 'raw.evovoice.agent-states')).toMatchObject({ key: 'agentId', valueSchema: 'evo-voice-agent-state', cleanupPolicy: 'delete' });
    expect(topology.topics.find((t) => t.name === 'raw.evovoice.billing')).toMatchObject({ key: 'accountId|date', valueSchema: 'evo-voice-billing' });
    expect(topology.processors.find((p) => p.name === 'evo-voice-agent-state-poller')?.outputs).toEqual(expect.arrayContaining(['raw.evovoice.agent-states', 'control.poll-watermarks', 'control.poller-checkpoints', 'ops.dead-letter']));
    expect(topology.processors.find((p) => p.name === 'evo-voice-billing-poller')?.outputs).toContain('raw.evovoice.billing');
  });

  it('rejects duplicate topics and processors wired to undeclared topics', () => {
    const result = topologySchema.safeParse({
      name: 'x',
      topics: [
        { name: 'a', partitions: 1, key: 'k', valueSchema: 'dead-letter', cleanupPolicy: 'delete', retentionMs: 1 },
        { name: 'a', partitions: 1, key: 'k', valueSchema: 'dead-letter', cleanupPolicy: 'delete', retentionMs: 1 },
      ],
      processors: [{ name: 'p', kind: 'processor', inputs: ['a'], outputs: ['missing'] }],
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => i.message).join('\n');
    expect(messages).toContain('duplicate topic a');
    expect(messages).toContain('undeclared topic missing');
  });

  it('fails with the file name when a value schema is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'topology-'));
    const file = join(dir, 't.json');
    await writeFile(file, JSON.stringify({ name: 't', topics: [{ name: 'a', partitions: 1, key: 'k', valueSchema: 'nope', cleanupPolicy: 'delete', retentionMs: 1 }], processors: [] }));
    await expect(loadTopology(file)).rejects.toThrow(/value schema nope .*missing/);
  });
});

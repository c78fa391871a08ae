import { AssignerProtocol } from 'kafkajs';
import type { Cluster } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../src/core/alerts/alert-rule.ts';
import { TenantAlertEvaluator } from '../../src/core/alerts/tenant-alert-evaluator.ts';
import { agentFacts } from '../../src/processor/alert-records.ts';
import { AlertChangelog, assembleAlertState, positionsEntry, tenantEntries } from '../../src/processor/alert-state-entries.ts';
import { singleOwnerAssigner } from '../../src/processor/single-owner-assigner.ts';

const T0 = Date.UTC(2026, 10, 30, 9);
const RULES: AlertRule[] = [
  { id: 'wrap', kind: 'state-duration', dimension: 'handling', states: ['Wrap'], longerThanMs: 60_000 },
  { id: 'floor', kind: 'ready-below', minReady: 2 },
];
const value = (userId: string, handlingStatus: string) => ({
  tenant: 'acme', userId, userName: `Agent ${userId}`, loggedIn: true, userStatus: 'Ready', handlingStatus, profile: null, profileReason: null,
  userStatusSince: T0, handlingStatusSince: T0, asOf: T0,
});

describe('alert evaluator state in the changelog', () => {
  it('splits a tenant into one entry per agent plus its tenant-wide episodes, and assembles it back', () => {
    const evaluator = new TenantAlertEvaluator('acme', RULES);
    evaluator.apply(agentFacts(value('u1', 'Wrap')), T0 + 61_000);
    evaluator.apply(agentFacts(value('u/2', 'Waiting')), T0 + 61_000);
    const entries = [...tenantEntries(evaluator.snapshot()), positionsEntry(new Map([[3, 17], [0, 5]]))];
    expect(entries.map((e) => `${e.tenant}|${e.entry}`)).toEqual(['acme|tenant', 'acme|agent:u1', 'acme|agent:u/2', '|positions']);
    const { snapshots, positions } = assembleAlertState(entries);
    expect(positions).toEqual(new Map([[0, 5], [3, 17]]));
    const restored = TenantAlertEvaluator.restore(snapshots.get('acme'), 'acme', RULES);
    expect(restored.firing()).toEqual(evaluator.firing());
    expect(restored.tick(T0 + 120_000)).toEqual(evaluator.tick(T0 + 120_000));
  });

  it('reads Unknown statuses as unknown', () => {
    expect(agentFacts({ ...value('u1', 'Unknown'), userStatus: 'Unknown' })).toMatchObject({ userStatus: null, handlingStatus: null });
  });

  it('refuses an entry of an unknown format', () => {
    expect(() => assembleAlertState([{ tenant: 'acme', entry: 'tenant', format: 2, state: '{}' }])).toThrow(/format 2/);
  });

  it('writes only entries that changed since the last committed write', () => {
    const changelog = new AlertChangelog('cl', [{ tenant: 'acme', entry: 'tenant', format: 1, state: '{"episodes":[]}' }]);
    const same = { tenant: 'acme', entry: 'tenant', format: 1, state: '{"episodes":[]}' };
    const changed = { tenant: 'acme', entry: 'agent:u1', format: 1, state: '{}' };
    expect(changelog.diff([same, changed]).map((r) => r.key)).toEqual(['acme|agent:u1']);
    expect(changelog.diff([same, changed]).map((r) => r.key)).toEqual(['acme|agent:u1']);
    changelog.accept();
    expect(changelog.diff([same, changed])).toEqual([]);
  });
});

describe('singleOwnerAssigner', () => {
  it('gives every partition to the member that started first and nothing to the others', async () => {
    const cluster = { findTopicPartitionMetadata: (topic: string) => (topic === 'in' ? [2, 0, 1] : [0]).map((partitionId) => ({ partitionId })) } as unknown as Cluster;
    const member = (memberId: string, startedAt: number) => {
      const protocol = singleOwnerAssigner(startedAt)({ cluster, groupId: 'g', logger: undefined as never }).protocol({ topics: ['in', 'other'] });
      return { memberId, memberMetadata: protocol.metadata };
    };
    const assigner = singleOwnerAssigner(0)({ cluster, groupId: 'g', logger: undefined as never });
    const result = await assigner.assign({ members: [member('b', 200), member('a', 300), member('c', 100)], topics: ['in', 'other'], userData: Buffer.alloc(0) } as never);
    const decoded = Object.fromEntries(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]));
    expect(decoded).toEqual({ c: { in: [0, 1, 2], other: [0] }, b: {}, a: {} });
  });
});

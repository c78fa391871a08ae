import { AssignerProtocol } from 'kafkajs';
import type { PartitionAssigner } from 'kafkajs';

export const SINGLE_OWNER = 'SingleOwner';

/** The member's start time, as its userData: 8 bytes, big-endian epoch ms. */
function encodeStartedAt(startedAt: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(startedAt));
  return buffer;
}

function decodeStartedAt(userData: Buffer | undefined): number {
  return userData !== undefined && userData.length >= 8 ? Number(userData.readBigInt64BE(0)) : Number.MAX_SAFE_INTEGER;
}

/**
 * A kafkajs partition assigner that gives every partition of every subscribed topic to one member and nothing to
 * the others (standbys). The owner is the member that started first (its start time travels in the member
 * metadata; ties by member id), so a standby that joins later does not take over, and when the owner leaves or its
 * session times out the next oldest member gets everything. Every member of the group must use it.
 */
export function singleOwnerAssigner(startedAt: number): PartitionAssigner {
  return ({ cluster }) => ({
    name: SINGLE_OWNER,
    version: 1,
    assign: async ({ members, topics }) => {
      const ranked = members
        .map((member) => ({ memberId: member.memberId, startedAt: decodeStartedAt(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData) }))
        .sort((a, b) => a.startedAt - b.startedAt || a.memberId.localeCompare(b.memberId));
      const owner = ranked[0]?.memberId;
      const assignment: Record<string, number[]> = {};
      for (const topic of topics) assignment[topic] = cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId).sort((a, b) => a - b);
      return ranked.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: memberId === owner ? assignment : {}, userData: Buffer.alloc(0) }),
      }));
    },
    protocol: ({ topics }) => ({ name: SINGLE_OWNER, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: encodeStartedAt(startedAt) }) }),
  });
}

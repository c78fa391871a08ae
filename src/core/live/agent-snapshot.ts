/**
 * What a vendor's current-state snapshot (Sinch RAI `/agentStatus`) says about one agent at `snapshotAt`, in the
 * vendor's own words: the attributes no state change carries (reporting group, the `showAgentInfo` fields) and the
 * vendor's view of the agent's state, kept for reconciliation. Null: the snapshot did not say.
 */
export interface AgentSnapshot {
  readonly tenant: string;
  readonly userId: string;
  /** When the snapshot was taken (the poll time, epoch ms): a newer snapshot of the agent replaces an older one. */
  readonly snapshotAt: number;
  readonly userName: string | null;
  readonly reportingGroupId: string | null;
  readonly reportingGroupName: string | null;
  readonly profile: string | null;
  readonly profileType: string | null;
  /** snapshotAt − profileDuration: when the vendor says the current profile began; null when not said. */
  readonly profileSince: number | null;
  /** The vendor's userStatus (Ready, NotReady, Pause, LoggedOut). */
  readonly userStatus: string | null;
  /** snapshotAt − userStatusDuration: when the vendor says the userStatus began; null when not said. */
  readonly userStatusSince: number | null;
  readonly contactHandlingStatus: string | null;
  /** snapshotAt − contactHandlingStatusDuration; null when not said. */
  readonly contactHandlingStatusSince: number | null;
  readonly info: AgentInfo;
}

/** The RAI agentStatus `showAgentInfo` fields. */
export interface AgentInfo {
  readonly number: string | null;
  readonly mobileNumber: string | null;
  readonly externalNumber: string | null;
  readonly email: string | null;
  readonly chatName: string | null;
  readonly chat: string | null;
  readonly chatCapacity: number | null;
  readonly location: string | null;
}

/** The `showAgentInfo` field names, in the document's order. */
export const AGENT_INFO_FIELDS: readonly (keyof AgentInfo)[] = ['number', 'mobileNumber', 'externalNumber', 'email', 'chatName', 'chat', 'chatCapacity', 'location'];

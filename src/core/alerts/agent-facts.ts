/**
 * What the alert evaluator keeps of one agent: the fields of its latest current-agent-state record that rules read.
 * Every field a source cannot supply is null.
 */
export interface AgentFacts {
  readonly userId: string;
  readonly userName: string | null;
  readonly loggedIn: boolean;
  readonly userStatus: string | null;
  readonly handlingStatus: string | null;
  readonly profile: string | null;
  readonly profileReason: string | null;
  readonly userStatusSince: number | null;
  readonly handlingStatusSince: number | null;
  /** The watermark the record was computed at: a record older than the kept one is ignored. */
  readonly asOf: number;
}

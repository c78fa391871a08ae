import type { TruthPresence } from '../../../../core/truth/truth-line.ts';
import type { AgentState } from './agent-states.ts';

/** Where an Evo state sits in the canonical model (presence × Sinch handling status). */
export interface CanonicalState {
  readonly presence: TruthPresence;
  readonly handling: string;
}

/**
 * The contract's mapping table (docs/vendors/evo-voice-contract.md): null for LoggedOut, which is not logged in.
 * Evo has no pause state (breaks are NotReady) and no inbound-call state, so Pause and Talking_Inbound never occur.
 */
export const CANONICAL_STATE: Readonly<Record<AgentState, CanonicalState | null>> = {
  Ready: { presence: 'Ready', handling: 'Waiting' },
  NotReady: { presence: 'NotReady', handling: 'Waiting' },
  Other: { presence: 'NotReady', handling: 'Waiting' },
  Unknown: { presence: 'NotReady', handling: 'Waiting' },
  WrapUp: { presence: 'Ready', handling: 'Wrap' },
  Outgoing: { presence: 'Ready', handling: 'Talking_Outbound' },
  LoggedOut: null,
};

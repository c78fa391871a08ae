import type { TruthPresence } from '../../../../core/truth/truth-line.ts';
import type { Activity, ThuliumStatus } from './statuses.ts';

export interface CanonicalState {
  readonly presence: TruthPresence;
  readonly handling: string;
}

/**
 * The contract's truth mapping of a segment (docs/vendors/thulium-contract.md): null for OFF. FREE splits by what
 * the agent does (idle, chat, ticket); OUTBOUND_CALL is Dialing_Outbound until the callee answers, then
 * Talking_Outbound; RINGING and CALL (internal) are Ready/Waiting.
 */
export function canonicalState(status: ThuliumStatus, activity: Activity): CanonicalState | null {
  switch (status) {
    case 'OFF': return null;
    case 'FREE':
      if (activity === 'chat') return { presence: 'Ready', handling: 'Chatting_Inbound' };
      if (activity === 'ticket') return { presence: 'Ready', handling: 'Emailing_Inbound' };
      return { presence: 'Ready', handling: 'Waiting' };
    case 'PAUSED': return { presence: 'Pause', handling: 'Waiting' };
    case 'RINGING': return { presence: 'Ready', handling: 'Waiting' };
    case 'INBOUND_CALL': return { presence: 'Ready', handling: 'Talking_Inbound' };
    case 'OUTBOUND_PREVIEW': return { presence: 'Ready', handling: 'Preview' };
    case 'OUTBOUND_CALL': return { presence: 'Ready', handling: activity === 'talking' ? 'Talking_Outbound' : 'Dialing_Outbound' };
    case 'CALL': return { presence: 'Ready', handling: 'Waiting' };
  }
}

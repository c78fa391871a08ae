import type { AlertTransition } from './alert-transition.ts';
import { formatUtc } from '../time/timestamp.ts';

/** An alert as the HTTP API and the board's events show it: the transition with its times as UTC ISO strings. */
export interface AlertView {
  readonly id: string;
  readonly status: 'firing' | 'resolved';
  readonly tenant: string;
  readonly ruleId: string;
  readonly ruleKind: 'state-duration' | 'ready-below';
  readonly agentId: string | null;
  readonly userName: string | null;
  readonly since: string;
  readonly firedAt: string;
  readonly resolvedAt: string | null;
  readonly userStatus: string | null;
  readonly handlingStatus: string | null;
  readonly reason: string | null;
  readonly readyCount: number | null;
}

export function alertView(alert: AlertTransition): AlertView {
  return { ...alert, since: formatUtc(alert.since), firedAt: formatUtc(alert.firedAt), resolvedAt: alert.resolvedAt === null ? null : formatUtc(alert.resolvedAt) };
}

import type { AlertTransition } from './alert-transition.ts';
import { formatUtc } from '../time/timestamp.ts';

/** An alert as the HTTP API and the board's events show it: the transition with its times as UTC ISO strings. */
export type AlertView = Omit<AlertTransition, 'since' | 'firedAt' | 'resolvedAt'> & {
  readonly since: string;
  readonly firedAt: string;
  readonly resolvedAt: string | null;
};

export function alertView(alert: AlertTransition): AlertView {
  return { ...alert, since: formatUtc(alert.since), firedAt: formatUtc(alert.firedAt), resolvedAt: alert.resolvedAt === null ? null : formatUtc(alert.resolvedAt) };
}

import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import type { AlertStore } from '../state/alert-store.ts';
import { alertTransitionOf } from './alert-transition-value.ts';
import { RawRowSink } from './raw-row-sink.ts';
import type { RawRowSinkWiring } from './raw-row-sink.ts';

export interface AlertSinkOptions extends RawRowSinkWiring {
  readonly store: Pick<AlertStore, 'write' | 'epoch'>;
  /** The physical name of `out.alerts`. */
  readonly topic: string;
}

/**
 * Puts the transitions of `out.alerts` into Redis ({@link AlertStore}): the firing alerts of each tenant, and every
 * transition in the tenant's change feed, which `/board/events` streams to the board. A read_committed consumer group
 * (so only what the evaluator committed) through a {@link RawRowSink}; the store's script applies each transition at
 * most once, so re-reads change nothing; a record that is not a transition is dead-lettered, counted and logged.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class AlertSink extends RawRowSink<AlertTransition> {
  constructor(options: AlertSinkOptions) {
    const { topic, ...rest } = options;
    super({ ...rest, topics: [topic], toRow: (_topic, value) => alertTransitionOf(value), what: 'alert transition', component: 'alert-sink' });
  }
}

import type { BillingRow, BillingStore } from '../state/billing-store.ts';
import { toBillingRow } from './billing-rows.ts';
import { RawRowSink } from './raw-row-sink.ts';
import type { RawRowSinkWiring } from './raw-row-sink.ts';

export interface BillingSinkOptions extends RawRowSinkWiring {
  readonly store: Pick<BillingStore, 'write' | 'epoch'>;
  /** The physical raw billing topic (raw.evovoice.billing). */
  readonly topic: string;
}

/**
 * Stores the Evo Voice billing rows of the raw billing topic in Redis as they are ({@link BillingStore}) through a
 * {@link RawRowSink}: a value that fails {@link toBillingRow} is dead-lettered, and after a Redis data loss the topic
 * (retention 14 days) rebuilds the billing rows.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class BillingSink extends RawRowSink<BillingRow> {
  constructor(options: BillingSinkOptions) {
    const { topic, ...rest } = options;
    super({ ...rest, topics: [topic], toRow: (_topic, value) => toBillingRow(value), what: 'billing row', component: 'billing-sink' });
  }
}

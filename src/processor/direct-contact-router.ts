import type { Producer } from 'kafkajs';
import type { AvroSerde } from '../kafka/avro-serde.ts';
import { createProducer } from '../kafka/producer.ts';
import { RawRowSink } from './raw-row-sink.ts';
import type { RawRowSinkWiring, RawRowStore } from './raw-row-sink.ts';

/** A record to re-key onto the source's raw topic (its key: the user, as the source's poller keys its rows). */
export interface RoutedRecord {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

/**
 * A source's direct-contact route (ProcessorSource.directContacts): the raw topic of its contact records, and the
 * vendor's function that turns one into a record of the source's raw topic keyed by user (null: not a direct contact).
 */
export interface DirectContactFeed {
  /** Logical name of the contact topic (raw.sinch.contacts). */
  readonly contactTopic: string;
  readonly route: (value: Readonly<Record<string, unknown>>) => RoutedRecord | null | { readonly problem: string };
}

export interface DirectContactRouterOptions extends RawRowSinkWiring {
  readonly feed: DirectContactFeed;
  /** Physical names: the contact topic read, and the source's raw topic written. */
  readonly contactTopic: string;
  readonly rawTopic: string;
  /** The tenants whose direct contacts are joined (direct-contact-tenants.ts); other tenants' contacts are skipped. */
  readonly tenants: ReadonlySet<string>;
}

/** Writes routed records to the raw topic (at least once: the engine takes a contactId once, so a replay changes nothing). */
class RawTopicStore implements RawRowStore<RoutedRecord | null> {
  #producer: Producer | null = null;
  readonly #wiring: { readonly kafka: RawRowSinkWiring['kafka']; readonly serde: AvroSerde; readonly topic: string };

  constructor(wiring: { readonly kafka: RawRowSinkWiring['kafka']; readonly serde: AvroSerde; readonly topic: string }) {
    this.#wiring = wiring;
  }

  async write(rows: readonly (RoutedRecord | null)[]): Promise<{ written: number; stale: number }> {
    const records = rows.filter((row): row is RoutedRecord => row !== null);
    if (records.length === 0) return { written: 0, stale: 0 };
    const { kafka, serde, topic } = this.#wiring;
    if (this.#producer === null) {
      const producer = createProducer(kafka);
      await producer.connect();
      this.#producer = producer;
    }
    const messages = await Promise.all(records.map(async (record) => ({ key: record.key, value: await serde.encode(topic, record.value) })));
    await this.#producer.send({ topic, acks: -1, messages });
    return { written: records.length, stale: 0 };
  }

  /** Kafka keeps what it was sent: there is no data epoch to lose. */
  async epoch(): Promise<string | null> {
    return 'kafka';
  }

  async close(): Promise<void> {
    await this.#producer?.disconnect();
    this.#producer = null;
  }
}

/**
 * Repartitions a source's direct contacts: reads its contact topic (keyed by contactId) and writes each direct contact
 * to the source's raw topic keyed by user, the partitioning the timeline processor's partition tasks own, so the engine
 * that holds the user's timeline joins it (core/direct; docs/metrics.md "Direct contacts"). A record that is not a
 * direct contact, or is one of a tenant whose Direct fields are not joined (`tenants`), is skipped; one the vendor's route refuses is dead-lettered. At least once: offsets are committed
 * after the write, and a contact written twice is taken once by the engine.
 *
 * Lifecycle: start once → stop once (idempotent).
 */
export class DirectContactRouter extends RawRowSink<RoutedRecord | null> {
  readonly #store: RawTopicStore;

  constructor(options: DirectContactRouterOptions) {
    const { feed, contactTopic, rawTopic, tenants, ...rest } = options;
    const store = new RawTopicStore({ kafka: rest.kafka, serde: rest.serde, topic: rawTopic });
    super({ ...rest, store, topics: [contactTopic], toRow: (_topic, value) => (typeof value['tenant'] === 'string' && tenants.has(value['tenant']) ? feed.route(value) : null), what: 'direct contact', component: 'direct-contact-router' });
    this.#store = store;
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.#store.close();
  }
}

import type { Batch, Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { AlertRule } from '../core/alerts/alert-rule.ts';
import type { AlertTransition } from '../core/alerts/alert-transition.ts';
import { TenantAlertEvaluator } from '../core/alerts/tenant-alert-evaluator.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { heartbeatIntervalFor } from '../kafka/heartbeat-interval.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { restartWhile, stopConsumer } from '../kafka/restart-while.ts';
import type { AgentStateValue } from './alert-records.ts';
import { agentFacts, alertRecord } from './alert-records.ts';
import { partitionOffsets, readAlertChangelog } from './alert-changelog-read.ts';
import type { AlertStateEntry } from './alert-state-entries.ts';
import { AlertChangelog, assembleAlertState, positionsEntry, tenantEntries } from './alert-state-entries.ts';
import { alertTopics } from './alert-topics.ts';
import type { AlertTopics } from './alert-topics.ts';
import type { OutgoingRecord } from './output-records.ts';
import { isFencingError } from './partition-producer.ts';
import type { PartitionProducer } from './partition-producer.ts';
import { KafkajsPartitionProducer } from './partition-producer-kafkajs.ts';
import { singleOwnerAssigner } from './single-owner-assigner.ts';

export interface AlertEvaluatorStatus {
  /** This instance holds the partitions (the others of the group stand by). */
  readonly owner: boolean;
  /** Owner with its state restored and a usable producer. */
  readonly restored: boolean;
  /** Firing alerts per tenant. */
  readonly firing: Readonly<Record<string, number>>;
  readonly transactions: number;
}

/**
 * The alert evaluator service (docs/alerts.md): a member of the consumer group `<PROCESSOR_GROUP_ID>.alerts` over
 * `out.agent-state` (read_committed) whose {@link singleOwnerAssigner} gives every partition to one member, so each
 * tenant is evaluated by one instance; the others stand by. The owner holds a {@link TenantAlertEvaluator} per tenant
 * and commits, in ONE Kafka transaction per fetched batch, the batch's transitions to `out.alerts`, the evaluator
 * state that changed to `state.alert-evaluator-changelog` (with the input positions) and the consumed offset; each
 * clock tick (ALERT_TICK_MS) commits its transitions and state the same way. The transactional id is the group id,
 * fixed: a new owner's producer fences the previous one (a zombie) before it restores the state from the changelog.
 * Any failed transaction aborts, and the state is restored from the changelog and the consumer rewound to the
 * restored positions before anything else happens, so a transition is in `out.alerts` exactly once.
 *
 * Lifecycle: start once → stop once (idempotent; finishes the transaction in flight and leaves the group).
 */
export class AlertEvaluator {
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #onFatal: (error: Error) => void;
  readonly #onCommitted: (transitions: readonly AlertTransition[]) => void;
  readonly #rules: ReadonlyMap<string, readonly AlertRule[]>;
  readonly #topics: AlertTopics;
  readonly #groupId: string;
  #kafka: Kafka | undefined;
  #serde: AvroSerde | undefined;
  #consumer: Consumer | undefined;
  #producer: PartitionProducer | null = null;
  #evaluators = new Map<string, TenantAlertEvaluator>();
  #positions = new Map<number, number>();
  #changelog: AlertChangelog | null = null;
  #assigned: number[] = [];
  #broken = true;
  #fenced = false;
  #stopped = false;
  #transactions = 0;
  #queue: Promise<void> = Promise.resolve();
  #tickQueued = false;
  #ticker: NodeJS.Timeout | undefined;

  /** `onCommitted`: called with the transitions of each committed transaction (metrics); must not throw. */
  constructor(options: { config: Config; logger: Logger; now?: () => number; onFatal?: (error: Error) => void; onCommitted?: (transitions: readonly AlertTransition[]) => void; rules?: ReadonlyMap<string, readonly AlertRule[]> }) {
    this.#config = options.config;
    this.#logger = options.logger.child({ component: 'alert-evaluator' });
    this.#now = options.now ?? Date.now;
    this.#onFatal = options.onFatal ?? (() => undefined);
    this.#onCommitted = options.onCommitted ?? (() => undefined);
    this.#rules = options.rules ?? options.config.alerts.rules;
    this.#topics = alertTopics(options.config.topicPrefix);
    this.#groupId = options.config.alerts.groupId;
  }

  status(): AlertEvaluatorStatus {
    const owner = this.#assigned.length > 0 && !this.#stopped;
    return {
      owner,
      restored: owner && !this.#broken,
      firing: Object.fromEntries([...this.#evaluators].map(([tenant, evaluator]) => [tenant, evaluator.firing().length])),
      transactions: this.#transactions,
    };
  }

  async start(): Promise<void> {
    const config = this.#config;
    this.#kafka = createKafka(config, this.#logger, '-alerts');
    this.#serde = new AvroSerde(config.schemaRegistry);
    const { sessionTimeoutMs } = config.processor;
    const consumer = this.#kafka.consumer({
      retry: restartWhile(() => !this.#stopped),
      groupId: this.#groupId,
      readUncommitted: false,
      allowAutoTopicCreation: false,
      partitionAssigners: [singleOwnerAssigner(Date.now())],
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalFor(sessionTimeoutMs),
      maxWaitTimeInMs: 100,
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = [...(payload.memberAssignment[this.#topics.agentState] ?? [])].sort((a, b) => a - b);
      void this.#serial(() => this.#assign(assigned));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#logger.error({ err: payload.error, restart: payload.restart }, 'alert evaluator consumer crashed');
      if (!payload.restart && !this.#stopped) this.#onFatal(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.#topics.agentState], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, isStale, resolveOffset }) => {
        await this.#serial(() => this.#processBatch(batch, isStale, resolveOffset));
      },
    });
    this.#ticker = setInterval(() => this.#tick(), config.alerts.tickMs);
    this.#logger.info({ groupId: this.#groupId, topics: this.#topics, tenants: [...this.#rules.keys()] }, 'alert evaluator started');
  }

  #serial(operation: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch((error: unknown) => this.#logger.error({ err: error }, 'alert evaluator operation failed'));
    return run;
  }

  /** A new assignment: the owner (re)builds from the changelog; a standby drops its state and producer. */
  async #assign(assigned: number[]): Promise<void> {
    this.#assigned = assigned;
    if (assigned.length === 0) {
      if (this.#producer !== null) this.#logger.info('no partitions assigned: standing by');
      await this.#producer?.close();
      this.#producer = null;
      this.#evaluators = new Map();
      this.#broken = true;
      return;
    }
    this.#logger.info({ partitions: assigned }, 'owner of the alert evaluation: restoring the state');
    this.#fenced = false;
    await this.#rebuild();
  }

  async #healthy(): Promise<boolean> {
    if (this.#stopped || this.#assigned.length === 0 || this.#fenced) return false;
    if (this.#broken) await this.#rebuild();
    return !this.#broken;
  }

  /** New producer (fences the previous owner), state from the changelog, consumer rewound; retried until stopped. */
  async #rebuild(): Promise<void> {
    for (let attempt = 0; !this.#stopped && this.#assigned.length > 0; attempt++) {
      try {
        await this.#producer?.close();
        this.#producer = null;
        this.#producer = await KafkajsPartitionProducer.open(this.#kafka!, this.#serde!, this.#groupId);
        const started = performance.now();
        const entries = await readAlertChangelog(this.#kafka!, this.#serde!, this.#topics.changelog);
        const { snapshots, positions } = assembleAlertState(entries);
        const evaluators = new Map<string, TenantAlertEvaluator>();
        for (const [tenant, snapshot] of snapshots) evaluators.set(tenant, TenantAlertEvaluator.restore(snapshot, tenant, this.#rules.get(tenant) ?? []));
        for (const [tenant, rules] of this.#rules) if (!evaluators.has(tenant)) evaluators.set(tenant, new TenantAlertEvaluator(tenant, rules));
        this.#evaluators = evaluators;
        this.#changelog = new AlertChangelog(this.#topics.changelog, entries);
        const low = new Map((await partitionOffsets(this.#kafka!, this.#topics.agentState)).map((p) => [p.partition, p.low]));
        this.#positions = new Map(this.#assigned.map((partition) => [partition, Math.max(positions.get(partition) ?? 0, low.get(partition) ?? 0)]));
        for (const [partition, offset] of this.#positions) this.#consumer?.seek({ topic: this.#topics.agentState, partition, offset: String(offset) });
        this.#broken = false;
        this.#logger.info({ entries: entries.length, tenants: evaluators.size, positions: Object.fromEntries(this.#positions), restoreMs: Math.round(performance.now() - started) }, 'alert evaluator state restored');
        return;
      } catch (error) {
        if (isFencingError(error)) {
          this.#fenced = true;
          this.#logger.warn({ err: error }, 'fenced by another owner while restoring');
          return;
        }
        this.#logger.warn({ err: error, attempt }, 'alert evaluator restore failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  async #processBatch(batch: Batch, isStale: () => boolean, resolveOffset: (offset: string) => void): Promise<void> {
    if (!(await this.#healthy()) || isStale()) return;
    const known = this.#positions.get(batch.partition);
    if (known === undefined) return;
    const fetched = Number((batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset() ?? 0);
    if (fetched > known) {
      this.#logger.warn({ partition: batch.partition, fetched, position: known }, 'batch starts after the restored position (stale fetch); rewinding');
      this.#consumer?.seek({ topic: this.#topics.agentState, partition: batch.partition, offset: String(known) });
      return;
    }
    const now = this.#now();
    const transitions: AlertTransition[] = [];
    const touched = new Set<string>();
    try {
      for (const message of batch.messages) {
        if (Number(message.offset) < known || message.value === null || message.value.length === 0) continue;
        const value = await this.#serde!.decode<AgentStateValue>(message.value);
        const evaluator = this.#evaluators.get(value.tenant);
        if (evaluator === undefined || (this.#rules.get(value.tenant) ?? []).length === 0) continue;
        transitions.push(...evaluator.apply(agentFacts(value), now));
        touched.add(value.tenant);
      }
    } catch (error) {
      // the evaluators already took part of the batch: only the changelog knows the committed state
      this.#logger.warn({ err: error, partition: batch.partition }, 'could not evaluate a batch; restoring the state from the changelog');
      this.#broken = true;
      await this.#rebuild();
      return;
    }
    const next = Number(batch.lastOffset()) + 1;
    if (next <= known) return;
    this.#positions.set(batch.partition, next);
    if (await this.#commit(transitions, touched, { groupId: this.#groupId, topic: this.#topics.agentState, partition: batch.partition, offset: next })) resolveOffset(batch.lastOffset());
  }

  #tick(): void {
    if (this.#tickQueued || this.#stopped) return;
    this.#tickQueued = true;
    void this.#serial(async () => {
      this.#tickQueued = false;
      if (!(await this.#healthy())) return;
      const now = this.#now();
      const transitions: AlertTransition[] = [];
      const touched = new Set<string>();
      for (const [tenant, evaluator] of this.#evaluators) {
        const ticked = evaluator.tick(now);
        if (ticked.length === 0) continue;
        transitions.push(...ticked);
        touched.add(tenant);
      }
      if (transitions.length > 0) await this.#commit(transitions, touched, null);
    });
  }

  /** One transaction: the transitions, the changed state of `touched` tenants (and the positions), the consumed offset. True when committed. */
  async #commit(transitions: readonly AlertTransition[], touched: ReadonlySet<string>, consumed: { groupId: string; topic: string; partition: number; offset: number } | null): Promise<boolean> {
    const entries: AlertStateEntry[] = consumed === null ? [] : [positionsEntry(this.#positions)];
    for (const tenant of touched) {
      const evaluator = this.#evaluators.get(tenant);
      if (evaluator !== undefined) entries.push(...tenantEntries(evaluator.snapshot()));
    }
    const records: OutgoingRecord[] = [...transitions.map((transition) => alertRecord(this.#topics.alerts, transition)), ...this.#changelog!.diff(entries)];
    if (records.length === 0 && consumed === null) return true;
    try {
      await this.#producer!.commit(records, consumed);
    } catch (error) {
      this.#broken = true;
      this.#fenced = isFencingError(error);
      this.#logger.warn({ err: error, fenced: this.#fenced }, 'alert transaction aborted; restoring the state from the changelog');
      if (!this.#fenced) await this.#rebuild();
      return false;
    }
    this.#changelog!.accept();
    this.#transactions++;
    if (transitions.length > 0) this.#onCommitted(transitions);
    for (const transition of transitions) this.#logger.info({ alert: transition.id, status: transition.status, tenant: transition.tenant, rule: transition.ruleId, agent: transition.agentId }, `alert ${transition.status}`);
    return true;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#ticker);
    await stopConsumer(this.#consumer).catch((error: unknown) => this.#logger.warn({ err: error }, 'consumer disconnect failed'));
    await this.#queue;
    await this.#producer?.close();
    this.#producer = null;
    this.#logger.info('alert evaluator stopped');
  }
}

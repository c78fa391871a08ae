import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createKafka } from './kafka-client.ts';
import { registryRequest } from './schema-registry-http.ts';

/** What the last probe round saw: true reachable, false not, null not probed yet. */
export interface DependencyStatus {
  readonly kafka: boolean | null;
  readonly registry: boolean | null;
}

/**
 * Probes the broker (describeCluster, no retries) and the schema registry (GET /subjects) every `intervalMs`, so a
 * long-running component can say at once that a dependency is gone instead of waiting for its clients' retry
 * budgets. Failures are logged once per change of state, without hosts or credentials.
 *
 * Lifecycle: start once → status() any time → stop once (idempotent).
 */
export class DependencyProbe {
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #admin: Admin | null = null;
  #connected: Promise<void> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;
  #status: DependencyStatus = { kafka: null, registry: null };

  constructor(options: { config: Config; logger: Logger; intervalMs: number }) {
    this.#config = options.config;
    this.#logger = options.logger.child({ component: 'dependency-probe' });
    this.#intervalMs = options.intervalMs;
  }

  status(): DependencyStatus {
    return this.#status;
  }

  start(): void {
    this.#admin = createKafka(this.#config, this.#logger, '-probe').admin({ retry: { retries: 0 } });
    void this.#round();
    this.#timer = setInterval(() => void this.#round(), this.#intervalMs);
    this.#timer.unref();
  }

  async #round(): Promise<void> {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    try {
      const [kafka, registry] = await Promise.all([this.#probeKafka(), this.#probeRegistry()]);
      this.#note('kafka', kafka);
      this.#note('registry', registry);
      this.#status = { kafka, registry };
    } finally {
      this.#running = false;
    }
  }

  #note(name: 'kafka' | 'registry', reachable: boolean): void {
    if (this.#status[name] === reachable) return;
    if (reachable) this.#logger.info({ dependency: name }, `${name} is reachable`);
    else this.#logger.warn({ dependency: name }, `${name} is unreachable`);
  }

  async #probeKafka(): Promise<boolean> {
    const admin = this.#admin;
    if (admin === null) return false;
    try {
      await (this.#connected ??= admin.connect());
      const cluster = await withTimeout(admin.describeCluster(), this.#intervalMs * 2);
      return cluster.brokers.length > 0;
    } catch {
      this.#connected = null;
      await admin.disconnect().catch(() => undefined);
      return false;
    }
  }

  async #probeRegistry(): Promise<boolean> {
    try {
      await registryRequest(this.#config.schemaRegistry, 'GET', '/subjects');
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#admin?.disconnect().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]);
}

import type { Logger } from 'pino';
import type { BackoffPolicy } from './backoff.ts';
import { backoffDelay } from './backoff.ts';

/** A running unit of work the supervisor keeps alive (a processor instance, a set of pollers). */
export interface SupervisedUnit {
  /** Rejects when the unit died and cannot recover by itself; never resolves otherwise. */
  readonly fatal: Promise<never>;
  /** Releases everything the unit holds; idempotent. */
  stop(): Promise<void>;
}

export type SupervisorState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface SupervisorStatus {
  readonly state: SupervisorState;
  /** Starts that failed plus units that died after starting. */
  readonly failures: number;
  /** Why the last start failed or the last unit died; null once a unit runs. */
  readonly lastError: string | null;
}

export interface SupervisorOptions<T extends SupervisedUnit> {
  readonly name: string;
  readonly start: () => Promise<T>;
  readonly logger: Logger;
  /** Delay between attempts: full jitter, capped at `maxMs`, never below `baseMs`. */
  readonly backoff: BackoffPolicy;
  /**
   * How long stopping a unit may take before it is abandoned: a dead one (its producers are fenced by the next one), and
   * the running one at stop() (a shutdown never hangs on a client that does not answer).
   */
  readonly stopTimeoutMs: number;
  /** A unit that ran at least this long before dying restarts after the shortest backoff; one that died sooner backs off further. */
  readonly stableMs?: number;
  /** Called on every state change and failure (metrics). */
  readonly onStatus?: (status: SupervisorStatus) => void;
  readonly random?: () => number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Keeps one unit alive until stopped: starts it, and whenever the start fails or the unit reports itself dead
 * (`fatal`), stops what is left of it and starts a new one after a capped backoff. Nothing it supervises makes the
 * process exit: a broker, registry or Redis outage of any length ends in a restart once the service is back.
 *
 * Lifecycle: `superviseUnit` starts the loop at once → `current()` any time → `stop()` once (idempotent; waits for
 * the loop and stops the running unit, abandoning it after `stopTimeoutMs`).
 */
export interface Supervisor<T extends SupervisedUnit> {
  /** The running unit, or null while (re)starting or after stop. */
  current(): T | null;
  status(): SupervisorStatus;
  /** Resolves once a unit has started for the first time (or the supervisor was stopped). */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}

export function superviseUnit<T extends SupervisedUnit>(options: SupervisorOptions<T>): Supervisor<T> {
  const { logger, name } = options;
  const abort = new AbortController();
  let unit: T | null = null;
  let status: SupervisorStatus = { state: 'starting', failures: 0, lastError: null };
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const update = (next: Partial<SupervisorStatus>): void => {
    status = { ...status, ...next };
    options.onStatus?.(status);
  };
  const pause = (attempt: number): Promise<void> => {
    const wait = Math.max(options.backoff.baseMs, backoffDelay(options.backoff, attempt, options.random));
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, wait);
      abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  };
  const stopUnit = async (target: T, what: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.stopTimeoutMs);
    });
    const outcome = await Promise.race([target.stop().then(() => 'stopped' as const, () => 'stopped' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') logger.warn({ unit: name, stopTimeoutMs: options.stopTimeoutMs }, `${name} did not stop in time ${what}; abandoning it`);
  };

  const loop = (async () => {
    for (let attempt = 0; !abort.signal.aborted; ) {
      let running: T;
      try {
        running = await options.start();
      } catch (error) {
        attempt++;
        update({ state: 'restarting', failures: status.failures + 1, lastError: describe(error) });
        logger.error({ err: error, unit: name, attempt }, `${name} could not start; retrying`);
        await pause(attempt);
        continue;
      }
      if (abort.signal.aborted) {
        await stopUnit(running, 'at shutdown');
        break;
      }
      unit = running;
      const since = Date.now();
      update({ state: 'running', lastError: null });
      markStarted();
      const died = await Promise.race([
        running.fatal.catch((error: unknown) => error),
        new Promise<null>((resolve) => abort.signal.addEventListener('abort', () => resolve(null), { once: true })),
      ]);
      if (died === null) break;
      unit = null;
      attempt = Date.now() - since >= (options.stableMs ?? 60_000) ? 1 : attempt + 1;
      update({ state: 'restarting', failures: status.failures + 1, lastError: describe(died) });
      logger.error({ err: died, unit: name }, `${name} died; restarting it`);
      await stopUnit(running, 'after it died');
      await pause(attempt);
    }
  })();

  let stopping: Promise<void> | null = null;
  return {
    current: () => unit,
    status: () => status,
    started,
    stop: () =>
      (stopping ??= (async () => {
        abort.abort();
        markStarted();
        await loop;
        const last = unit;
        unit = null;
        if (last !== null) await stopUnit(last, 'at shutdown');
        update({ state: 'stopped' });
      })()),
  };
}

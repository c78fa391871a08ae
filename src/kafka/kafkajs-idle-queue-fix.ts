import { kafkajsInternals } from './kafkajs-internals.ts';

/** The part of kafkajs' internal `RequestQueue` (one per broker connection) that the fix touches. */
interface RequestQueueInternals {
  readonly pending: readonly unknown[];
  readonly throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs releases whose RequestQueue has the defect below; 2.2.4 is the last release (2023). */
const AFFECTED_VERSIONS: ReadonlySet<string> = new Set(['2.2.4']);

let applied: boolean | undefined;

/**
 * Stops kafkajs' idle request queues from re-arming a timer with a negative delay.
 *
 * In kafkajs 2.2.4 every answered request ends in `RequestQueue.scheduleCheckPendingRequests()`, which calls
 * `setTimeout(check, throttledUntil - Date.now())` even when nothing is pending. `throttledUntil` is -1 until the
 * broker asks for client-side throttling, so the delay is minus the epoch: Node (≥ 23) prints
 * `TimeoutNegativeWarning: -17… is a negative number` once per process and clamps the delay to 1 ms, and the check
 * then re-arms itself, so every open connection wakes up about a thousand times a second for nothing
 * (kafkajs issues #1751 and #1704, unmerged fixes #1755 and #1768). No client option avoids it: the queue is built per
 * connection from internals the `Kafka` constructor does not expose.
 *
 * The fix wraps that one method: with no pending request and no throttle in force there is nothing to check, so no
 * timer is armed; every other case runs kafkajs' own code unchanged (a pending request is still checked after the
 * throttle or after kafkajs' retry interval). It is applied only to the kafkajs versions known to have the defect,
 * once per process, and returns whether it is in force. test/kafka/kafkajs-idle-queue-fix.test.ts and
 * test/bin/cli-warnings.test.ts fail if the warning or the busy loop comes back, e.g. after a kafkajs upgrade.
 */
export function applyKafkajsIdleQueueFix(): boolean {
  if (applied !== undefined) return applied;
  const internals = kafkajsInternals(AFFECTED_VERSIONS);
  if (internals === null) return (applied = false);
  const { version, require } = internals;
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals };
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function') throw new Error(`kafkajs ${version} has no RequestQueue.scheduleCheckPendingRequests; review src/kafka/kafkajs-idle-queue-fix.ts`);
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    original.call(this);
  };
  return (applied = true);
}

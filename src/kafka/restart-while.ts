import type { Consumer, RetryOptions } from 'kafkajs';

/**
 * The `retry` option of a kafkajs consumer that restarts itself after a crash only while its owner is running.
 *
 * On a retriable crash kafkajs disconnects the consumer, asks `restartOnFailure`, emits CRASH, and then arms a timer
 * that starts the consumer again. A `disconnect()` by the owner in that sequence (a supervisor replacing the processor
 * during a broker outage, a stop while kafkajs' retries run out) finds no timer to clear, so the consumer starts
 * again afterwards with the stopped owner's handlers: once the broker is back, every such zombie joins its group,
 * takes partitions from the live members and makes them rebalance. With this option a consumer whose owner stopped
 * before kafkajs asks is not restarted; {@link stopConsumer} covers a stop that comes later.
 */
export function restartWhile(running: () => boolean): Pick<RetryOptions, 'restartOnFailure'> {
  return { restartOnFailure: async () => running() };
}

/**
 * Disconnects a kafkajs consumer for good: after the disconnect it stops the consumer once more, a turn of the event
 * loop later, which clears a restart timer that kafkajs armed after the disconnect had run (a stop from within the
 * CRASH event) or stops the consumer that timer already started. Idempotent, like `disconnect()`; nothing to do for
 * a consumer not created yet (undefined).
 */
export async function stopConsumer(consumer: Consumer | undefined): Promise<void> {
  if (consumer === undefined) return;
  await consumer.disconnect();
  await new Promise((resolve) => setImmediate(resolve));
  await consumer.stop();
}

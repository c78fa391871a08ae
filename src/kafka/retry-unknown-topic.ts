/**
 * Runs `operation`, retrying for up to `timeoutMs` while the broker answers UNKNOWN_TOPIC_OR_PARTITION: right after
 * a topic is created, or while a freshly started broker loads its partitions, metadata lags behind.
 */
export async function retryUnknownTopic<T>(operation: () => Promise<T>, timeoutMs = 60_000, delayMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

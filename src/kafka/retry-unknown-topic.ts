/**
 * Runs `operation`, retrying while the broker answers UNKNOWN_TOPIC_OR_PARTITION: right after a topic is created
 * its metadata reaches the broker's caches a moment later than createTopics returns.
 */
export async function retryUnknownTopic<T>(operation: () => Promise<T>, attempts = 20, delayMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

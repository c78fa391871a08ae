import { AgentTimelinesError } from '../errors/agent-timelines-error.ts';

/** Awaits a store read; any failure becomes a retriable SERVICE_UNAVAILABLE (answered 503). */
export async function storeRead<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (cause) {
    throw new AgentTimelinesError('SERVICE_UNAVAILABLE', `the timeline store (Redis) could not be read: ${(cause as Error).message}`, { cause });
  }
}

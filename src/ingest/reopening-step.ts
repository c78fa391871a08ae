import type { LoopStep } from './poll-loop.ts';
import type { TransactionalPublisher } from './transactional-publisher.ts';

/** A poller opened on its publisher and restored checkpoint: one run, and the publisher to close. */
export interface OpenedStep {
  readonly run: (signal: AbortSignal) => Promise<boolean>;
  readonly publisher: Pick<TransactionalPublisher, 'disconnect'>;
}

/**
 * A loop step that opens its poller (fencing the previous owner, restoring the committed checkpoint) on its first
 * run, and again after any failed run: a failure can leave the in-memory poller ahead of or behind what committed
 * (a commit whose outcome is unknown), so only the checkpoint on the topic is trusted. `opened` holds the publishers
 * currently open, for the caller to disconnect at shutdown.
 */
export function reopeningStep(name: string, tenant: string, endpoint: string, intervalMs: number, open: () => Promise<OpenedStep>, opened: Set<OpenedStep['publisher']>): LoopStep {
  let current: OpenedStep | null = null;
  return {
    name,
    tenant,
    endpoint,
    intervalMs,
    run: async (signal) => {
      if (current === null) {
        current = await open();
        opened.add(current.publisher);
      }
      try {
        return await current.run(signal);
      } catch (error) {
        const failed = current;
        current = null;
        opened.delete(failed.publisher);
        await failed.publisher.disconnect().catch(() => undefined);
        throw error;
      }
    },
  };
}

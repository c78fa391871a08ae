import type { StoredRecord } from './changelog-records.ts';

interface Waiter {
  readonly resolve: (entries: StoredRecord[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces restore requests that arrive within `windowMs` (all partitions of one assignment) into one changelog
 * read, so an assignment of n partitions costs one throw-away consumer instead of n.
 */
export function batchedRestore(
  read: (partitions: number[]) => Promise<Map<number, StoredRecord[]>>,
  windowMs = 20,
): (partition: number) => Promise<StoredRecord[]> {
  const state: { pending: Map<number, Waiter[]> | null } = { pending: null };
  const flush = (batch: Map<number, Waiter[]>): void => {
    read([...batch.keys()]).then(
      (result) => {
        for (const [partition, waiters] of batch) for (const waiter of waiters) waiter.resolve(result.get(partition) ?? []);
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      },
    );
  };
  return (partition) =>
    new Promise<StoredRecord[]>((resolve, reject) => {
      let batch = state.pending;
      if (batch === null) {
        const created = new Map<number, Waiter[]>();
        batch = created;
        state.pending = created;
        setTimeout(() => {
          state.pending = null;
          flush(created);
        }, windowMs);
      }
      const waiters = batch.get(partition) ?? [];
      waiters.push({ resolve, reject });
      batch.set(partition, waiters);
    });
}

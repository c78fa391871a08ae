import { describe, expect, it } from 'vitest';
import { QueryAdmission } from '../../src/http/query-admission.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('QueryAdmission', () => {
  it('runs at most `concurrent` queries, queues up to `queued` in order and refuses the rest', async () => {
    const admission = new QueryAdmission({ concurrent: 2, queued: 1 });
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      admission.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(admission.load).toEqual({ running: 2, waiting: 1 });
    await expect(admission.run(async () => 99)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', retriable: true });

    gates[0]!.resolve();
    expect(await runs[0]).toBe(0);
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(admission.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a query fails', async () => {
    const admission = new QueryAdmission({ concurrent: 1, queued: 0 });
    await expect(admission.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await admission.run(async () => 'ok')).toBe('ok');
  });
});

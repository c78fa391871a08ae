import { describe, expect, it } from 'vitest';
import type { FaultOptions, RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { FROM, get, iso, simulator, TO } from '../support.ts';
import { AUTHORIZATION } from '../support.ts';

const PATH = `/agentStatusHistory?startTime=${iso(FROM)}&limit=10`;

async function withFaults(faults: Partial<FaultOptions>, run: (sim: RunningSimulator) => Promise<void>): Promise<void> {
  const sim = await simulator({ faults, faultSeed: 5 });
  try {
    await run(sim);
  } finally {
    await sim.close();
  }
}

describe('fault injection', () => {
  it('latencyMs delays answers', async () => {
    await withFaults({ latencyMs: [150, 200] }, async (sim) => {
      const started = performance.now();
      expect((await get(sim, PATH)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(sim.stats()['fault:latency']).toBe(1);
    });
  });

  it('rate429 answers 429 with Retry-After', async () => {
    await withFaults({ rate429: 1, retryAfterSeconds: 7 }, async (sim) => {
      const answer = await get(sim, PATH);
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(sim.stats()['fault:429']).toBe(1);
    });
  });

  it('burst5xx answers `length` consecutive 500/503 and then recovers', async () => {
    await withFaults({ burst5xx: { probability: 0.3, length: 4 } }, async (sim) => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await get(sim, PATH)).status);
      const text = statuses.map((s) => (s === 200 ? '.' : 'x')).join('');
      expect(text).toMatch(/x{4}/);
      expect(statuses.some((s) => s === 500 || s === 503)).toBe(true);
      for (const run of text.slice(0, text.lastIndexOf('.')).match(/x+/g) ?? []) expect(run.length % 4).toBe(0);
    });
  });

  it('resetRate destroys the socket without a response', async () => {
    await withFaults({ resetRate: 1 }, async (sim) => {
      await expect(get(sim, PATH)).rejects.toThrow();
      expect(sim.stats()['fault:reset']).toBe(1);
    });
  });

  it('timeoutRate leaves the request unanswered until the client gives up; close does not hang', async () => {
    const sim = await simulator({ faults: { timeoutRate: 1 } });
    await expect(fetch(`${sim.url}${PATH}`, { headers: { authorization: AUTHORIZATION, accept: 'application/json' }, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const pending = fetch(`${sim.url}${PATH}`, { headers: { authorization: AUTHORIZATION, accept: 'application/json' } }).catch(() => 'closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.close();
    expect(await pending).toBe('closed');
    expect(sim.stats()['fault:timeout']).toBe(2);
  });

  it('malformedRate answers 200 with truncated JSON', async () => {
    await withFaults({ malformedRate: 1 }, async (sim) => {
      const answer = await get(sim, PATH);
      expect(answer.status).toBe(200);
      expect(() => JSON.parse(answer.text) as unknown).toThrow();
    });
  });

  it('repeatRowsRate repeats rows of the previous page on a page with offset > 0', async () => {
    await withFaults({ repeatRowsRate: 1 }, async (sim) => {
      const truth = sim.groundTruth().agentStatusHistory;
      const first = JSON.parse((await get(sim, PATH)).text) as unknown[];
      expect(first).toEqual(truth.slice(0, 10));
      const second = JSON.parse((await get(sim, `${PATH}&offset=10`)).text) as unknown[];
      const repeated = second.length - 10;
      expect(repeated).toBeGreaterThan(0);
      expect(second).toEqual(truth.slice(10 - repeated, 20));
      expect(sim.stats()['fault:repeatRows']).toBe(1);
    });
  });

  it('pageCap serves at most that many rows whatever limit says, at every offset', async () => {
    await withFaults({ pageCap: 3 }, async (sim) => {
      const truth = sim.groundTruth().agentStatusHistory;
      expect(JSON.parse((await get(sim, PATH)).text)).toEqual(truth.slice(0, 3));
      expect(JSON.parse((await get(sim, `${PATH}&offset=3`)).text)).toEqual(truth.slice(3, 6));
      expect(JSON.parse((await get(sim, `/agentStatusHistory?startTime=${iso(FROM)}&limit=2`)).text)).toEqual(truth.slice(0, 2));
      expect(sim.stats()['fault:pageCap']).toBe(2);
    });
  });

  it('the fault sequence is deterministic for a faultSeed', async () => {
    const sequence = async (): Promise<number[]> => {
      const out: number[] = [];
      await withFaults({ rate429: 0.3, burst5xx: { probability: 0.1, length: 2 } }, async (sim) => {
        for (let i = 0; i < 20; i++) out.push((await get(sim, PATH)).status);
      });
      return out;
    };
    const first = await sequence();
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await sequence()).toEqual(first);
  });

  it('lateVisibilityMaxMs: rows appear in a later poll of a changeTimestamp range already polled', async () => {
    let realNow = 0;
    const sim = await simulator({ faults: { lateVisibilityMaxMs: 600_000, changeLagMaxMs: 120_000 }, clock: { mode: 'accelerated', speed: 1, startedAt: 0 }, realClock: () => realNow });
    try {
      const truth = sim.groundTruth();
      const lateIndex = truth.visibleAt.agentStatusHistory.findIndex((v, i) => v > Date.parse(`${String(truth.agentStatusHistory[i]?.['changeTimeStamp']).replace(' ', 'T')}Z`) + 60_000);
      const late = truth.agentStatusHistory[lateIndex] ?? {};
      const changed = Date.parse(`${String(late['changeTimeStamp']).replace(' ', 'T')}Z`);
      const range = `/agentStatusHistory?startTime=${iso(changed - 1)}&endTime=${iso(changed + 1)}&userId=${String(late['userId'])}`;
      realNow = changed + 30_000 - FROM;
      expect(sim.now()).toBe(changed + 30_000);
      expect(JSON.parse((await get(sim, range)).text)).not.toContainEqual(late);
      realNow = (truth.visibleAt.agentStatusHistory[lateIndex] ?? TO) - FROM;
      expect(JSON.parse((await get(sim, range)).text)).toContainEqual(late);
    } finally {
      await sim.close();
    }
  });
});

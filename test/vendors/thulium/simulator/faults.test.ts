import { describe, expect, it } from 'vitest';
import type { ThuliumFaultOptions } from '../../../../src/vendors/thulium/simulator/index.ts';
import { get, simulator } from './support.ts';

async function statuses(faults: Partial<ThuliumFaultOptions>, n: number, headers: Record<string, string> = {}): Promise<Array<{ status: number; retryAfter: string | null; code: number | undefined }>> {
  const sim = await simulator({ faults, faultSeed: 5 });
  try {
    const out = [];
    for (let i = 0; i < n; i++) {
      const answer = await get(sim, '/api/agents_statuses', headers);
      out.push({ status: answer.status, retryAfter: answer.headers.get('retry-after'), code: (answer.json as { errors?: Array<{ code: number }> }).errors?.[0]?.code });
    }
    return out;
  } finally {
    await sim.close();
  }
}

describe('Thulium simulator: seeded faults', () => {
  it('429 (4001) with Retry-After, 500 (5001) and 503 (5003) with the error body, the same sequence for the same fault seed', async () => {
    const first = await statuses({ rate429: 0.3, retryAfterSeconds: 7, rate5xx: 0.3 }, 40);
    expect(await statuses({ rate429: 0.3, retryAfterSeconds: 7, rate5xx: 0.3 }, 40)).toEqual(first);
    const kinds = new Set(first.map((a) => a.status));
    expect(kinds).toEqual(new Set([200, 429, 500, 503]));
    for (const a of first) {
      if (a.status === 429) expect(a).toEqual({ status: 429, retryAfter: '7', code: 4001 });
      if (a.status === 500) expect(a.code).toBe(5001);
      if (a.status === 503) expect(a.code).toBe(5003);
    }
    const pl = await statuses({ rate429: 1 }, 1, { 'accept-language': 'pl' });
    expect(pl[0]?.status).toBe(429);
  });

  it('slow answers wait slowMs; resets destroy the socket without an answer', async () => {
    const sim = await simulator({ faults: { slowRate: 1, slowMs: 300 } });
    try {
      const started = Date.now();
      expect((await get(sim, '/api/agents_groups')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(sim.stats()['fault:slow']).toBe(1);
    } finally {
      await sim.close();
    }
    const reset = await simulator({ faults: { resetRate: 1 } });
    try {
      await expect(get(reset, '/api/agents_groups')).rejects.toThrow();
      expect(reset.stats()['fault:reset']).toBe(1);
    } finally {
      await reset.close();
    }
  });

  it('no faults by default', async () => {
    expect(new Set((await statuses({}, 20)).map((a) => a.status))).toEqual(new Set([200]));
  });
});

import { describe, expect, it } from 'vitest';
import { runAtForTest } from './clock-support.ts';
import { simulatedNow } from '../../../../src/vendors/thulium/simulator/index.ts';
import { allRows, FALL_FROM, FALL_TO, get, pause, seconds, simulator } from './support.ts';

describe('Thulium simulator: the injected clock', () => {
  it('historical: now = to; accelerated: from + elapsed × speed; live: the wall clock; clamped to [from, to], whole seconds', () => {
    const range = { from: FALL_FROM, to: FALL_TO };
    expect(simulatedNow({ ...range, clock: { mode: 'historical' } }, 0)).toBe(FALL_TO);
    expect(simulatedNow({ ...range, clock: { mode: 'accelerated', speed: 60, startedAt: 1_000 } }, 11_500)).toBe(FALL_FROM + 630_000);
    expect(simulatedNow({ ...range, clock: { mode: 'live' } }, FALL_FROM + 12_345)).toBe(FALL_FROM + 12_000);
    expect(simulatedNow({ ...range, clock: { mode: 'live' } }, FALL_TO + 1)).toBe(FALL_TO);
    expect(simulatedNow({ ...range, clock: { mode: 'live' } }, 0)).toBe(FALL_FROM);
  });

  it('nothing after now is served: statuses follow the clock, report time after now is zero', async () => {
    let wall = FALL_FROM + 30 * 3_600_000;
    const sim = await simulator({ clock: { mode: 'live' }, realClock: () => wall });
    try {
      const login = sim.world.timelines[0]?.agent.login ?? '';
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        wall += 600_000;
        const all = (await get(sim, '/api/agents_statuses')).json as Array<{ login: string; status: string }>;
        expect(all).toEqual(sim.world.timelines.map((t) => runAtForTest(sim.world, t.agent.login, sim.now())));
        for (const s of all) seen.add(s.status);
        expect((await get(sim, `/api/agents/${login}/status`)).json).toEqual(runAtForTest(sim.world, login, sim.now()));
      }
      expect(seen.size).toBeGreaterThan(3);
      const rows = await allRows(sim, { agent_logins: [login], date_from: '2026-10-25 12:00', date_to: '2026-10-26', aggregate_by: 'day' });
      const future = rows.at(-1);
      expect(future?.period).toBe('2026-10-26');
      expect(seconds(pause(future as never, 'free').sum)).toBe(0);
    } finally {
      await sim.close();
    }
  });
});

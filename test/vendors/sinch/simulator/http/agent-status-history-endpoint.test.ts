import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { startSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { parseTimestamp } from '../../../../../src/core/time/timestamp.ts';
import { allRows, CREDENTIALS, FROM, get, iso, rows, simulator, TO } from '../support.ts';

const ASH = '/agentStatusHistory';
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const change = (row: Record<string, unknown>): number => parseTimestamp(String(row['changeTimeStamp']));

describe('/agentStatusHistory', () => {
  it('startTime is required; a missing or unparseable one is a 400 text/plain', async () => {
    const missing = await get(sim, ASH);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(missing.text).toBe('Missing required parameter: startTime');
    expect((await get(sim, `${ASH}?startTime=yesterday`)).text).toBe("Invalid startTime: 'yesterday'");
  });

  it('startTime ≤ changeTimestamp < endTime (endTime optional, exclusive)', async () => {
    const truth = sim.groundTruth().agentStatusHistory;
    const pivot = change(truth[500] ?? {});
    const after = await allRows(sim, `${ASH}?startTime=${iso(pivot)}`);
    expect(after).toEqual(truth.filter((r) => change(r) >= pivot));
    const before = await allRows(sim, `${ASH}?startTime=${iso(FROM)}&endTime=${iso(pivot)}`);
    expect(before).toEqual(truth.filter((r) => change(r) < pivot));
  });

  it('serves the ground truth rows in changeTimestamp order', async () => {
    const served = await allRows(sim, `${ASH}?startTime=${iso(FROM)}&endTime=${iso(TO)}`);
    expect(served).toEqual(sim.groundTruth().agentStatusHistory);
  });

  it('userId filters by a comma list of GUIDs', async () => {
    const [a, b] = sim.groundTruth().agents;
    const served = await allRows(sim, `${ASH}?startTime=${iso(FROM)}&userId=${a?.userId},${b?.userId.toLowerCase()}`);
    expect(new Set(served.map((r) => r['userId']))).toEqual(new Set([a?.userId, b?.userId]));
  });

  it('sessionId filters by a comma list of GUIDs', async () => {
    const sessions = [...new Set(sim.groundTruth().agentStatusHistory.map((r) => String(r['sessionId'])))].slice(0, 2);
    const served = await allRows(sim, `${ASH}?startTime=${iso(FROM)}&sessionId=${sessions.join(',')}`);
    expect(served.length).toBeGreaterThan(2);
    expect(new Set(served.map((r) => r['sessionId']))).toEqual(new Set(sessions));
  });

  it('a malformed GUID is a 400 text/plain "Invalid GUID: \'…\'"', async () => {
    for (const name of ['userId', 'sessionId']) {
      const answer = await get(sim, `${ASH}?startTime=${iso(FROM)}&${name}=AC083B34470B4164A6A5968DD031B5E5,2B8ED95B0EC911E79675005056A75D9`);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(answer.text).toBe("Invalid GUID: '2B8ED95B0EC911E79675005056A75D9'");
    }
  });

  it('language takes a two-letter code', async () => {
    expect((await get(sim, `${ASH}?startTime=${iso(FROM)}&language=FI&limit=1`)).status).toBe(200);
    expect((await get(sim, `${ASH}?startTime=${iso(FROM)}&language=finnish`)).status).toBe(400);
  });

  it('limit defaults to 100 and offset to 0; offset/limit page through the matches', async () => {
    const truth = sim.groundTruth().agentStatusHistory;
    expect(await rows(sim, `${ASH}?startTime=${iso(FROM)}`)).toEqual(truth.slice(0, 100));
    expect(await rows(sim, `${ASH}?startTime=${iso(FROM)}&offset=150&limit=20`)).toEqual(truth.slice(150, 170));
    expect((await get(sim, `${ASH}?startTime=${iso(FROM)}&limit=-1`)).status).toBe(400);
  });

  it('has no sort parameter and no field filters (400 Unknown parameter)', async () => {
    expect((await get(sim, `${ASH}?startTime=${iso(FROM)}&sort=userName`)).text).toBe('Unknown parameter: sort');
    expect((await get(sim, `${ASH}?startTime=${iso(FROM)}&userName=Fox*`)).text).toBe('Unknown parameter: userName');
  });

  it('never returns rows beyond the first 10000 matches (row limit)', async () => {
    const big = await startSimulator({ seed: 3, agents: 80, from: FROM, to: TO, clock: { mode: 'historical' }, credentials: CREDENTIALS });
    try {
      const truth = big.groundTruth().agentStatusHistory;
      expect(truth.length).toBeGreaterThan(10_000);
      const last = await rows(big, `${ASH}?startTime=${iso(FROM)}&offset=9990&limit=100`);
      expect(last).toEqual(truth.slice(9990, 10_000));
      expect(await rows(big, `${ASH}?startTime=${iso(FROM)}&offset=10000&limit=100`)).toEqual([]);
      const narrowed = await rows(big, `${ASH}?startTime=${iso(change(truth[10_000] ?? {}))}&limit=1`);
      expect(narrowed[0]).toEqual(truth.find((r) => change(r) === change(truth[10_000] ?? {})));
    } finally {
      await big.close();
    }
  });
});

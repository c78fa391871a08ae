import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_STATUS, CONTACT_HISTORY, CONTACT_STATISTIC } from '../../../../../src/vendors/sinch/endpoint-specs.ts';
import type { RunningSimulator } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { sortRows } from '../../../../../src/vendors/sinch/simulator/http/row-order.ts';
import { iso, rows, simulator, FROM } from '../support.ts';

describe('simulator row order', () => {
  it('sort keeps the natural order among ties, ascending and descending', () => {
    const natural = [
      { id: 'a', t: 2 },
      { id: 'b', t: 1 },
      { id: 'c', t: 2 },
      { id: 'd', t: 1 },
      { id: 'e', t: 2 },
    ];
    const fields = new Set(['id', 't']);
    expect(sortRows([...natural], new Map([['sort', 't']]), fields, 'id').map((r) => r.id)).toEqual(['b', 'd', 'a', 'c', 'e']);
    expect(sortRows([...natural], new Map([['sort', '-t']]), fields, 'id').map((r) => r.id)).toEqual(['a', 'c', 'e', 'b', 'd']);
  });

  describe('the sort the pollers ask for', () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await simulator();
    });
    afterAll(async () => {
      await sim.close();
    });

    const specs = [
      ['contactHistory', CONTACT_HISTORY, 'contactId', `startTime=${iso(FROM)}&endTime=${iso(FROM + 86_400_000)}`],
      ['contactStatistic', CONTACT_STATISTIC, 'contactId', `startTime=${iso(FROM)}`],
      ['agentStatus', AGENT_STATUS, 'userId', `startTime=${iso(FROM)}`],
    ] as const;

    it.each(specs)('%s: accepted, a strict order by a unique field, and pages concatenate to the whole answer', async (_name, spec, field, range) => {
      const fixed = new URLSearchParams(spec.params).toString();
      const all = await rows(sim, `/${spec.endpoint}?${range}&${fixed}&limit=10000`);
      expect(all.length).toBeGreaterThan(5);
      const keys = all.map((r) => String(r[field]));
      expect(keys).toEqual([...new Set(keys)].sort());
      const paged: Array<Record<string, unknown>> = [];
      for (let offset = 0; offset < all.length; offset += 97) paged.push(...(await rows(sim, `/${spec.endpoint}?${range}&${fixed}&offset=${offset}&limit=97`)));
      expect(paged).toEqual(all);
    });
  });
});

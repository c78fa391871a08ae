import { METRIC_FIELDS } from '../src/core/statistic/agent-statistic-fields.ts';
import { createStoreFixture, testServer, TENANT } from '../test/http/support/http-fixture.ts';
const AGENTS = 1000, PER_DAY = 36, DAYS = Number(process.argv[2] ?? 1);
const FIRST = Date.parse('2026-11-01T00:00:00.000Z'), Q = 900_000;
const pm = (seed: number) => Object.fromEntries(METRIC_FIELDS.map((f, i) => [f, ((seed * 31 + i * 13) % 97) * 1000]));
const fx = await createStoreFixture({ dayZones: ['UTC'] });
const rows = [];
for (let d = 0; d < DAYS; d++) for (let q = 0; q < PER_DAY; q++) for (let a = 0; a < AGENTS; a++) {
  const s = FIRST + d * 86400000 + 32 * Q + q * Q;
  const parts: Record<string, unknown>[] = [{ profile: 'Office', profileReason: 'NONE', campaignId: null, ...pm(a + q) }];
  if (q % 4 === 0) parts.push({ profile: 'Lunch', profileReason: 'LUNCH', campaignId: null, ...pm(a * 3 + q) });
  if (a % 3 === 0 && q % 5 === 0) parts.push({ profile: 'Office', profileReason: 'NONE', campaignId: 'C1', ...pm(a * 7 + q) });
  const tot = Object.fromEntries(METRIC_FIELDS.map((f) => [f, parts.reduce((x, p) => x + (p[f] as number), 0)]));
  rows.push({ ...tot, tenant: TENANT, source: 'sinch-rai', userId: `U${String(a).padStart(5, '0')}`, userName: `Agent ${a}`, intervalStart: s, intervalEnd: s + Q, revision: 1, status: 'final', final: true, maxChangeTimestamp: s + Q - 1, breakdown: parts } as never);
}
for (let i = 0; i < rows.length; i += 2000) await fx.quarterHours(rows.slice(i, i + 2000));
await fx.watermark(FIRST + DAYS * 86400000 + 3600000);
const app = testServer(fx.reader, { requestLimits: { maxQueryDays: 62 } } as never);
const end = new Date(FIRST + DAYS * 86400000).toISOString();
for (const path of [`/agentHistory?startTime=2026-11-01T00:00:00Z&endTime=${end}&timeCategory=day&showProfile=true&showCampaign=true&limit=${DAYS === 1 ? 1000 : 10000}`, `/agentStatistic?startTime=2026-11-01T00:00:00Z&endTime=${end}&timeCategory=day&limit=${DAYS === 1 ? 1000 : 10000}`]) {
  const t: number[] = [];
  for (let i = 0; i < Number(process.env.N ?? 9); i++) { const t0 = performance.now(); const r = await app.inject(path + `&x${i}=*`.slice(0, 0)); t.push(performance.now() - t0); if (r.statusCode !== 200) throw new Error(r.body); }
  t.sort((a, b) => a - b);
  console.log(path.split('?')[0], 'median', t[Math.floor(t.length / 2)]!.toFixed(1), 'min', t[0]!.toFixed(1));
}
await app.close(); await fx.close(); process.exit(0);

import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ReportInfo } from '../../../../../src/vendors/evo-voice/simulator/index.ts';
import { AUTHORIZATION, call, download, FROM, listed, sheetRows, simulator, submitAgentState, waitForStatus } from '../support.ts';

const HOUR = 3_600_000;
const WINDOW = { startDate: new Date(FROM + 9 * HOUR).toISOString(), endDate: new Date(FROM + 11 * HOUR).toISOString() };

async function rawDownload(url: string, id: string): Promise<{ status: number; bytes: Buffer; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/reports/${id}.xlsx`, { headers: { authorization: AUTHORIZATION } });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, bytes, ms: performance.now() - started };
}

describe('Evo Voice simulator: injected faults', () => {
  it('429 TooManyRequests with Retry-After on a share of requests, counted', async () => {
    const sim = await simulator({ faults: { rate429: 0.5, retryAfterSeconds: 7 } });
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, () => call(sim, 'GET', '/auth/status')));
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThan(5);
      expect(limited.length).toBeLessThan(35);
      for (const a of limited) {
        expect(a.headers.get('retry-after')).toBe('7');
        expect(a.json?.['responseStatus']).toMatchObject({ errorCode: 'TooManyRequests' });
      }
      expect(answers.filter((a) => a.status === 200)).toHaveLength(40 - limited.length);
      expect(sim.stats()['fault:429']).toBe(limited.length);
    } finally {
      await sim.close();
    }
  });

  it('500/502/503 on a share of requests, counted; the same fault seed gives the same sequence', async () => {
    const sequence = async (): Promise<number[]> => {
      const sim = await simulator({ faults: { rate5xx: 0.4 }, faultSeed: 99 });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await call(sim, 'GET', '/auth/status')).status);
        expect(sim.stats()['fault:5xx']).toBe(statuses.filter((s) => s >= 500).length);
        return statuses;
      } finally {
        await sim.close();
      }
    };
    const first = await sequence();
    expect(new Set(first.filter((s) => s !== 200))).toEqual(new Set([500, 502, 503]));
    expect(await sequence()).toEqual(first);
  });

  it('stuck jobs stay Running for ever; failed jobs end in Error with a statusMessage; both counted', async () => {
    const stuck = await simulator({ faults: { stuckRate: 1 } });
    try {
      const info = await submitAgentState(stuck, WINDOW);
      await waitForStatus(stuck, info.id, ['Running']);
      const deadline = Date.now() + 10_000;
      while (stuck.stats()['fault:stuck'] !== 1) {
        if (Date.now() > deadline) throw new Error('the stuck job never reached its end of running');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect((await listed(stuck, info.id))?.status).toBe('Running');
      expect((await call(stuck, 'GET', `/reports/${info.id}.xlsx`)).status).toBe(409);
    } finally {
      await stuck.close();
    }
    const failing = await simulator({ faults: { errorRate: 1 } });
    try {
      const info = await submitAgentState(failing, WINDOW);
      const failed: ReportInfo = await waitForStatus(failing, info.id, ['Error', 'Completed']);
      expect(failed.status).toBe('Error');
      expect(failed.statusMessage).toMatch(/^Report generation failed: /);
      expect(Date.parse(failed.dateUpdated)).toBeGreaterThan(Date.parse(info.dateUpdated));
      const answer = await call(failing, 'GET', `/reports/${info.id}.xlsx`);
      expect(answer.status).toBe(409);
      expect(failing.stats()['fault:error']).toBe(1);
    } finally {
      await failing.close();
    }
  });

  it('a failed job never corrupts data: re-submitting the window gives the rows a clean run gives', async () => {
    const mixed = await simulator({ faults: { errorRate: 0.5 }, faultSeed: 3 });
    const clean = await simulator();
    try {
      let rows: unknown[][] | undefined;
      for (let attempt = 0; attempt < 20 && rows === undefined; attempt++) {
        const info = await submitAgentState(mixed, WINDOW);
        const done = await waitForStatus(mixed, info.id, ['Error', 'Completed']);
        if (done.status === 'Completed') rows = await sheetRows(await download(mixed, info.id), 'Agent States');
      }
      expect(mixed.stats()['fault:error']).toBeGreaterThan(0);
      const reference = await submitAgentState(clean, WINDOW);
      await waitForStatus(clean, reference.id, ['Completed']);
      expect(rows).toEqual(await sheetRows(await download(clean, reference.id), 'Agent States'));
    } finally {
      await mixed.close();
      await clean.close();
    }
  });

  it('truncated downloads: a 200 whose bytes are a strict prefix of the workbook, which does not parse; counted', async () => {
    const sim = await simulator({ faults: { truncatedRate: 0.5 } });
    try {
      const info = await submitAgentState(sim, WINDOW);
      await waitForStatus(sim, info.id, ['Completed']);
      const downloads = [];
      for (let i = 0; i < 12; i++) downloads.push(await rawDownload(sim.url, info.id));
      expect(downloads.every((d) => d.status === 200)).toBe(true);
      const full = Math.max(...downloads.map((d) => d.bytes.length));
      const whole = downloads.find((d) => d.bytes.length === full)?.bytes ?? Buffer.alloc(0);
      const cut = downloads.filter((d) => d.bytes.length < full);
      expect(cut.length).toBeGreaterThan(0);
      expect(cut.length).toBe(sim.stats()['fault:truncated']);
      expect((await sheetRows(whole, 'Agent States')).length).toBeGreaterThan(1);
      for (const d of cut) {
        expect(whole.subarray(0, d.bytes.length).equals(d.bytes)).toBe(true);
        await expect(new ExcelJS.Workbook().xlsx.load(d.bytes as unknown as ArrayBuffer)).rejects.toThrow();
      }
    } finally {
      await sim.close();
    }
  });

  it('slow downloads: the body arrives in chunks with pauses, whole and intact; counted', async () => {
    const sim = await simulator({ faults: { slowDownloadRate: 1, slowChunkBytes: 2048, slowPauseMs: 40 } });
    try {
      const info = await submitAgentState(sim, WINDOW);
      await waitForStatus(sim, info.id, ['Completed']);
      const slow = await rawDownload(sim.url, info.id);
      const chunks = Math.ceil(slow.bytes.length / 2048);
      expect(chunks).toBeGreaterThan(2);
      expect(slow.ms).toBeGreaterThanOrEqual((chunks - 1) * 40 * 0.9);
      expect((await sheetRows(slow.bytes, 'Agent States')).length).toBeGreaterThan(1);
      expect(sim.stats()['fault:slowDownload']).toBe(1);
    } finally {
      await sim.close();
    }
  });
});

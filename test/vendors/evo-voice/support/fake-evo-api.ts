import { AGENT_STATE_HEADERS, BILLING_HEADERS, intervalRow, workbook } from './workbooks.ts';

/** One agent state interval the fake vendor knows (the unit tests' truth). */
export interface TruthInterval {
  readonly agentId: string;
  readonly state: string;
  readonly start: number;
  readonly end: number;
}

/** What the next submitted job does: finish normally, end in Error, or stay Running for ever. */
export type JobPlan = 'ok' | 'error' | 'stuck';

interface FakeReport {
  readonly info: Record<string, unknown> & { id: string; name: string; status: string };
  readonly route: string;
  readonly body: Record<string, unknown>;
  readonly plan: JobPlan;
}

/**
 * An in-memory Evo Voice report API behind a fetch function, for the poller's unit tests: jobs move one status per
 * `GET /reports` (Queued → Running → Completed | Error, or stay Running when stuck); downloads build the workbook
 * from `intervals` (rows starting in the window) and `extraRows`; faults are scripted per test.
 */
export class FakeEvoApi {
  readonly intervals: TruthInterval[];
  readonly reports = new Map<string, FakeReport>();
  readonly plans: JobPlan[] = [];
  readonly submitted: Array<{ id: string; route: string; body: Record<string, unknown> }> = [];
  readonly deleted: string[] = [];
  readonly downloads: string[] = [];
  /** Downloads still to cut short (the bytes are a prefix of the workbook). */
  truncateDownloads = 0;
  /** DELETE requests still to answer 500. */
  failDeletes = 0;
  /** Rows appended to every agent-state workbook as they are (to test rejections). */
  extraRows: Array<Array<string | number | null>> = [];
  #next = 1;

  constructor(intervals: TruthInterval[]) {
    this.intervals = intervals;
  }

  /** Adds a report this user created elsewhere (for clean-up tests). */
  addReport(name: string, status: string): string {
    const id = this.#id();
    this.reports.set(id, { info: { id, name, status, statusMessage: null, dateCreated: '2026-01-01T00:00:00.000Z' }, route: '', body: {}, plan: 'ok' });
    return id;
  }

  #id(): string {
    return (this.#next++).toString(16).padStart(24, '0');
  }

  readonly fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const notFound = () => json(404, { responseStatus: { errorCode: 'NotFound', message: 'no such report' } });
    const submit = /^\/reports\/(agent-state|billing)$/.exec(url.pathname);
    if (method === 'POST' && submit !== null) {
      const id = this.#id();
      const route = submit[1] ?? '';
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      const info = { id, name: route === 'billing' ? 'Billing Report' : 'Agent State Report', status: 'Queued', statusMessage: null, dateCreated: new Date().toISOString() };
      this.reports.set(id, { info, route, body, plan: this.plans.shift() ?? 'ok' });
      this.submitted.push({ id, route, body });
      return json(200, info);
    }
    if (method === 'GET' && url.pathname === '/reports') {
      for (const report of this.reports.values()) this.#advance(report);
      return json(200, { reports: [...this.reports.values()].map((r) => r.info).reverse() });
    }
    const download = /^\/reports\/([0-9a-f]+)\.xlsx$/.exec(url.pathname);
    if (method === 'GET' && download !== null) {
      const report = this.reports.get(download[1] ?? '');
      if (report === undefined) return notFound();
      if (report.info.status !== 'Completed') return json(409, { responseStatus: { errorCode: 'ReportNotReady', message: report.info.status } });
      this.downloads.push(report.info.id);
      const bytes = await this.#workbook(report);
      if (this.truncateDownloads > 0) {
        this.truncateDownloads--;
        return new Response(bytes.subarray(0, Math.floor(bytes.length / 2)), { status: 200 });
      }
      return new Response(bytes, { status: 200 });
    }
    const remove = /^\/reports\/([0-9a-f]+)$/.exec(url.pathname);
    if (method === 'DELETE' && remove !== null) {
      if (this.failDeletes > 0) {
        this.failDeletes--;
        return json(500, { responseStatus: { errorCode: 'Exception', message: 'delete failed' } });
      }
      const id = remove[1] ?? '';
      if (!this.reports.delete(id)) return notFound();
      this.deleted.push(id);
      return json(200, {});
    }
    return json(405, { responseStatus: { errorCode: 'MethodNotAllowed', message: `${method} ${url.pathname}` } });
  }) as typeof fetch;

  #advance(report: FakeReport): void {
    const { info } = report;
    if (info.status === 'Queued') info.status = 'Running';
    else if (info.status === 'Running' && report.plan !== 'stuck') {
      info.status = report.plan === 'error' ? 'Error' : 'Completed';
      if (report.plan === 'error') info.statusMessage = 'Report generation failed: timeout querying session archive';
    }
  }

  async #workbook(report: FakeReport): Promise<Uint8Array> {
    const start = Date.parse(String(report.body['startDate']));
    const end = Date.parse(String(report.body['endDate']));
    if (report.route === 'billing') {
      const date = String(report.body['startDate']);
      return workbook('Billing', BILLING_HEADERS, [[date, 'Acme', 'Widgets', 'c-1', 'Call Minutes', null, 10, 'minute', 0.01, 0.1], [date, 'Acme', 'Widgets', 'c-1', 'SMS', null, 2, 'message', 0.03, 0.06]]);
    }
    const rows = this.intervals.filter((i) => i.start >= start && i.start < end).sort((a, b) => a.start - b.start || a.agentId.localeCompare(b.agentId));
    return workbook('Agent States', AGENT_STATE_HEADERS, [...rows.map((i) => intervalRow(i.agentId, i.state, i.start, i.end)), ...this.extraRows]);
  }
}

/** Intervals of `agents` agents, back to back, `stepMs` long, from `from` to `to`, cycling through a few states. */
export function intervalsOf(agents: number, from: number, to: number, stepMs: number): TruthInterval[] {
  const states = ['Ready', 'WrapUp', 'Outgoing', 'Ready'];
  const out: TruthInterval[] = [];
  for (let a = 1; a <= agents; a++) {
    let i = 0;
    for (let t = from + a * 7_001; t + stepMs <= to; t += stepMs) out.push({ agentId: `agent-${a}`, state: states[i++ % states.length] ?? 'Ready', start: t, end: t + stepMs });
  }
  return out;
}

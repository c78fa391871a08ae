import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { minuteRows } from './minute-rows.ts';

/**
 * A small Thulium API for the poller tests until the simulator lands: `agents_groups`, `agents_work_report`
 * (aggregate_by=minute only, rows from support/minute-rows.ts, offset/limit ≤ 100, dates read per the contract with
 * luxon: ambiguous → first, gap → forward) and `agents_statuses` (a status that changes every `statusEvery`
 * requests). Faults: every `faultEvery`-th work report request answers 429 (Retry-After 0) or 503 in turn.
 */
export interface FakeThulium {
  readonly url: string;
  readonly stats: { requests: number; faults: number; pages: number };
  close(): Promise<void>;
}

function readLocal(label: string, zone: string): number | undefined {
  const parsed = DateTime.fromFormat(label, label.length === 19 ? 'yyyy-MM-dd HH:mm:ss' : label.length === 16 ? 'yyyy-MM-dd HH:mm' : 'yyyy-MM-dd', { zone });
  if (!parsed.isValid) return undefined;
  const t = parsed.toMillis();
  const earlier = t - 3_600_000;
  return DateTime.fromMillis(earlier, { zone }).toFormat('yyyy-MM-dd HH:mm:ss') === DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm:ss') ? earlier : t;
}

export async function startFakeThulium(options: { logins: readonly string[]; zone: string; from: number; to: number; faultEvery?: number; latencyMs?: number; credentials: { username: string; password: string } }): Promise<FakeThulium> {
  const stats = { requests: 0, faults: 0, pages: 0 };
  const auth = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  let reports = 0;
  const server = createServer((req, res) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, code: number, message: string) => send(status, { request_id: '0123456789abc', errors: [{ message, code }] });
    if (req.headers.authorization !== auth) return fail(401, 1401, 'Unauthorized');
    if (url.pathname === '/api/agents_groups') return send(200, [{ id: 1, name: 'All' }]);
    if (url.pathname === '/api/agents_statuses') {
      const flip = Math.floor(stats.requests / 3) % 2 === 0;
      return send(200, options.logins.map((login) => ({ login, status: flip ? 'FREE' : 'PAUSED', pause_id: flip ? null : 1, last_change: DateTime.fromMillis(options.to, { zone: options.zone }).toFormat('yyyy-MM-dd HH:mm:ss') })));
    }
    if (url.pathname !== '/api/agents_work_report') return fail(404, 1404, 'Not found');
    reports++;
    if (options.faultEvery !== undefined && reports % options.faultEvery === 0) {
      stats.faults++;
      return stats.faults % 2 === 0 ? fail(503, 1503, 'Service unavailable') : send(429, { request_id: '0123456789abc', errors: [{ message: 'Too many requests', code: 1429 }] }, { 'retry-after': '0' });
    }
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const offset = Number(url.searchParams.get('offset') ?? '0');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(offset) || offset < 0) return fail(400, 1003, 'Invalid limit or offset');
    if (url.searchParams.get('aggregate_by') !== 'minute' || url.searchParams.getAll('agent_group_ids[]').join() !== '1') return fail(400, 1004, 'This fake serves aggregate_by=minute of group 1 only');
    const from = readLocal(url.searchParams.get('date_from') ?? '', options.zone);
    const to = readLocal(url.searchParams.get('date_to') ?? '', options.zone);
    if (from === undefined || to === undefined || to <= from) return fail(400, 1005, 'Invalid dates');
    stats.pages++;
    const rows = minuteRows(options.logins, Math.max(from, options.from), Math.min(to, options.to), options.zone);
    setTimeout(() => send(200, rows.slice(offset, offset + limit)), options.latencyMs ?? 0);
    return undefined;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

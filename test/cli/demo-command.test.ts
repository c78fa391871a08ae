import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { requireServices } from '../support/services.ts';

const CLI = resolve(import.meta.dirname, '../../src/bin/cli.ts');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A text log line: `HH:MM:SS level component message…` (src/runtime/log-text-format.ts). */
const TEXT_LOG_LINE = /^\d\d:\d\d:\d\d (trace|debug|info |warn |error|fatal) \S+ +\S/;

/** How long data may take to reach the HTTP API once the demo is up (the first Evo window is due 16 simulated minutes in, 16 s at 60×). */
const DATA_DEADLINE_MS = 120_000;

type Row = Record<string, unknown>;

/** The JSON body of `url`, or a sentence saying why there is none (yet). */
async function getJson(url: string): Promise<{ body: unknown } | { problem: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (response.status !== 200) return { problem: `${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}` };
    return { body: await response.json() };
  } catch (error) {
    return { problem: `${url}: ${(error as Error).message}` };
  }
}

/** Rows of a JSON array answer, or a problem when there are none or one has another `source`. */
async function rowsFrom(url: string, source: string): Promise<{ rows: Row[] } | { problem: string }> {
  const answer = await getJson(url);
  if ('problem' in answer) return answer;
  if (!Array.isArray(answer.body) || answer.body.length === 0) return { problem: `${url} answered no rows yet` };
  const rows = answer.body as Row[];
  const other = rows.find((row) => row['source'] !== source);
  return other === undefined ? { rows } : { problem: `${url} answered a row with source ${JSON.stringify(other['source'])}, not ${source}` };
}

describe('agent-timelines demo console (real Node, real stack)', () => {
  it('runs a Sinch RAI, an Evo Voice and a Thulium tenant side by side: a line per component, URLs that answer each tenant\'s rows, text logs without warnings, and stops on SIGINT', async () => {
    const config = await requireServices();
    const [port, simPort, evoSimPort, thuliumSimPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--trace-warnings', CLI, 'demo', '--agents', '3', '--port', String(port), '--sim-port', String(simPort), '--evo-sim-port', String(evoSimPort), '--thulium-sim-port', String(thuliumSimPort)], {
      env: { ...process.env, KAFKA_BROKERS: config.kafka.brokers.join(','), SCHEMA_REGISTRY_URL: config.schemaRegistry.url, REDIS_URL: config.redis.url, LOG_LEVEL: 'info', LOG_FORMAT: '', TENANT: 'demo' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let exitCode: number | null | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done((exitCode = code))));
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`the demo did not come up in 90 s:\n${stdout}\n${stderr}`)), 90_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('Ctrl-C stops everything')) {
            clearTimeout(timer);
            done();
          }
        });
        void exited.then((code) => fail(new Error(`the demo exited with ${code}:\n${stdout}\n${stderr}`)));
      });

      const components = stdout.split('\n').flatMap((line) => /^ {2}(simulator|stack|pollers|API|processor) /.exec(line)?.[1] ?? []);
      expect(components.sort()).toEqual(['API', 'pollers', 'pollers', 'pollers', 'processor', 'simulator', 'simulator', 'simulator', 'stack']);
      expect(stdout).toMatch(/^ {2}processor {2}ready: sources sinch-rai, evo-voice, thulium-reports, thulium-statuses,/m);
      expect(stdout).toMatch(new RegExp(`^ {2}simulator {2}Thulium http://127\\.0\\.0\\.1:${thuliumSimPort}/api \\(basic auth \\S+/\\S+\\), \\d+ agent groups, agents in Europe/Warsaw$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^ {2}pollers {4}tenant demo-thulium: agents_work_report .* from http://127\\.0\\.0\\.1:${thuliumSimPort} into \\S+raw\\.thulium\\.\\*$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^ {2}simulator {2}Sinch RAI http://127\\.0\\.0\\.1:${simPort}/RI/rai \\(basic auth \\S+/\\S+\\)`, 'm'));
      expect(stdout).toMatch(new RegExp(`^ {2}simulator {2}Evo Voice http://127\\.0\\.0\\.1:${evoSimPort} \\(basic auth \\S+/\\S+\\), account .+ [0-9a-f]{24}, agents in Europe/Helsinki$`, 'm'));
      expect(stdout).toMatch(/^ {2}pollers {4}tenant demo: agentStatusHistory/m);
      expect(stdout).toMatch(/^ {2}alerts {5}rules of \S+alert-rules\.json \(demo: wrap-long, talk-long, not-ready-long, staffing; demo-evo: .*\) on the simulated clock/m);
      expect(stdout).toMatch(new RegExp(`^ {2}pollers {4}tenant demo-evo: agent-state reports .* from http://127\\.0\\.0\\.1:${evoSimPort} into \\S+raw\\.evovoice\\.\\*$`, 'm'));

      const api = `http://127.0.0.1:${port}`;
      const urls = [...stdout.matchAll(/ (http:\/\/127\.0\.0\.1:\d+\/\S*)$/gm)].map((match) => match[1] ?? '');
      // the live board first: the line as the API comes up, then the boards of the three tenants and a timeline view
      expect(urls[0]).toBe(`${api}/`);
      expect(urls).toEqual(expect.arrayContaining([`${api}/?tenant=demo-evo`, `${api}/?tenant=demo-thulium`, expect.stringMatching(/\/timeline\.html\?user=[0-9A-F]{32}&date=\d{4}-\d\d-\d\d&tz=UTC$/)]));
      const evoUrls = urls.filter((url) => url.includes('tenant=demo-evo') && new URL(url).pathname !== '/');
      const evoUrl = (path: RegExp): string => {
        const url = evoUrls.find((candidate) => path.test(new URL(candidate).pathname));
        if (url === undefined) throw new Error(`no Evo Voice URL for ${path} on the console:\n${stdout}`);
        return url;
      };
      expect(urls).toContain(`${api}/agentStatus`);
      expect(evoUrls.map((url) => new URL(url).pathname).sort()).toEqual(['/agentStatistic', '/agentStatus', expect.stringMatching(/^\/agents\/[0-9a-f]{24}\/timeline$/), '/billing']);
      expect(new URL(evoUrl(/^\/agentStatistic$/)).searchParams.get('timeZone')).toBe('Europe/Helsinki');
      const thuliumUrls = urls.filter((url) => url.includes('tenant=demo-thulium') && new URL(url).pathname !== '/');
      const thuliumUrl = (path: RegExp): string => {
        const url = thuliumUrls.find((candidate) => path.test(new URL(candidate).pathname));
        if (url === undefined) throw new Error(`no Thulium URL for ${path} on the console:\n${stdout}`);
        return url;
      };
      expect(thuliumUrls.map((url) => new URL(url).pathname).sort()).toEqual(['/agentStatistic', '/agentStatus', expect.stringMatching(/^\/agents\/[a-z]+\/timeline$/), '/api/agents_work_report']);

      // Each check answers null once it holds, or what is still missing. The data checks wait for /readyz: before it,
      // the store is still being built and the API answers 503 (and logs a warning about it).
      const checks: Record<string, () => Promise<string | null>> = {
        '/readyz': async () => {
          const response = await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => error as Error);
          return response instanceof Error ? response.message : response.status === 200 ? null : `${response.status}: ${await response.text()}`;
        },
        'firing alerts': async () => {
          const response = await fetch(`${api}/alerts`).catch((error: unknown) => error as Error);
          if (response instanceof Error) return response.message;
          const body = response.status === 200 ? ((await response.json()) as { alerts?: unknown }) : null;
          return Array.isArray(body?.alerts) ? null : `${response.status}`;
        },
        'live board': async () => {
          const response = await fetch(`${api}/`).catch((error: unknown) => error as Error);
          if (response instanceof Error) return response.message;
          return response.status === 200 && (response.headers.get('content-type') ?? '').startsWith('text/html') ? null : `${response.status} ${response.headers.get('content-type') ?? ''}`;
        },
        'Sinch /agentStatus': async () => {
          const answer = await rowsFrom(`${api}/agentStatus`, 'sinch-rai');
          return 'problem' in answer ? answer.problem : null;
        },
        'Evo /agentStatus': async () => {
          const answer = await rowsFrom(evoUrl(/^\/agentStatus$/), 'evo-voice');
          return 'problem' in answer ? answer.problem : null;
        },
        'Evo /agentStatistic': async () => {
          const answer = await rowsFrom(evoUrl(/^\/agentStatistic$/), 'evo-voice');
          if ('problem' in answer) return answer.problem;
          const unknownNotNull = answer.rows.find((row) => !('callInDuration' in row) || row['callInDuration'] !== null || row['pauseDuration'] !== null);
          if (unknownNotNull !== undefined) return `a row gives a value for a field Evo Voice cannot supply: ${JSON.stringify(unknownNotNull)}`;
          return answer.rows.some((row) => typeof row['servingDuration'] === 'number' && row['servingDuration'] > 0) ? null : 'no row with a servingDuration yet';
        },
        'Evo timeline': async () => {
          const answer = await getJson(evoUrl(/^\/agents\/[0-9a-f]{24}\/timeline$/));
          if ('problem' in answer) return answer.problem;
          const segments = (answer.body as { segments?: unknown }).segments;
          return Array.isArray(segments) && segments.length > 0 ? null : 'no timeline segments yet';
        },
        'Thulium /agentStatus (sampled)': async () => {
          const answer = await rowsFrom(thuliumUrl(/^\/agentStatus$/), 'thulium');
          if ('problem' in answer) return answer.problem;
          return answer.rows.every((row) => row['sampled'] === true || row['loggedIn'] === false) ? null : `a logged-in Thulium state is not marked sampled: ${JSON.stringify(answer.rows[0])}`;
        },
        'Thulium /agentStatistic': async () => {
          const answer = await rowsFrom(thuliumUrl(/^\/agentStatistic$/), 'thulium');
          if ('problem' in answer) return answer.problem;
          const unknownNotNull = answer.rows.find((row) => row['servingDuration'] !== null || row['readyDuration'] !== null);
          if (unknownNotNull !== undefined) return `a row gives a value for a field Thulium cannot supply: ${JSON.stringify(unknownNotNull)}`;
          return answer.rows.some((row) => typeof row['freeDuration'] === 'number' && row['freeDuration'] > 0) ? null : 'no row with a freeDuration yet';
        },
        'Thulium-shaped work report': async () => {
          const answer = await getJson(thuliumUrl(/^\/api\/agents_work_report$/));
          if ('problem' in answer) return answer.problem;
          return Array.isArray(answer.body) && answer.body.length > 0 ? null : 'no work report rows yet';
        },
        'Evo /billing': async () => {
          const answer = await getJson(evoUrl(/^\/billing$/));
          if ('problem' in answer) return answer.problem;
          const rows = (answer.body as { rows?: unknown }).rows;
          return Array.isArray(rows) && rows.length > 0 ? null : 'no billing rows yet';
        },
      };
      const deadline = Date.now() + DATA_DEADLINE_MS;
      let pending = Object.keys(checks);
      const problems = new Map<string, string>();
      while (pending.length > 0 && Date.now() < deadline && exitCode === undefined) {
        const due = pending.includes('/readyz') ? ['/readyz'] : pending;
        const results = await Promise.all(due.map(async (name) => [name, await (checks[name] as () => Promise<string | null>)()] as const));
        for (const [name, problem] of results) if (problem === null) problems.delete(name); else problems.set(name, problem);
        pending = pending.filter((name) => problems.has(name) || !due.includes(name));
        if (pending.length > 0) await delay(500);
      }
      expect(pending.map((name) => `${name}: ${problems.get(name) ?? 'not checked yet (waits for /readyz)'}`), `within ${DATA_DEADLINE_MS / 1000} s of the console:\n${stderr.slice(-3000)}`).toEqual([]);
    } finally {
      if (exitCode === undefined) child.kill('SIGINT');
    }
    expect(await exited).toBe(0);

    const logLines = stderr.split('\n').filter((line) => line.length > 0 && !line.startsWith('    at '));
    expect(logLines.filter((line) => !TEXT_LOG_LINE.test(line))).toEqual([]);
    expect(logLines.filter((line) => /Warning|^\d\d:\d\d:\d\d (warn |error|fatal)/.test(line))).toEqual([]);
    expect(logLines.some((line) => /^\S+ info {2}evo-poller +report window committed .*tenant=demo-evo/.test(line))).toBe(true);
  }, 300_000);
});

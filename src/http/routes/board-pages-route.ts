import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The board's files (src/http/board/): served as they are, no build step. */
const BOARD_DIR = new URL('../board/', import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/** Pages → file; assets are served under /assets/<file>. */
const PAGES: Readonly<Record<string, string>> = { '/': 'index.html', '/timeline.html': 'timeline.html' };
const ASSETS = ['board.js', 'board.css', 'api.js', 'agent-state.js', 'live-events.js', 'board-alerts.js', 'timeline.js', 'timeline-svg.js', 'time-zones.js', 'statistics-table.js'];

/**
 * The pages may load their own scripts and styles and call this origin (fetch, EventSource), nothing else: no inline
 * script, no other origin, no framing.
 */
export const BOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The live board at `/` and the timeline view at `/timeline.html` (docs/http-api.md, "Live board"): static files read
 * once at start. They are public, like /openapi.json: they hold no data; the scripts read it from the data routes,
 * which check the token and the tenant.
 */
export function registerBoardPagesRoute(app: FastifyInstance): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of [...Object.values(PAGES), ...ASSETS]) {
    files.set(name, { body: readFileSync(new URL(name, BOARD_DIR)), type: TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream' });
  }
  const send = (name: string) => async (_request: unknown, reply: FastifyReply) => {
    const file = files.get(name)!;
    return reply.headers({ 'content-security-policy': BOARD_CSP, 'cache-control': 'no-cache' }).type(file.type).send(file.body);
  };
  for (const [path, name] of Object.entries(PAGES)) app.get(path, { config: { access: 'public' } }, send(name));
  for (const name of ASSETS) app.get(`/assets/${name}`, { config: { access: 'public' } }, send(name));
}

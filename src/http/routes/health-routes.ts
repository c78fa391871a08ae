import type { FastifyInstance } from 'fastify';
import { redactUrlCredentials } from '../../errors/redact-url-credentials.ts';
import type { ReadinessProbe, ServerDeps } from '../server-deps.ts';

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;

export interface ProbeResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** Runs one probe, failing it when it rejects or takes longer than `timeoutMs`; credentials in URLs of the error are redacted. */
export async function runProbe(probe: ReadinessProbe, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.check(), timeout]);
    return { name: probe.name, ok: true };
  } catch (error) {
    return { name: probe.name, ok: false, error: redactUrlCredentials(error instanceof Error ? error.message : String(error)) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz` (public): liveness, 200 while the process serves requests. `GET /readyz` (scope `ready`): runs every
 * probe concurrently; 200 when all pass, else 503 whose text names each failing dependency and why (URL credentials
 * redacted); each failure is also logged at info.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok'));
  app.get('/readyz', { config: { access: 'ready' } }, async (request, reply) => {
    const results = await Promise.all(deps.probes.map((probe) => runProbe(probe, deps.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS)));
    const failed = results.filter((result) => !result.ok);
    // info, not warn: /readyz is polled (by orchestrators every few seconds) and answers the reasons in its body; a
    // dependency that stays down is reported at warn by the component that depends on it
    for (const result of failed) request.log.info({ probe: result.name, error: result.error }, 'readiness probe failed');
    const lines = results.map((result) => (result.ok ? `${result.name}: ok` : `${result.name}: FAILED (${result.error ?? 'unknown error'})`));
    const summary = failed.length === 0 ? 'ready' : `not ready: ${failed.map((result) => result.name).join(', ')}`;
    return reply
      .code(failed.length === 0 ? 200 : 503)
      .type('text/plain; charset=utf-8')
      .send([summary, ...lines].join('\n') + '\n');
  });
}

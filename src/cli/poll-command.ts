import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseConfig } from '../config/config.ts';
import type { Config, EvoVoiceTenant, HostedSuiteTenant, SinchTenant, ThuliumTenant } from '../config/config.ts';
import { parseTimestamp } from '../core/time/timestamp.ts';
import { AvroSerde } from '../kafka/avro-serde.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { runBackfill } from '../vendors/sinch/backfill.ts';
import { systemClock } from '../ingest/clock.ts';
import { createPollerMetrics } from '../ingest/metrics.ts';
import { runPollers } from '../vendors/sinch/sinch-pollers.ts';
import { runEvoVoicePollers } from '../vendors/evo-voice/evo-voice-pollers.ts';
import { runThuliumPollers } from '../vendors/thulium/thulium-pollers.ts';
import { runHostedSuitePollers } from '../vendors/hostedsuite/hostedsuite-pollers.ts';
import type { PollerRuntime } from '../ingest/poller-runtime.ts';
import { PollerHealth } from '../ingest/poller-health.ts';
import { registerPollerMetrics } from '../ingest/poller-prometheus.ts';
import { createLogger } from '../runtime/logger.ts';
import { startOpsServer } from '../runtime/ops-server.ts';
import type { OpsReadiness } from '../runtime/ops-server.ts';
import { DependencyProbe } from '../kafka/dependency-probe.ts';

export const POLL_USAGE = `usage: agent-timelines poll [--once] [--tenant ID]... [--backfill --from ISO --to ISO [--chunk 1h]]`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration such as 90s, 15m, 1h or 2d into milliseconds (NaN when invalid). */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  return m === null ? Number.NaN : Number(m[1]) * (UNITS[m[2] ?? ''] ?? Number.NaN);
}

/** The configured tenants of every vendor, or those named by --tenant (an id may name a tenant of each vendor). */
function selectTenants(config: Config, ids: readonly string[]): { sinch: SinchTenant[]; evoVoice: EvoVoiceTenant[]; thulium: ThuliumTenant[]; hostedSuite: HostedSuiteTenant[] } {
  const all = { sinch: [...config.sinch.tenants], evoVoice: [...config.evoVoice.tenants], thulium: [...config.thulium.tenants], hostedSuite: [...config.hostedSuite.tenants] };
  if (all.sinch.length === 0 && all.evoVoice.length === 0 && all.thulium.length === 0 && all.hostedSuite.length === 0) {
    throw new Error('no tenants configured: set SINCH_TENANTS, EVO_VOICE_TENANTS, THULIUM_TENANTS and/or HOSTEDSUITE_TENANTS (or their _FILE variants; see docs/pollers.md)');
  }
  if (ids.length === 0) return all;
  const known = [...all.sinch, ...all.evoVoice, ...all.thulium, ...all.hostedSuite].map((t) => t.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(`unknown tenant ${unknown.join(', ')}; configured: ${known.join(', ')}`);
  const chosen = <T extends { readonly id: string }>(tenants: readonly T[]): T[] => tenants.filter((t) => ids.includes(t.id));
  return { sinch: chosen(all.sinch), evoVoice: chosen(all.evoVoice), thulium: chosen(all.thulium), hostedSuite: chosen(all.hostedSuite) };
}

/** The pollers' /metrics, /healthz and /readyz (POLLER_METRICS_HOST:POLLER_METRICS_PORT; port 0 disables them). */
async function servePollerOps(config: Config, runtime: PollerRuntime, health: PollerHealth, logger: Logger): Promise<{ close(): Promise<void> } | null> {
  const { host, port } = config.poller.metrics;
  if (port === 0) return null;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerPollerMetrics(registry, runtime.metrics, health);
  const probe = new DependencyProbe({ config, logger, intervalMs: 2_000 });
  const readiness = (): OpsReadiness => {
    const loops = health.readiness();
    const reachable = probe.status();
    const checks = { kafka: reachable.kafka === true ? 'ok' : 'unreachable', 'schema-registry': reachable.registry === true ? 'ok' : 'unreachable', ...loops.checks };
    return { ready: loops.ready && reachable.kafka === true && reachable.registry === true, checks };
  };
  try {
    const server = await startOpsServer({ host, port, registry, logger, readiness });
    probe.start();
    logger.info({ url: `${server.address}/metrics`, readyz: `${server.address}/readyz` }, 'poller operations endpoint listening');
    return { close: async () => void (await Promise.all([server.close(), probe.stop()])) };
  } catch (error) {
    logger.error({ err: error, host, port }, 'cannot serve poller metrics (set POLLER_METRICS_PORT to a free port, or 0); polling without them');
    return null;
  }
}

/**
 * `agent-timelines poll`: runs the pollers of the configured tenants until SIGTERM/SIGINT (or, with --once, until
 * caught up), or a chunked backfill with progress lines on stdout. On a signal the in-flight request is cancelled,
 * an in-flight Kafka transaction finishes, and the process exits 0. Returns the exit code.
 */
export async function pollCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { once: { type: 'boolean', default: false }, tenant: { type: 'string', multiple: true }, backfill: { type: 'boolean', default: false }, from: { type: 'string' }, to: { type: 'string' }, chunk: { type: 'string', default: '1h' } },
    strict: true,
  });
  const config = parseConfig(env);
  const tenants = selectTenants(config, values.tenant ?? []);
  const logger = createLogger(config.logLevel, process.stderr, config.logFormat);
  const kafka = createKafka(config, logger, '-poller');
  const runtime: PollerRuntime = { config, kafka, serde: new AvroSerde(config.schemaRegistry), logger, clock: systemClock, metrics: createPollerMetrics() };
  const controller = new AbortController();
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down pollers');
    controller.abort(new Error(`received ${signal}`));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  if (values.backfill) {
    const from = parseTimestamp(values.from ?? '');
    const to = parseTimestamp(values.to ?? '');
    const chunkMs = parseDuration(values.chunk);
    if (Number.isNaN(from) || Number.isNaN(to) || from >= to) throw new Error(`--backfill needs --from and --to as ISO timestamps with from < to\n${POLL_USAGE}`);
    if (Number.isNaN(chunkMs) || chunkMs <= 0) throw new Error(`--chunk must be a duration like 15m, 1h or 1d\n${POLL_USAGE}`);
    if (tenants.sinch.length === 0) throw new Error(`--backfill reads Sinch tenants only (Evo Voice, Thulium and HostedSuite tenants backfill through startAt); none selected\n${POLL_USAGE}`);
    let complete = true;
    for (const tenant of tenants.sinch) {
      const summary = await runBackfill(runtime, tenant, { range: { start: from, end: to }, chunkMs, signal: controller.signal, progress: (line) => process.stdout.write(`${line}\n`) });
      complete &&= summary.complete;
    }
    return complete || controller.signal.aborted ? 0 : 1;
  }
  const health = new PollerHealth();
  const ops = await servePollerOps(config, runtime, health, logger);
  try {
    const stopAll = new AbortController();
    const signal = AbortSignal.any([controller.signal, stopAll.signal]);
    const options = { signal, once: values.once, health };
    const vendors = [
      ...(tenants.sinch.length > 0 ? [runPollers(runtime, tenants.sinch, options)] : []),
      ...(tenants.evoVoice.length > 0 ? [runEvoVoicePollers(runtime, tenants.evoVoice, options)] : []),
      ...(tenants.thulium.length > 0 ? [runThuliumPollers(runtime, tenants.thulium, options)] : []),
      ...(tenants.hostedSuite.length > 0 ? [runHostedSuitePollers(runtime, tenants.hostedSuite, options)] : []),
    ].map((run) =>
      run.catch((error: unknown) => {
        stopAll.abort(error);
        throw error;
      }),
    );
    const failed = (await Promise.allSettled(vendors)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } finally {
    await ops?.close();
  }
  logger.info({ metrics: runtime.metrics.snapshot() }, 'pollers stopped');
  return 0;
}

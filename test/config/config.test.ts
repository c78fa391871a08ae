import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { DEFAULT_SESSION_MAX_IDLE_MS } from '../../src/core/session/session-bounds.ts';
import { DEFAULT_MAX_CLOCK_LEAD_MS, DEFAULT_MAX_EVENT_AGE_MS, DEFAULT_MAX_EVENT_LEAD_MS } from '../../src/core/time/time-limits.ts';
import { ConfigError } from '../../src/errors/config-error.ts';

describe('parseConfig', () => {
  it('gives the declared defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.schemaRegistry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.topicPrefix).toBe('agent-timelines.');
    expect(config.http.port).toBe(8080);
    expect(config.processor.allowedLatenessMs).toBe(120_000);
    expect(config.kafka.sasl).toBeUndefined();
    expect(config.logFormat).toBe('json');
  });

  it('takes LOG_FORMAT json or text and names it when it is neither', () => {
    expect(parseConfig({ LOG_FORMAT: 'text' }).logFormat).toBe('text');
    expect(() => parseConfig({ LOG_FORMAT: 'pretty' })).toThrow(/LOG_FORMAT: must be json or text \(got "pretty"\)/);
  });

  it('takes a Redis Cluster as seed nodes, and refuses a key prefix with hash-tag braces', () => {
    expect(parseConfig({}).redis.clusterNodes).toBeUndefined();
    expect(parseConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7001, 10.0.0.2:7002,' }).redis.clusterNodes).toEqual(['10.0.0.1:7001', '10.0.0.2:7002']);
    expect(() => parseConfig({ REDIS_CLUSTER_NODES: '10.0.0.1' })).toThrow(/REDIS_CLUSTER_NODES: each node must be host:port/);
    expect(() => parseConfig({ REDIS_KEY_PREFIX: 'at:{x}:' })).toThrow(/REDIS_KEY_PREFIX: must not contain "\{" or "\}"/);
  });

  it('bounds the live board: event streams, heartbeat and change feed, naming the variable when out of range', () => {
    const defaults = parseConfig({});
    expect([defaults.http.sseMaxClients, defaults.http.sseHeartbeatMs, defaults.redis.changeFeedMaxLen]).toEqual([200, 15_000, 10_000]);
    expect(parseConfig({ HTTP_SSE_MAX_CLIENTS: '5', HTTP_SSE_HEARTBEAT_MS: '2000', REDIS_CHANGE_FEED_MAXLEN: '500' }).http.sseMaxClients).toBe(5);
    expect(() => parseConfig({ HTTP_SSE_MAX_CLIENTS: '0' })).toThrow(/HTTP_SSE_MAX_CLIENTS/);
    expect(() => parseConfig({ HTTP_SSE_HEARTBEAT_MS: '10' })).toThrow(/HTTP_SSE_HEARTBEAT_MS/);
    expect(() => parseConfig({ REDIS_CHANGE_FEED_MAXLEN: 'lots' })).toThrow(/REDIS_CHANGE_FEED_MAXLEN/);
  });

  it('parses broker lists, booleans and SASL', () => {
    const config = parseConfig({
      KAFKA_BROKERS: 'a:9092, b:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      SCHEMA_REGISTRY_URL: 'https://registry.example/apis/ccompat/v7/',
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.kafka.ssl).toBe(true);
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(config.schemaRegistry.url).toBe('https://registry.example/apis/ccompat/v7');
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      parseConfig({ HTTP_PORT: 'eighty', KAFKA_BROKERS: 'nohost', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const variable of ['HTTP_PORT', 'KAFKA_BROKERS', 'REDIS_URL', 'LOG_LEVEL']) expect(message).toContain(variable);
    expect((error as ConfigError).retriable).toBe(false);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });

  it('never echoes a password in its error', () => {
    expect(() => parseConfig({ KAFKA_SASL_PASSWORD: 'hunter2' })).toThrow(/must be set together/);
    try {
      parseConfig({ KAFKA_SASL_PASSWORD: 'hunter2' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('declares the re-processor settings and keeps lateness + horizon below the re-processor revisions', () => {
    expect(parseConfig({}).processor.reprocess).toEqual({ enabled: true, leadInMs: 86_400_000, chunkMs: 86_400_000, maxRequestsPerRun: 1000 });
    expect(parseConfig({ PROCESSOR_REPROCESS: 'false', REPROCESS_CHUNK_MS: '3600000' }).processor.reprocess).toMatchObject({ enabled: false, chunkMs: 3_600_000 });
    expect(() => parseConfig({ REPROCESS_CHUNK_MS: '1000000' })).toThrow(/REPROCESS_CHUNK_MS: must be a whole number of quarter-hours/);
    expect(() => parseConfig({ CORRECTION_HORIZON_MS: String(13 * 86_400_000) })).toThrow(/ALLOWED_LATENESS_MS \+ CORRECTION_HORIZON_MS must stay below/);
    expect(parseConfig({ CORRECTION_HORIZON_MS: String(12 * 86_400_000) }).processor.correctionHorizonMs).toBe(12 * 86_400_000);
  });

  it('runs the processor for the sources of PROCESSOR_SOURCES, Sinch RAI in PROCESSOR_GROUP_ID itself', () => {
    expect(parseConfig({}).processor.sources).toEqual([{ id: 'sinch-rai', groupId: 'agent-timelines-processor' }]);
    expect(parseConfig({ PROCESSOR_SOURCES: ' evo-voice , sinch-rai', PROCESSOR_GROUP_ID: 'g' }).processor.sources).toEqual([
      { id: 'evo-voice', groupId: 'g.evo-voice' },
      { id: 'sinch-rai', groupId: 'g' },
    ]);
    expect(() => parseConfig({ PROCESSOR_SOURCES: 'sinch-rai,thulium' })).toThrow(/PROCESSOR_SOURCES: each source must be one of sinch-rai, evo-voice/);
    expect(() => parseConfig({ PROCESSOR_SOURCES: 'evo-voice,evo-voice' })).toThrow(/PROCESSOR_SOURCES: lists a source twice/);
    expect(() => parseConfig({ PROCESSOR_SOURCES: ',' })).toThrow(/PROCESSOR_SOURCES: needs at least one source/);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it('parses Sinch tenants with their declared defaults and resolves passwordEnv', () => {
    const tenants = JSON.stringify([
      { id: 'acme', baseUrl: 'https://sinch.example/RI/rai', credentials: { username: 'api', passwordEnv: 'ACME_PW' } },
      { id: 'beta', baseUrl: 'http://127.0.0.1:9/RI/rai', credentials: { username: 'u', password: 'p' }, pageSize: 500, endpoints: ['agentStatusHistory'] },
    ]);
    const config = parseConfig({ SINCH_TENANTS: tenants, ACME_PW: 's3cret' });
    expect(config.sinch.tenants.map((t) => t.id)).toEqual(['acme', 'beta']);
    expect(config.sinch.tenants[0]?.credentials).toEqual({ username: 'api', password: 's3cret' });
    expect(config.sinch.tenants[0]?.pageSize).toBe(1000);
    expect(config.sinch.tenants[0]?.overlapMs).toBe(600_000);
    expect(config.sinch.tenants[1]?.endpoints).toEqual(['agentStatusHistory']);
    expect(parseConfig({}).sinch.tenants).toEqual([]);
  });

  it('names the tenant variable and field that is wrong, without echoing secrets', () => {
    const bad = JSON.stringify([{ id: 'a', baseUrl: 'ftp://x', credentials: { username: 'u', password: 'hunter2' }, pageSize: 20_000 }]);
    let message = '';
    try {
      parseConfig({ SINCH_TENANTS: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SINCH_TENANTS[0]["baseUrl"]');
    expect(message).toContain('SINCH_TENANTS[0]["pageSize"]');
    expect(message).not.toContain('hunter2');
    expect(() => parseConfig({ SINCH_TENANTS: '[', SINCH_TENANTS_FILE: '/x' })).toThrow(/mutually exclusive/);
    expect(() => parseConfig({ SINCH_TENANTS_FILE: '/nonexistent/tenants.json' })).toThrow(/SINCH_TENANTS_FILE: cannot read/);
    const dup = JSON.stringify([0, 1].map(() => ({ id: 'a', baseUrl: 'http://x', credentials: { username: 'u', password: 'p' } })));
    expect(() => parseConfig({ SINCH_TENANTS: dup })).toThrow(/duplicate tenant id a/);
  });
});

describe('time limits', () => {
  it('default to the values the core uses when none are passed in (declared in both places, kept equal here)', () => {
    expect(parseConfig({}).time).toEqual({
      sessionMaxIdleMs: DEFAULT_SESSION_MAX_IDLE_MS,
      maxEventAgeMs: DEFAULT_MAX_EVENT_AGE_MS,
      maxEventLeadMs: DEFAULT_MAX_EVENT_LEAD_MS,
      maxClockLeadMs: DEFAULT_MAX_CLOCK_LEAD_MS,
    });
  });

  it('names a limit that is too small', () => {
    expect(() => parseConfig({ SESSION_MAX_IDLE_MS: '1000' })).toThrow(/SESSION_MAX_IDLE_MS/);
  });

  it('parses Thulium tenants with their declared defaults, and names the variable and field that is wrong', () => {
    const tenants = JSON.stringify([{ id: 'thu', baseUrl: 'https://acme.thulium.com', credentials: { username: 'api_user', passwordEnv: 'THU_PW' } }]);
    const [tenant] = parseConfig({ THULIUM_TENANTS: tenants, THU_PW: 's3cret' }).thulium.tenants;
    expect(tenant).toMatchObject({ id: 'thu', timeZone: 'Europe/Warsaw', chunkMs: 3_600_000, safetyLagMs: 300_000, outboundThreshold: 0, pageSize: 100, statusPollIntervalMs: 15_000, endpoints: ['agents-work-report', 'agent-statuses'] });
    expect(tenant?.groups).toBeUndefined();
    expect(tenant?.credentials).toEqual({ username: 'api_user', password: 's3cret' });
    expect(parseConfig({}).thulium.tenants).toEqual([]);
    const bad = JSON.stringify([{ id: 'thu', baseUrl: 'https://acme.thulium.com', credentials: { username: 'u', password: 'hunter2' }, timeZone: 'CET-ish', chunkMs: 1_000_000, pageSize: 500, groups: [1], logins: ['a'] }]);
    let message = '';
    try {
      parseConfig({ THULIUM_TENANTS: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('THULIUM_TENANTS[0]["timeZone"]: must be an IANA time zone id');
    expect(message).toContain('THULIUM_TENANTS[0]["chunkMs"]: must be a whole number of quarter-hours');
    expect(message).toContain('THULIUM_TENANTS[0]["pageSize"]: agents_work_report serves at most 100 rows per page');
    expect(message).not.toContain('hunter2');
    expect(() => parseConfig({ THULIUM_TENANTS: JSON.stringify([{ id: 'thu', baseUrl: 'https://acme.thulium.com', credentials: { username: 'u', password: 'p' }, groups: [1], logins: ['a'] }]) })).toThrow(/THULIUM_TENANTS\[0\]\["logins"\]: give groups or logins, not both/);
    expect(() => parseConfig({ THULIUM_TENANTS: '[]', THULIUM_TENANTS_FILE: '/x' })).toThrow(/THULIUM_TENANTS and THULIUM_TENANTS_FILE are mutually exclusive/);
    expect(() => parseConfig({ THULIUM_TENANTS_FILE: '/nonexistent/thu.json' })).toThrow(/THULIUM_TENANTS_FILE: cannot read/);
  });

  it('parses Evo Voice tenants with their declared defaults, and names the variable and field that is wrong', () => {
    const tenants = JSON.stringify([{ id: 'evo', baseUrl: 'https://evovoice.io', accountId: 'acc-1', credentials: { username: 'poller@acme', passwordEnv: 'EVO_PW' } }]);
    const [tenant] = parseConfig({ EVO_VOICE_TENANTS: tenants, EVO_PW: 's3cret' }).evoVoice.tenants;
    expect(tenant).toMatchObject({ id: 'evo', accountId: 'acc-1', timeZoneId: 'UTC', windowMs: 3_600_000, safetyLagMs: 300_000, maxWaitForJobMs: 900_000, billing: { enabled: true, includeCustomerIds: true }, webhook: { enabled: false } });
    expect(tenant?.credentials).toEqual({ username: 'poller@acme', password: 's3cret' });
    expect(parseConfig({}).evoVoice.tenants).toEqual([]);
    const bad = JSON.stringify([{ id: 'evo', baseUrl: 'https://evovoice.io', accountId: 'acc-1', credentials: { username: 'u', password: 'hunter2' }, timeZoneId: 'Eastern Standard Time', webhook: { enabled: true } }]);
    let message = '';
    try {
      parseConfig({ EVO_VOICE_TENANTS: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('EVO_VOICE_TENANTS[0]["timeZoneId"]: must be an IANA time zone id');
    expect(message).toContain('EVO_VOICE_TENANTS[0]["webhook"]: publicBaseUrl is required');
    expect(message).not.toContain('hunter2');
    expect(() => parseConfig({ EVO_VOICE_TENANTS: '[]', EVO_VOICE_TENANTS_FILE: '/x' })).toThrow(/EVO_VOICE_TENANTS and EVO_VOICE_TENANTS_FILE are mutually exclusive/);
    expect(() => parseConfig({ EVO_VOICE_TENANTS_FILE: '/nonexistent/evo.json' })).toThrow(/EVO_VOICE_TENANTS_FILE: cannot read/);
    expect(() => parseConfig({ EVO_VOICE_TENANTS: 'nope' })).toThrow(/EVO_VOICE_TENANTS: must be a JSON array/);
  });

  it('refuses a HostedSuite overlap longer than lateness + correction horizon (its corrections would be too late)', () => {
    const tenant = (overlapMs: number) => JSON.stringify([{ id: 'hs', baseUrl: 'https://hs.example', credentials: { customerName: 'c', username: 'u', password: 'p' }, overlapMs }]);
    expect(parseConfig({ HOSTEDSUITE_TENANTS: tenant(7_200_000) }).hostedSuite.tenants[0]?.overlapMs).toBe(7_200_000);
    expect(parseConfig({ HOSTEDSUITE_TENANTS: tenant(21_720_000) }).hostedSuite.tenants).toHaveLength(1);
    expect(() => parseConfig({ HOSTEDSUITE_TENANTS: tenant(21_720_001) })).toThrow(/HOSTEDSUITE_TENANTS\[0\]\["overlapMs"\].*too-late/);
    expect(() => parseConfig({ HOSTEDSUITE_TENANTS: tenant(7_200_000), CORRECTION_HORIZON_MS: '3600000' })).toThrow(/overlapMs/);
  });
});

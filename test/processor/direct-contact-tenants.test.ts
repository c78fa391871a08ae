import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.ts';
import { TimelineEngine } from '../../src/core/engine/timeline-engine.ts';
import { processorSource } from '../../src/cli/processor-sources.ts';
import { directContactTenants, tenantEngineConfig } from '../../src/processor/direct-contact-tenants.ts';
import { sinchAgentStatusHistoryAdapter } from '../../src/vendors/sinch/agent-status-history-adapter.ts';

const tenant = (id: string, endpoints?: string[]) => ({ id, baseUrl: 'http://127.0.0.1:9', credentials: { username: 'u', password: 'p' }, ...(endpoints === undefined ? {} : { endpoints }) });
const T0 = Date.UTC(2026, 10, 30, 8, 0);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('which tenants have their Direct fields joined', () => {
  it('only Sinch tenants whose SINCH_TENANTS entry polls contacts (the default polls them); none without SINCH_TENANTS', () => {
    const config = parseConfig({ SINCH_TENANTS: JSON.stringify([tenant('with'), tenant('without', ['agentStatusHistory', 'agentStatus']), tenant('explicit', ['agentStatusHistory', 'contacts'])]) });
    expect([...directContactTenants(config, processorSource(config, 'sinch-rai'))].sort()).toEqual(['explicit', 'with']);
    expect([...directContactTenants(config, processorSource(config, 'evo-voice'))]).toEqual([]);
    const bare = parseConfig({});
    expect([...directContactTenants(bare, processorSource(bare, 'sinch-rai'))]).toEqual([]);
  });

  it('a tenant without them publishes the Direct fields as null, one with them as numbers', () => {
    const engine = { allowedLatenessMs: 120_000, correctionHorizonMs: 3_600_000, directContactTenants: new Set(['with']) };
    const rows = [
      { sessionId: 's', userId: 'u', userName: 'U', userStatus: 'Ready', userStatusTimestamp: iso(T0), changeTimestamp: iso(T0 + 1) },
      { sessionId: 's', userId: 'u', userName: 'U', status: 'Talking_Inbound', statusTimestamp: iso(T0), changeTimestamp: iso(T0 + 1) },
      { sessionId: 's', userId: 'u', userName: 'U', userStatus: 'LoggedOut', userStatusTimestamp: iso(T0 + 60_000), changeTimestamp: iso(T0 + 60_001) },
    ];
    const metrics = (id: string) => {
      const live = new TimelineEngine(tenantEngineConfig(engine, id));
      for (const row of rows) expect(live.ingestRecord(row, sinchAgentStatusHistoryAdapter)).toBeNull();
      return live.advanceWatermark(T0 + 3_600_000).flatMap((e) => (e.type === 'window' ? [e.window.metrics] : []))[0];
    };
    expect(metrics('with')).toMatchObject({ callInDuration: 60_000, callInDirectDuration: 0, countOfHandledCallInDirect: 0 });
    expect(metrics('other')).toMatchObject({ callInDuration: 60_000, callInDirectDuration: null, countOfHandledCallInDirect: null, callOutDirectDuration: null, countOfHandledCallOutDirect: null });
  });
});

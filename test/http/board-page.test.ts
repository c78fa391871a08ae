import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiToken } from '../../src/config/config-schema.ts';
import { buildServer } from '../../src/http/server.ts';
import type { ServerSecurity } from '../../src/http/server-deps.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { ChangeFeed } from '../../src/state/change-feed.ts';
import { storeKeys } from '../../src/state/store-keys.ts';
import type { AgentStateRow, StoreWrite } from '../../src/state/store-types.ts';
import { launchChromium } from '../support/browser.ts';
import { agentState, createStoreFixture, LATENESS_MS, segment, TENANT, USER_A, USER_B, USER_C } from './support/http-fixture.ts';
import type { StoreFixture } from './support/http-fixture.ts';

const sha = (token: string): string => createHash('sha256').update(token).digest('hex');
const TOKENS: ApiToken[] = [{ name: 'wall', sha256: sha('secret-wall'), tenants: [TENANT], scopes: [] }];
const HOSTED = '0123456789ABCDEF0123456789ABCDEF';

const states = (...rows: AgentStateRow[]): StoreWrite[] => rows.map((state) => ({ kind: 'agentState', state }));

/**
 * The board and the timeline page in headless Chromium over a seeded store (the real Redis, the real server): what they
 * show against what the API answers, live updates, filters, unknown fields, tokens.
 */
describe('the live board and the timeline view in a browser', () => {
  let store: StoreFixture;
  let browser: Browser;
  const now = Date.now();
  const servers: FastifyInstance[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    store = await createStoreFixture();
    await store.write(states(
      agentState(USER_A, { asOf: now - 1_000, userStatusSince: now - 600_000, handlingStatusSince: now - 90_000, handlingStatus: 'Talking_Inbound', campaignId: 'C-7' }),
      agentState(USER_B, { asOf: now - 1_000, userStatusSince: now - 300_000, handlingStatusSince: now - 300_000, userStatus: 'Pause', profile: 'Lunch', profileReason: 'Break' }),
      agentState(USER_C, { asOf: now - 1_000, userStatusSince: now - 60_000, handlingStatusSince: now - 60_000 }),
      agentState(HOSTED, { source: 'hostedsuite', userName: 'Hosted, Hal', asOf: now - 1_000, userStatus: 'Unknown', handlingStatus: null, profile: null, profileReason: null, userStatusSince: null, handlingStatusSince: null }),
    ));
    await store.write([
      { kind: 'segment', segment: segment(USER_A, now - 7_200_000, now - 3_600_000) },
      { kind: 'segment', segment: segment(USER_A, now - 3_600_000, now - 1_800_000, { userStatus: 'Pause', profile: 'Lunch', profileReason: 'Break' }) },
      { kind: 'segment', segment: segment(USER_A, now - 1_800_000, now - 600_000, { handlingStatus: 'Talking_Outbound' }) },
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    for (const app of servers) await app.close();
    await store?.close();
  });

  async function serve(security?: ServerSecurity): Promise<string> {
    const app = buildServer({
      reader: store.reader, clock: Date.now, probes: [], registry: new Registry(), logger: createLogger('silent'), tenant: TENANT, allowedLatenessMs: LATENESS_MS,
      collectDefaultMetrics: false, changeFeed: new ChangeFeed(store.redis, storeKeys(store.prefix)), live: { blockMs: 1_000 }, ...(security === undefined ? {} : { security }),
    });
    servers.push(app);
    return app.listen({ host: '127.0.0.1', port: 0 });
  }

  async function openBoard(url: string, waitForRows = true): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    if (waitForRows) await page.waitForSelector('tr.agent', { timeout: 10_000 });
    expect(errors).toEqual([]);
    return page;
  }

  const rowOf = (page: Page, userId: string) => page.locator(`tr.agent[data-user-id="${userId}"]`);
  const cells = async (page: Page, userId: string) => rowOf(page, userId).locator('td').allInnerTexts();

  it('shows every agent with the state /agentStatus reports, unknown where the source cannot tell', async () => {
    const url = await serve();
    const page = await openBoard(`${url}/`);
    const status = (await (await fetch(`${url}/agentStatus`)).json()) as Record<string, unknown>[];
    expect(await page.locator('tr.agent').count()).toBe(status.length);
    for (const row of status) {
      const [name, , presence, handling, reason, campaign, time, source] = await cells(page, String(row['userId']));
      expect(name).toBe(row['userName']);
      expect(presence).toBe(row['userStatus'] === 'Unknown' ? 'unknown' : row['userStatus']);
      expect(handling).toBe(row['contactHandlingStatus'] ?? 'unknown');
      expect(campaign).toBe(row['campaignId'] ?? (row['source'] === 'sinch-rai' ? 'none' : 'unknown'));
      expect(source).toBe(row['source']);
      if (row['userId'] === HOSTED) expect([reason, time]).toEqual(['unknown', 'unknown']);
    }
    expect(await rowOf(page, USER_A).getAttribute('data-state')).toBe('Talking');
    expect(await rowOf(page, USER_B).getAttribute('data-state')).toBe('Pause');
    expect((await cells(page, USER_B))[4]).toBe('Lunch (Break)');
    // time in state ticks in the browser: 5 minutes and counting
    const before = (await cells(page, USER_B))[6]!;
    expect(before).toMatch(/^5:0\d$/);
    await expect.poll(async () => (await cells(page, USER_B))[6], { timeout: 3_000 }).not.toBe(before);
    expect(await page.locator('#counts .count[data-state="Talking"] b').innerText()).toBe('1');
    await page.close();
  });

  it('filters by state, reason and name, and searches any field', async () => {
    const page = await openBoard(`${await serve()}/`);
    const shown = async () => page.locator('tr.agent').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-user-id')));
    await page.selectOption('#filter-state', 'Pause');
    expect(await shown()).toEqual([USER_B]);
    await page.selectOption('#filter-state', '');
    await page.selectOption('#filter-reason', 'Lunch');
    expect(await shown()).toEqual([USER_B]);
    await page.selectOption('#filter-reason', '');
    await page.fill('#filter-name', 'fox');
    expect(await shown()).toEqual([USER_A]);
    await page.fill('#filter-name', '');
    await page.fill('#search', 'hostedsuite');
    expect(await shown()).toEqual([HOSTED]);
    await page.fill('#search', '');
    await page.click('#counts .count[data-state="Ready"]');
    expect(await shown()).toEqual([USER_C]);
    await page.close();
  });

  it('a change written to the store reaches the open page without a reload, within 2 s', async () => {
    const page = await openBoard(`${await serve()}/`);
    await page.evaluate(() => { (globalThis as unknown as { marker: boolean }).marker = true; });
    const asOf = Date.now();
    const written = Date.now();
    await store.write(states(agentState(USER_C, { asOf, userStatus: 'NotReady', profile: 'Training', userStatusSince: asOf, handlingStatusSince: asOf })));
    await page.waitForSelector(`tr.agent[data-user-id="${USER_C}"][data-state="NotReady"]`, { timeout: 2_000 });
    const receivedAt = Number(await rowOf(page, USER_C).getAttribute('data-received-at'));
    expect(receivedAt - written).toBeLessThan(2_000);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: boolean }).marker)).toBe(true);
    expect((await cells(page, USER_C))[4]).toBe('Training');
    await page.close();
  });

  it('with tokens, the board says so until one is given, then streams with it', async () => {
    const url = await serve({ tokens: TOKENS });
    const page = await openBoard(`${url}/`, false);
    await page.waitForSelector('#connection[data-status="failed"]', { timeout: 5_000 });
    expect(await page.locator('#error').isVisible()).toBe(true);
    await page.fill('#token', 'secret-wall');
    await page.click('#token-form button');
    await page.waitForSelector('tr.agent', { timeout: 5_000 });
    expect(await page.locator('tr.agent').count()).toBe(4);
    const asOf = Date.now();
    await store.write(states(agentState(USER_A, { asOf, userStatus: 'Ready', handlingStatus: 'Wrap', userStatusSince: asOf, handlingStatusSince: asOf })));
    await page.waitForSelector(`tr.agent[data-user-id="${USER_A}"][data-state="Wrap"]`, { timeout: 2_000 });
    await page.close();
  });

  it('the timeline view draws the segments /agents/{id}/timeline answers, with the reason on hover', async () => {
    // a fixed-offset zone in which `now` is near local noon, so the seeded last two hours are one local day whatever
    // the time of the run (with UTC, a run shortly after midnight showed a day without the Pause segment)
    const offsetHours = 12 - new Date(now).getUTCHours();
    const zone = offsetHours === 0 ? 'UTC' : offsetHours > 0 ? `Etc/GMT-${offsetHours}` : `Etc/GMT+${-offsetHours}`;
    const day = new Date(now + offsetHours * 3_600_000).toISOString().slice(0, 10);
    const dayStart = Date.parse(`${day}T00:00:00.000Z`) - offsetHours * 3_600_000;
    const url = await serve();
    const page = await browser.newPage({ viewport: { width: 1280, height: 500 } });
    await page.goto(`${url}/timeline.html?user=${USER_A}&tz=${encodeURIComponent(zone)}&date=${day}`);
    await page.waitForSelector('body[data-loaded]');
    const answer = (await (await fetch(`${url}/agents/${USER_A}/timeline?startTime=${new Date(dayStart).toISOString()}&endTime=${new Date(dayStart + 86_400_000).toISOString()}`)).json()) as { segments: Record<string, string>[] };
    const drawn = await page.locator('rect.seg[data-open="false"]').evaluateAll((rects) => rects.map((r) => ({ start: r.getAttribute('data-start'), end: r.getAttribute('data-end'), userStatus: r.getAttribute('data-user-status'), handlingStatus: r.getAttribute('data-handling-status'), title: r.querySelector('title')?.textContent ?? '' })));
    expect(drawn.map(({ title: _title, ...rest }) => rest)).toEqual(answer.segments.filter((s) => Date.parse(s['end']!) > dayStart).map((s) => ({ start: s['start'], end: s['end'], userStatus: s['userStatus'], handlingStatus: s['handlingStatus'] })));
    expect(drawn.length, 'the three seeded segments of the last two hours').toBe(3);
    expect(drawn.find((d) => d.userStatus === 'Pause')?.title).toMatch(/^Pause: Pause \/ Waiting · Lunch \(Break\)/);
    expect(await page.locator('rect.seg[data-open="true"]').count()).toBe(1);
    await page.close();
  });
});

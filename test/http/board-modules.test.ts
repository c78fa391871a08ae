import { describe, expect, it } from 'vitest';

// the board's browser modules are plain JavaScript served as they are; imported here by path
type AgentStateModule = {
  boardState(agent: { loggedIn?: boolean; userStatus?: string | null; handlingStatus?: string | null }): string;
  rowState(row: Record<string, unknown>): string;
  stateSince(row: Record<string, unknown>): number | null;
  formatDuration(ms: number | null): string;
  shown(value: unknown): string;
  campaignOf(row: Record<string, unknown>): string;
  ServerClock: new () => { observe(server: number, local: number): void; now(local: number): number };
};
type TimeZonesModule = {
  zoneOffset(t: number, zone: string): number;
  localDayStart(date: string, zone: string): number;
  nextDate(date: string): string;
  localDate(t: number, zone: string): string;
  localTime(t: number, zone: string, seconds?: boolean): string;
  axisTicks(from: number, to: number, zone: string, wanted?: number): number[];
};
const modules = '../../src/http/board/';
const states = (await import(`${modules}agent-state.js`)) as AgentStateModule;
const zones = (await import(`${modules}time-zones.js`)) as TimeZonesModule;

describe('board state of an agent', () => {
  it('a contact in progress wins over presence; presence next; unknown when the source cannot tell', () => {
    expect(states.boardState({ loggedIn: true, userStatus: 'Pause', handlingStatus: 'Talking_Inbound' })).toBe('Talking');
    expect(states.boardState({ userStatus: 'Ready', handlingStatus: 'Chatting_Outbound' })).toBe('Chatting');
    expect(states.boardState({ userStatus: 'Ready', handlingStatus: 'Emailing_Inbound' })).toBe('Emailing');
    expect(states.boardState({ userStatus: 'Ready', handlingStatus: 'Dialing_Outbound_Campaign' })).toBe('Dialing');
    expect(states.boardState({ userStatus: 'Ready', handlingStatus: 'Wrap' })).toBe('Wrap');
    expect(states.boardState({ userStatus: 'Ready', handlingStatus: 'Waiting' })).toBe('Ready');
    expect(states.boardState({ userStatus: 'NotReady', handlingStatus: 'Waiting' })).toBe('NotReady');
    expect(states.boardState({ userStatus: 'Unknown', handlingStatus: null })).toBe('Unknown');
    expect(states.boardState({ loggedIn: false, userStatus: 'Ready', handlingStatus: 'Waiting' })).toBe('LoggedOut');
    expect(states.rowState({ loggedIn: true, userStatus: 'Ready', contactHandlingStatus: 'Preview' })).toBe('Preview');
  });

  it('time in state counts from the dimension that made the state; unknown is null, never 0', () => {
    const row = { loggedIn: true, userStatus: 'Ready', contactHandlingStatus: 'Waiting', userStatusSince: '2024-01-01T10:00:00.000Z', contactHandlingStatusSince: '2024-01-01T10:05:00.000Z' };
    expect(states.stateSince(row)).toBe(Date.parse('2024-01-01T10:05:00.000Z'));
    expect(states.stateSince({ ...row, userStatus: 'Pause' })).toBe(Date.parse('2024-01-01T10:00:00.000Z'));
    expect(states.stateSince({ ...row, contactHandlingStatus: 'Talking_Inbound' })).toBe(Date.parse('2024-01-01T10:05:00.000Z'));
    expect(states.stateSince({ ...row, contactHandlingStatusSince: null })).toBeNull();
    expect(states.formatDuration(null)).toBe('unknown');
    expect(states.formatDuration(3_723_000)).toBe('1:02:03');
    expect(states.formatDuration(65_000)).toBe('1:05');
    expect([states.shown(null), states.shown(undefined), states.shown(''), states.shown(0)]).toEqual(['unknown', 'unknown', 'unknown', '0']);
    expect([states.campaignOf({ source: 'sinch-rai', campaignId: 'C1' }), states.campaignOf({ source: 'sinch-rai' }), states.campaignOf({ source: 'evo-voice', campaignId: null })]).toEqual(['C1', 'none', 'unknown']);
  });

  it('the server clock runs at the rate its samples show (the demo runs 60× real time)', () => {
    const clock = new states.ServerClock();
    expect(clock.now(1_000)).toBe(1_000);
    clock.observe(100_000, 0);
    expect(clock.now(1_000)).toBe(101_000);
    clock.observe(100_000 + 60 * 3_000, 3_000);
    expect(clock.now(4_000)).toBe(100_000 + 60 * 4_000);
  });
});

describe('time zones of the timeline', () => {
  it('finds local midnights across DST and the offsets around them', () => {
    expect(new Date(zones.localDayStart('2024-03-31', 'Europe/Helsinki')).toISOString()).toBe('2024-03-30T22:00:00.000Z');
    expect(new Date(zones.localDayStart('2024-04-01', 'Europe/Helsinki')).toISOString()).toBe('2024-03-31T21:00:00.000Z');
    expect(new Date(zones.localDayStart('2024-11-03', 'America/New_York')).toISOString()).toBe('2024-11-03T04:00:00.000Z');
    expect(new Date(zones.localDayStart('2024-11-04', 'America/New_York')).toISOString()).toBe('2024-11-04T05:00:00.000Z');
    expect(zones.localDayStart('2024-05-01', 'UTC')).toBe(Date.UTC(2024, 4, 1));
    expect(zones.zoneOffset(Date.UTC(2024, 6, 1), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(zones.nextDate('2024-02-28')).toBe('2024-02-29');
    expect(zones.localDate(Date.UTC(2024, 0, 1, 23), 'Europe/Helsinki')).toBe('2024-01-02');
    expect(zones.localTime(Date.UTC(2024, 0, 1, 23, 5, 9), 'Europe/Helsinki', true)).toBe('01:05:09');
  });

  it('puts axis ticks on whole local steps', () => {
    const from = zones.localDayStart('2024-01-15', 'Asia/Kolkata');
    const ticks = zones.axisTicks(from, from + 86_400_000, 'Asia/Kolkata', 12);
    expect(ticks.map((t) => zones.localTime(t, 'Asia/Kolkata'))).toEqual(['00:00', '02:00', '04:00', '06:00', '08:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00', '22:00']);
    const minutes = zones.axisTicks(Date.UTC(2024, 0, 1, 10, 3), Date.UTC(2024, 0, 1, 10, 13), 'UTC', 10);
    expect(minutes.map((t) => zones.localTime(t, 'UTC'))).toEqual(['10:03', '10:04', '10:05', '10:06', '10:07', '10:08', '10:09', '10:10', '10:11', '10:12']);
  });
});

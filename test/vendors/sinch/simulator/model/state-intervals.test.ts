import { describe, expect, it } from 'vitest';
import { generateGroundTruth, truthRecords } from '../../../../../src/vendors/sinch/simulator/index.ts';
import type { StateInterval } from '../../../../../src/vendors/sinch/simulator/index.ts';
import { ALL_PROFILES, CAMPAIGNS } from '../../../../../src/vendors/sinch/simulator/model/catalog.ts';
import { FROM, TO } from '../support.ts';

const day = generateGroundTruth({ seed: 11, agents: 24, from: FROM, to: TO });
const HANDLING = new Set(['Waiting', 'Preview', 'Wrap', 'Talking_Inbound', 'Talking_Outbound', 'Talking_Outbound_CBR', 'Talking_Outbound_Campaign', 'Chatting_Inbound', 'Chatting_Outbound', 'Emailing_Inbound', 'Emailing_Outbound', 'Dialing_Outbound', 'Dialing_Outbound_CBR', 'Dialing_Outbound_Campaign']);

/** `2024-03-04 07:19:59.127` (the rows' UTC format) → epoch ms, written here rather than borrowed from src/core. */
const rowTime = (text: unknown): number => Date.parse(`${String(text).replace(' ', 'T')}Z`);

function sessionsOfRows(): Map<string, Array<Record<string, unknown>>> {
  const sessions = new Map<string, Array<Record<string, unknown>>>();
  for (const { row } of day.agentStatusHistory) {
    const list = sessions.get(String(row['sessionId'])) ?? [];
    list.push(row);
    sessions.set(String(row['sessionId']), list);
  }
  return sessions;
}

/** The intervals of one agent grouped into runs of contiguous intervals (one per session: sessions never touch). */
function runsOf(intervals: readonly StateInterval[]): StateInterval[][] {
  const runs: StateInterval[][] = [];
  for (const interval of intervals) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run !== undefined && last !== undefined && last.agentId === interval.agentId && last.end === interval.start) run.push(interval);
    else runs.push([interval]);
  }
  return runs;
}

describe('the simulator truth: state intervals from the model', () => {
  it('are well formed: positive length, known states, sorted per agent, never overlapping, adjacent ones differ', () => {
    expect(day.stateIntervals.length).toBeGreaterThan(1000);
    let previous: StateInterval | undefined;
    for (const interval of day.stateIntervals) {
      expect(interval.end).toBeGreaterThan(interval.start);
      expect(['Ready', 'NotReady', 'Pause']).toContain(interval.presence);
      expect(HANDLING.has(String(interval.handling)), String(interval.handling)).toBe(true);
      if (previous?.agentId === interval.agentId) {
        expect(interval.start).toBeGreaterThanOrEqual(previous.end);
        const state = (i: StateInterval): unknown[] => [i.presence, i.handling, i.profileId, i.profile, i.profileReason, i.campaignId];
        if (interval.start === previous.end) expect(state(interval)).not.toEqual(state(previous));
      }
      previous = interval;
    }
    expect(new Set(day.stateIntervals.map((i) => i.agentId))).toEqual(new Set(day.agents.map((a) => a.userId)));
  });

  it('cover every session exactly from its signOn to its LoggedOut, starting Ready and Waiting', () => {
    const spans = [...sessionsOfRows().values()].map((rows) => {
      const first = rows[0] ?? {};
      const last = rows[rows.length - 1] ?? {};
      return `${String(first['userId'])}|${rowTime(first['signOn'])}|${rowTime(last['statusTimestamp'])}`;
    });
    const runs = runsOf(day.stateIntervals).map((run) => {
      expect(run[0]).toMatchObject({ presence: 'Ready', handling: 'Waiting' });
      return `${run[0]?.agentId}|${run[0]?.start}|${run[run.length - 1]?.end}`;
    });
    expect(runs.sort()).toEqual(spans.sort());
  });

  it('an exact tie of rows ("Ready, then Pause" in one ms and one changeTimestamp) is in force as written: the last row wins', () => {
    let ties = 0;
    for (const rows of sessionsOfRows().values()) {
      rows.forEach((row, i) => {
        const next = rows[i + 1];
        if (next === undefined || row['userStatus'] === undefined || next['userStatus'] === undefined) return;
        if (row['userStatusTimeStamp'] !== next['userStatusTimeStamp'] || row['changeTimeStamp'] !== next['changeTimeStamp'] || row['userStatus'] === next['userStatus']) return;
        ties++;
        const at = rowTime(next['userStatusTimeStamp']);
        const inForce = day.stateIntervals.find((s) => s.agentId === next['userId'] && s.start <= at && at < s.end);
        expect(inForce?.presence).toBe(next['userStatus']);
      });
    }
    expect(ties).toBeGreaterThan(0);
  });

  it('carry the profile of the latest user-status row (null before the first one naming a profile) and the campaign between OBJoin and OBUnJoin', () => {
    const profiles = new Map(ALL_PROFILES.map((p) => [p.profileId, p]));
    const campaigns = new Set(CAMPAIGNS.map((c) => c.id));
    let withProfile = 0;
    let withCampaign = 0;
    for (const run of runsOf(day.stateIntervals)) {
      let seenProfile = false;
      for (const interval of run) {
        if (interval.profileId === null) {
          expect(seenProfile, 'a profile, once named, stays until the next user-status row, which always names one').toBe(false);
          expect([interval.profile, interval.profileReason]).toEqual([null, null]);
        } else {
          seenProfile = true;
          withProfile++;
          const profile = profiles.get(interval.profileId);
          expect([interval.profile, interval.profileReason, interval.presence]).toEqual([profile?.profile, profile?.profileReason, profile?.userStatus]);
        }
        if (interval.campaignId !== null) {
          withCampaign++;
          expect(campaigns.has(interval.campaignId)).toBe(true);
        }
        if (String(interval.handling).endsWith('_Campaign')) expect(interval.campaignId).not.toBeNull();
      }
    }
    expect(withProfile).toBeGreaterThan(1000);
    expect(withCampaign).toBeGreaterThan(20);
    // a change of profile or campaign alone splits an interval
    const state = (i: StateInterval): string => `${i.presence}|${i.handling}`;
    const splits = day.stateIntervals.filter((interval, i) => {
      const previous = day.stateIntervals[i - 1];
      return previous?.agentId === interval.agentId && previous.end === interval.start && state(previous) === state(interval);
    });
    expect(splits.some((i) => i.campaignId === null)).toBe(true);
    expect(splits.some((i) => i.profile === 'Office' || i.profile === 'Available')).toBe(true);
  });

  it('export as ISO UTC with milliseconds, one record per interval, in the shared truth format', () => {
    const records = truthRecords(day);
    expect(records).toHaveLength(day.stateIntervals.length);
    const first = records[0];
    expect(Object.keys(first ?? {})).toEqual(['agentId', 'agentName', 'start', 'end', 'presence', 'handling', 'profileId', 'profile', 'profileReason', 'campaignId']);
    for (const r of records.slice(0, 200)) {
      expect(r.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(r.end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(day.agents.find((a) => a.userId === r.agentId)?.userName).toBe(r.agentName);
    }
  });
});

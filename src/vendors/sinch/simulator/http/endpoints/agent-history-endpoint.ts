import type { AgentStatisticRow } from '../../../../../core/replay/replay.ts';
import type { HistoryPart } from '../../../../../core/statistic/history-part.ts';
import { ALL_PROFILES, CAMPAIGNS } from '../../model/catalog.ts';
import type { Params } from '../query-values.ts';
import { booleanParam, guidListParam } from '../query-values.ts';
import type { RowPart } from './agent-statistic-endpoints.ts';
import { commonSettings, HISTORY_METRICS, statisticEndpoint } from './agent-statistic-endpoints.ts';

/** The profile and campaign fields of an agentHistory row, in the document's order. */
const PROFILE_FIELDS = ['profileId', 'profileName', 'profileReason'] as const;
const CAMPAIGN_FIELDS = ['campaignId', 'campaignName'] as const;

const PROFILE_IDS = new Map(ALL_PROFILES.map((p) => [JSON.stringify([p.profile, p.profileReason]), p.profileId]));
const CAMPAIGN_NAMES = new Map(CAMPAIGNS.map((c) => [c.id.toUpperCase(), c.name]));

/** The catalog id of a profile named (profile, profileReason) in the status history; null: none named, or not in the catalog. */
function profileIdOf(profile: string | null, profileReason: string | null): string | null {
  return profile === null ? null : (PROFILE_IDS.get(JSON.stringify([profile, profileReason])) ?? null);
}

interface HistoryView {
  readonly showProfile: boolean;
  readonly showCampaign: boolean;
  /** Profile / campaign ids (uppercase) whose parts count; undefined: all. */
  readonly profileIds: ReadonlySet<string> | undefined;
  readonly campaignIds: ReadonlySet<string> | undefined;
}

function partsOf(view: HistoryView): (row: AgentStatisticRow) => RowPart[] {
  return (row) => {
    const breakdown: readonly HistoryPart[] = row.breakdown ?? [{ profile: null, profileReason: null, campaignId: null, metrics: row }];
    const out: RowPart[] = [];
    for (const part of breakdown) {
      const profileId = profileIdOf(part.profile, part.profileReason);
      const campaignId = part.campaignId === null ? null : part.campaignId.toUpperCase();
      if (view.profileIds !== undefined && (profileId === null || !view.profileIds.has(profileId))) continue;
      if (view.campaignIds !== undefined && (campaignId === null || !view.campaignIds.has(campaignId))) continue;
      const fields: Record<string, string | null> = {};
      if (view.showProfile) Object.assign(fields, { profileId, profileName: part.profile, profileReason: part.profileReason });
      if (view.showCampaign) Object.assign(fields, { campaignId: part.campaignId, campaignName: campaignId === null ? null : (CAMPAIGN_NAMES.get(campaignId) ?? null) });
      out.push({ fields, metrics: part.metrics });
    }
    return out;
  };
}

function historySettings(params: Params): ReturnType<typeof commonSettings> & { zone: string; partsOf: (row: AgentStatisticRow) => RowPart[] } {
  const view: HistoryView = {
    showProfile: booleanParam(params, 'showProfile', false),
    showCampaign: booleanParam(params, 'showCampaign', false),
    profileIds: guidListParam(params, 'profileId'),
    campaignIds: guidListParam(params, 'campaignId'),
  };
  return { ...commonSettings(params, true), zone: 'UTC', partsOf: partsOf(view) };
}

/**
 * `/agentHistory`: like agentStatistic over any range (startTime and endTime required, rounded up), in UTC, with the
 * afterwork-by-kind fields, from the replay's breakdown of every quarter-hour by presence profile and outbound
 * campaign (history-part.ts). Rows per (timeCategory, user if showUser, profile if showProfile, campaign if
 * showCampaign); showProfile adds profileId (the catalog's id of the named profile; null when the status history
 * names none), profileName and profileReason, showCampaign campaignId and campaignName (null outside campaigns).
 * profileId / campaignId keep only the parts of those profiles / campaigns (parts without one drop out).
 */
export const agentHistoryEndpoint = statisticEndpoint('/agentHistory', ['campaignId', 'profileId', 'showProfile', 'showCampaign'], HISTORY_METRICS, historySettings, [...PROFILE_FIELDS, ...CAMPAIGN_FIELDS]);

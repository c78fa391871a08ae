import { describe, expect, it } from 'vitest';
import { SOURCE_IDS } from '../../../src/core/source/source-id.ts';
import { PRESENCE_FIELDS, sourceProfile } from '../../../src/core/source/source-profiles.ts';
import { METRIC_FIELDS } from '../../../src/core/statistic/agent-statistic-fields.ts';

describe('source profiles', () => {
  it('Sinch RAI reports presence and supplies every field but resting and the Direct split (docs/metrics.md)', () => {
    const sinch = sourceProfile('sinch-rai');
    expect(sinch).toMatchObject({ id: 'sinch-rai', presenceKnown: true, provisional: false });
    const unknown = ['callInDirectDuration', 'callOutDirectDuration', 'countOfHandledCallInDirect', 'countOfHandledCallOutDirect', 'restingDuration'];
    expect([...sinch.knownFields].sort()).toEqual(METRIC_FIELDS.filter((field) => !unknown.includes(field)).sort());
  });

  it('Evo Voice supplies exactly the fields of its contract (docs/vendors/evo-voice-contract.md)', () => {
    const evo = sourceProfile('evo-voice');
    expect(evo).toMatchObject({ id: 'evo-voice', presenceKnown: true, provisional: false });
    expect([...evo.knownFields].sort()).toEqual(['afterworkDuration', 'callOutDuration', 'countOfHandledCallOut', 'notReadyDuration', 'readyDuration', 'servingDuration']);
  });

  it('Thulium takes its statistics from its work-report aggregates and samples its timeline; serving, ready and not-ready are unknown', () => {
    const thulium = sourceProfile('thulium');
    expect(thulium).toMatchObject({ presenceKnown: true, provisional: false, statistics: 'reports', timeline: 'sampled' });
    expect([...thulium.knownFields].sort()).toEqual([
      'callInDuration', 'callOutDuration', 'countOfHandledCallIn', 'countOfHandledCallOut', 'countOfHandledChatIn', 'countOfHandledEmailIn', 'freeDuration', 'pauseDuration',
    ]);
    for (const id of ['sinch-rai', 'evo-voice', 'hostedsuite'] as const) expect(sourceProfile(id)).toMatchObject({ statistics: 'timeline', timeline: 'exact' });
  });

  it('HostedSuite has no presence: no presence-dependent field is known; it is implemented (not provisional)', () => {
    const hosted = sourceProfile('hostedsuite');
    expect(hosted.presenceKnown).toBe(false);
    for (const field of PRESENCE_FIELDS) expect(hosted.knownFields.has(field), field).toBe(false);
    expect(hosted.knownFields.has('callInDuration')).toBe(true);
    expect(hosted.provisional).toBe(false);
  });

  it('every source has a profile under its own id, naming only agentStatistic fields', () => {
    for (const id of SOURCE_IDS) {
      const profile = sourceProfile(id);
      expect(profile.id).toBe(id);
      for (const field of profile.knownFields) expect(METRIC_FIELDS).toContain(field);
      if (!profile.presenceKnown) for (const field of PRESENCE_FIELDS) expect(profile.knownFields.has(field)).toBe(false);
    }
  });
});

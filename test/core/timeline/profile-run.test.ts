import { describe, expect, it } from 'vitest';
import type { ProfileSegment } from '../../../src/core/timeline/profile-run.ts';
import { profileRun } from '../../../src/core/timeline/profile-run.ts';

const seg = (start: number, end: number, profile: string | null, profileType: string | null = 'Presence', sessionId = 's1'): ProfileSegment => ({ sessionId, start, end, profile, profileReason: profile === null ? null : 'NONE', profileType });
const current = (profile: string | null, sessionStart: number | null = 5, lastChange: number | null = sessionStart) => ({ sessionId: 's1', profile, profileReason: profile === null ? null : 'NONE', sessionStart, lastChange });

describe('the current profile run from the timeline', () => {
  it('walks back over contiguous segments of the current profile', () => {
    const segments = [seg(0, 10, 'Lunch', 'Absence'), seg(10, 20, 'Office', 'Presence'), seg(20, 30, 'Office', 'Presence'), seg(30, 40, 'Office', 'Presence')];
    expect(profileRun(segments, current('Office'))).toEqual({ since: 10, profileType: 'Presence' });
  });

  it('starts where the newest closed segment ended when that one has another profile (type unknown)', () => {
    expect(profileRun([seg(0, 10, 'Office'), seg(10, 20, 'Lunch', 'Absence')], current('Office'))).toEqual({ since: 20, profileType: null });
  });

  it('stops at a gap, ignores other sessions, and falls back to the session start without closed segments', () => {
    expect(profileRun([seg(0, 10, 'Office'), seg(12, 20, 'Office')], current('Office'))).toEqual({ since: 12, profileType: 'Presence' });
    expect(profileRun([seg(0, 10, 'Office', 'Presence', 'old')], current('Office', 42))).toEqual({ since: 42, profileType: null });
    expect(profileRun([], current('Office', 42, 50))).toEqual({ since: null, profileType: null });
  });

  it('is unknown while a user or handling change after the newest closed segment is not final yet', () => {
    expect(profileRun([seg(0, 10, 'Office'), seg(10, 20, 'Lunch')], current('Office', 0, 25))).toEqual({ since: null, profileType: null });
    expect(profileRun([seg(0, 10, 'Office'), seg(10, 20, 'Lunch')], current('Office', 0, 20))).toEqual({ since: 20, profileType: null });
  });

  it('knows nothing while no profile is reported', () => {
    expect(profileRun([seg(0, 10, null)], current(null))).toEqual({ since: null, profileType: null });
  });
});

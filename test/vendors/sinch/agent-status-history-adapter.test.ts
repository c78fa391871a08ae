import { describe, expect, it } from 'vitest';
import { adaptSinchRecord } from '../../../src/vendors/sinch/agent-status-history-adapter.ts';

const base = { sessionId: 'S1', userId: 'U1', userName: 'Fox, John', changeTimeStamp: '2019-12-03 07:19:59.760' };

function rejection(record: unknown): string | undefined {
  const result = adaptSinchRecord(record);
  return 'rejection' in result ? result.rejection : undefined;
}

describe('adaptSinchRecord', () => {
  it('maps a combined record to a user-status event then a handling event', () => {
    const result = adaptSinchRecord({
      ...base,
      status: 'Waiting',
      statusTimestamp: '2019-12-03 07:19:59.127',
      userStatus: 'Ready',
      userStatusTimeStamp: '2019-12-03 07:19:59.127',
      profile: 'Office',
      profileReason: 'NONE',
      profileType: 'Presence',
    });
    expect('events' in result && result.events).toMatchObject([
      { kind: 'userStatus', value: 'Ready', profile: 'Office', profileReason: 'NONE', profileType: 'Presence', eventTime: Date.UTC(2019, 11, 3, 7, 19, 59, 127), changeTime: Date.UTC(2019, 11, 3, 7, 19, 59, 760) },
      { kind: 'handling', value: 'Waiting', sessionId: 'S1', userId: 'U1', userName: 'Fox, John' },
    ]);
  });
  it('accepts both key spellings and keeps the campaign id', () => {
    const result = adaptSinchRecord({
      sessionId: 'S1',
      UserId: 'U1',
      changeTimestamp: '2019-12-03T07:20:16.110Z',
      status: 'OBJoin',
      statusTimeStamp: '2019-12-03T07:20:16.027Z',
      OutboundServing: 'C1',
    });
    expect('events' in result && result.events[0]).toMatchObject({ value: 'OBJoin', campaignId: 'C1', userId: 'U1', userName: '' });
  });
  it('rejects with stable reasons and never throws', () => {
    expect(rejection(null)).toBe('not-an-object');
    expect(rejection([])).toBe('not-an-object');
    expect(rejection('x')).toBe('not-an-object');
    expect(rejection({ ...base, sessionId: '' })).toBe('missing-sessionId');
    expect(rejection({ ...base, userId: 7 })).toBe('missing-userId');
    expect(rejection({ sessionId: 'S', userId: 'U', status: 'Waiting', statusTimestamp: '2019-12-03 07:00:00' })).toBe('missing-changeTimestamp');
    expect(rejection({ ...base, changeTimeStamp: 'yesterday', status: 'Waiting', statusTimestamp: '2019-12-03 07:00:00' })).toBe('bad-timestamp');
    expect(rejection({ ...base })).toBe('no-status-change');
    expect(rejection({ ...base, status: 'Sleeping', statusTimestamp: '2019-12-03 07:00:00' })).toBe('unknown-status');
    expect(rejection({ ...base, userStatus: 'Busy', userStatusTimestamp: '2019-12-03 07:00:00' })).toBe('unknown-userStatus');
    expect(rejection({ ...base, status: 'Waiting' })).toBe('missing-statusTimestamp');
    expect(rejection({ ...base, userStatus: 'Ready' })).toBe('missing-userStatusTimestamp');
    expect(rejection({ ...base, userStatus: 'Ready', userStatusTimestamp: '2019-12-03 07:00:00', statusTimestamp: '2019-12-03 07:00:00' })).toBe('missing-status');
    expect(rejection({ ...base, status: 'Waiting', userStatusTimestamp: '2019-12-03 07:00:00', statusTimestamp: '2019-12-03 07:00:00' })).toBe('missing-userStatus');
    expect(rejection({ ...base, status: 'Waiting', statusTimestamp: '2019-02-30 07:00:00' })).toBe('bad-timestamp');
    expect(rejection({ ...base, status: null, statusTimestamp: '2019-12-03 07:00:00' })).toBe('unknown-status');
  });
  it('treats LoggedOut in either dimension as a session end', () => {
    const a = adaptSinchRecord({ ...base, status: 'LoggedOut', statusTimestamp: '2019-12-03 07:40:58.870', profileReason: '-' });
    const b = adaptSinchRecord({ ...base, userStatus: 'LoggedOut', userStatusTimestamp: '2019-12-03 07:40:58.870' });
    expect('events' in a && a.events[0]?.code).toBe(-1);
    expect('events' in b && b.events[0]?.code).toBe(-1);
  });
});

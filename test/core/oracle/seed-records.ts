/** The seed document's /agentStatusHistory example (004_bb1fe783089840ed.txt), as raw records. */
export const S = '5E7DA34E9D15EA1180DB00505687F2FD';
export const U = 'E936C474B22311D38FBE0090279A922E';
const base = { sessionId: S, userId: U, userName: 'Fox, John' };

export const SEED_RECORDS: unknown[] = [
  { ...base, signOn: '2019-12-03 07:19:59.127', status: 'Waiting', statusTimestamp: '2019-12-03 07:19:59.127', userStatus: 'Ready', userStatusTimeStamp: '2019-12-03 07:19:59.127', changeTimeStamp: '2019-12-03 07:19:59.760' },
  { ...base, profile: 'Default', profileReason: 'NONE', profileType: 'Presence', userStatus: 'NotReady', userStatusTimeStamp: '2019-12-03 07:19:59.160', changeTimeStamp: '2019-12-03 07:19:59.780' },
  { ...base, profile: 'Office', profileReason: 'NONE', profileType: 'Presence', userStatus: 'Ready', userStatusTimeStamp: '2019-12-03 07:20:12.960', changeTimeStamp: '2019-12-03 07:20:14.057' },
  { ...base, status: 'OBJoin', statusTimestamp: '2019-12-03 07:20:16.027', OutboundServing: 'DBE3BEFA75B448F89D52DE51236C03DC', changeTimeStamp: '2019-12-03 07:20:16.110' },
  { ...base, status: 'Preview', statusTimestamp: '2019-12-03 07:20:16.027', changeTimeStamp: '2019-12-03 07:20:16.923' },
  { ...base, status: 'Waiting', statusTimestamp: '2019-12-03 07:20:21.250', changeTimeStamp: '2019-12-03 07:20:22.013' },
  { ...base, status: 'Dialing_Outbound_Campaign', statusTimestamp: '2019-12-03 07:20:16.027', changeTimeStamp: '2019-12-03 07:20:22.013' },
  { ...base, status: 'Talking_Outbound_Campaign', statusTimestamp: '2019-12-03 07:20:21.907', changeTimeStamp: '2019-12-03 07:20:22.023' },
  { ...base, status: 'Waiting', statusTimestamp: '2019-12-03 07:20:37.387', changeTimeStamp: '2019-12-03 07:20:38.313' },
  { ...base, status: 'Wrap', statusTimestamp: '2019-12-03 07:20:37.390', changeTimeStamp: '2019-12-03 07:20:38.320' },
  { ...base, status: 'Waiting', statusTimestamp: '2019-12-03 07:20:42.230', changeTimeStamp: '2019-12-03 07:20:42.513' },
  { ...base, status: 'OBUnJoin', statusTimestamp: '2019-12-03 07:20:42.233', OutboundServing: 'DBE3BEFA75B448F89D52DE51236C03DC', changeTimeStamp: '2019-12-03 07:20:42.670' },
  { ...base, status: 'OBJoin', statusTimestamp: '2019-12-03 07:20:45.053', OutboundServing: 'DBE3BEFA75B448F89D52DE51236C03DC', changeTimeStamp: '2019-12-03 07:20:45.737' },
  { ...base, status: 'Preview', statusTimestamp: '2019-12-03 07:20:45.053', changeTimeStamp: '2019-12-03 07:20:45.740' },
  { ...base, status: 'Waiting', statusTimestamp: '2019-12-03 07:21:08.223', changeTimeStamp: '2019-12-03 07:21:09.120' },
  { ...base, status: 'Dialing_Outbound_Campaign', statusTimestamp: '2019-12-03 07:20:45.053', changeTimeStamp: '2019-12-03 07:21:09.123' },
  { ...base, status: 'Waiting', statusTimestamp: '2019-12-03 07:21:27.600', changeTimeStamp: '2019-12-03 07:21:28.453' },
  { ...base, status: 'Wrap', statusTimestamp: '2019-12-03 07:21:27.600', changeTimeStamp: '2019-12-03 07:21:28.457' },
  { ...base, status: 'Waiting', statusTimestamp: '2019-12-03 07:22:40.587', changeTimeStamp: '2019-12-03 07:22:41.483' },
  { ...base, status: 'OBUnJoin', statusTimestamp: '2019-12-03 07:22:40.593', OutboundServing: 'DBE3BEFA75B448F89D52DE51236C03DC', changeTimeStamp: '2019-12-03 07:22:41.483' },
  { ...base, profileReason: '-', status: 'LoggedOut', statusTimestamp: '2019-12-03 07:40:58.870', changeTimeStamp: '2019-12-03 07:40:59.600' },
];


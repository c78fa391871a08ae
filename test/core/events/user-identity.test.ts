import { expect, it } from 'vitest';
import { newUserIdentity, observeUserName } from '../../../src/core/events/user-identity.ts';

it('keeps the name with the greatest changeTime, ties broken by the greatest name, empty names ignored', () => {
  const id = newUserIdentity();
  observeUserName(id, 'Fox, John', 10);
  observeUserName(id, 'Old Name', 5);
  observeUserName(id, '', 50);
  expect(id.userName).toBe('Fox, John');
  observeUserName(id, 'Alpha', 10);
  observeUserName(id, 'Zulu', 10);
  expect(id.userName).toBe('Zulu');
});

import { accountSessions, freshWindow } from './accountSession.js';

// Freshness is a calculation over the session: no store or provider is reached.
const unreachable = () => {
  throw new Error('not used');
};
const sessions = accountSessions('http://localhost:1', 'https://refeds.org/profile/mfa', {
  challenges: { put: unreachable, get: unreachable, take: unreachable, delete: unreachable },
  providerSessions: { get: unreachable, findByUid: unreachable },
  now: Date.now,
});
const session = (amr: string[], authTime: number) => ({ sub: 's', username: 'u', amr, authTime, idToken: 't' });
const now = 1_800_000_000;

test.each([
  ['a second factor just now counts for changes', ['pwd', 'otp', 'mfa'], now - 5, 'mfa', true],
  ['a second factor ten minutes ago still counts', ['pwd', 'otp', 'mfa'], now - freshWindow, 'mfa', true],
  ['a second factor longer ago does not', ['pwd', 'otp', 'mfa'], now - freshWindow - 1, 'mfa', false],
  ['a password alone is not a second factor', ['pwd'], now - 5, 'mfa', false],
  ['a fresh password is enough for a first method', ['pwd'], now - 5, 'password', true],
  ['a stale password is not', ['pwd'], now - freshWindow - 1, 'password', false],
  ['a remembered device (no factor today) is not fresh', [], now - 5, 'password', false],
] as const)('%s', (_name, amr, authTime, need, fresh) => {
  expect(sessions.isFresh(session([...amr], authTime), need, now)).toBe(fresh);
});

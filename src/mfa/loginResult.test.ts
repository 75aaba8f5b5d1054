import { acrLevels } from '../provider/acr.js';
import { loginResult } from './loginResult.js';
import { requestedAcr } from './service.js';
import type { SignInState } from './signInState.js';

const levels = acrLevels('urn:test:phishing-resistant');
const app = { method: 'totp', amr: ['otp'], phishingResistant: false };
const code = { method: 'recovery', amr: ['otp'], phishingResistant: false, standby: true };
const fresh = { accountId: 'a', amr: ['pwd'], proven: ['pwd'] };
const reauth = { accountId: 'a', amr: [], proven: [], reauthenticating: levels.mfa };

test.each([
  ['password and app', fresh, app, { amr: ['pwd', 'otp', 'mfa'], acr: levels.mfa }],
  ['password and recovery code', fresh, code, { amr: ['pwd', 'otp', 'mfa'], acr: levels.mfa }],
  ['a re-authentication with the app keeps the multi-factor level; amr names the app only', reauth, app, { amr: ['otp'], acr: levels.mfa }],
  ['a re-authentication with a recovery code alone keeps nothing', reauth, code, { amr: ['otp'], acr: levels.sfa }],
  ['a re-authentication that used nothing (a skipped setup after the password) keeps nothing', { ...reauth, amr: ['pwd'], proven: ['pwd'] }, undefined, { amr: ['pwd'], acr: levels.sfa }],
] as const)('%s', (_name, state, used, expected) => {
  expect(loginResult({ ...state, amr: [...state.amr], proven: [...state.proven] }, used && { ...used, amr: [...used.amr] }, levels)).toEqual(expected);
});

test('nothing proven in the interaction makes no new authentication', () => {
  expect(loginResult({ accountId: 'a', amr: ['pwd', 'otp', 'mfa'], proven: [] }, undefined, levels)).toBeUndefined();
});

test.each([
  ['acr_values', { acr_values: 'a b' }, ['a', 'b']],
  ['an essential acr claim', { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['x'], value: 'y' } } }) }, ['x', 'y']],
  ['a claim that is not essential asks for nothing', { claims: JSON.stringify({ id_token: { acr: { values: ['x'] } } }) }, []],
  ['malformed values ask for nothing, and never throw', { claims: JSON.stringify({ id_token: { acr: { essential: true, values: 5, value: { no: 1 } } } }) }, []],
  ['only strings count', { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['x', 7, null] } } }) }, ['x']],
  ['unparseable claims ask for nothing', { claims: '{' }, []],
] as const)('requested acr: %s', (_name, params, expected) => {
  expect(requestedAcr({ ...params })).toEqual(expected);
});

describe('with security keys and passkeys', () => {

const keyLevels = acrLevels('urn:example:phishing-resistant');
const state = (amr: string[], reauthenticating?: string): SignInState => ({ accountId: 'a', amr, proven: amr, reauthenticating });

test.each([
  ['a password alone', state(['pwd']), undefined, ['pwd'], keyLevels.sfa],
  ['a password and an app code', state(['pwd']), { amr: ['otp'], phishingResistant: false }, ['pwd', 'otp', 'mfa'], keyLevels.mfa],
  ['a password and a security key', state(['pwd']), { amr: ['hwk', 'user'], phishingResistant: true }, ['pwd', 'hwk', 'user', 'mfa'], keyLevels.phishingResistant],
  ['a passkey that verified the person, alone', state(['swk', 'user']), { amr: ['swk', 'user'], phishingResistant: true }, ['swk', 'user', 'mfa'], keyLevels.phishingResistant],
  ['a passkey that did not verify the person, alone: one factor', state(['hwk']), { amr: ['hwk'], phishingResistant: true }, ['hwk'], keyLevels.sfa],
  ['such a passkey, then an app code', state(['hwk']), { amr: ['otp'], phishingResistant: false }, ['hwk', 'otp', 'mfa'], keyLevels.mfa],
  ['a re-authentication of a multi-factor session with the app alone', state([], keyLevels.mfa), { amr: ['otp'], phishingResistant: false }, ['otp'], keyLevels.mfa],
  ['a re-authentication of a phishing-resistant session with the key alone', state([], keyLevels.phishingResistant), { amr: ['hwk'], phishingResistant: true }, ['hwk'], keyLevels.phishingResistant],
  ['a re-authentication of a phishing-resistant session with the app alone', state([], keyLevels.phishingResistant), { amr: ['otp'], phishingResistant: false }, ['otp'], keyLevels.mfa],
])('%s', (_, signIn, used, amr, acr) => {
  expect(loginResult(signIn, used, keyLevels)).toEqual({ amr, acr });
});
});

import { acrLevels } from '../provider/acr.js';
import { loginResult } from './loginResult.js';
import type { SignInState } from './signInState.js';

const levels = acrLevels('urn:example:phishing-resistant');
const state = (amr: string[], reauthenticating?: string): SignInState => ({ accountId: 'a', amr, proven: amr, reauthenticating });

test.each([
  ['a password alone', state(['pwd']), undefined, ['pwd'], levels.sfa],
  ['a password and an app code', state(['pwd']), { amr: ['otp'], phishingResistant: false }, ['pwd', 'otp', 'mfa'], levels.mfa],
  ['a password and a security key', state(['pwd']), { amr: ['hwk', 'user'], phishingResistant: true }, ['pwd', 'hwk', 'user', 'mfa'], levels.phishingResistant],
  ['a passkey that verified the person, alone', state(['swk', 'user']), { amr: ['swk', 'user'], phishingResistant: true }, ['swk', 'user', 'mfa'], levels.phishingResistant],
  ['a passkey that did not verify the person, alone: one factor', state(['hwk']), { amr: ['hwk'], phishingResistant: true }, ['hwk'], levels.sfa],
  ['such a passkey, then an app code', state(['hwk']), { amr: ['otp'], phishingResistant: false }, ['hwk', 'otp', 'mfa'], levels.mfa],
  ['a re-authentication of a multi-factor session with the app alone', state([], levels.mfa), { amr: ['otp'], phishingResistant: false }, ['otp'], levels.mfa],
  ['a re-authentication of a phishing-resistant session with the key alone', state([], levels.phishingResistant), { amr: ['hwk'], phishingResistant: true }, ['hwk'], levels.phishingResistant],
  ['a re-authentication of a phishing-resistant session with the app alone', state([], levels.phishingResistant), { amr: ['otp'], phishingResistant: false }, ['otp'], levels.mfa],
])('%s', (_, signIn, used, amr, acr) => {
  expect(loginResult(signIn, used, levels)).toEqual({ amr, acr });
});

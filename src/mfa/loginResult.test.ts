import { acrLevels } from '../provider/acr.js';
import { loginResult } from './loginResult.js';
import { requestedAcr } from './service.js';

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

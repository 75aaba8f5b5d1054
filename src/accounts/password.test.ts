import { checkPasswordRules } from './password.js';

const common = 'this password is on the list of the most commonly used passwords, which attackers try first: choose another (a few unrelated words make a good one)';

test.each([
  ['the most common password of all', 'password', common],
  ['a common one in another case', 'Password1', common],
  ['a keyboard walk', 'qwertyuiop', common],
  ['digits in a row', '12345678', common],
  ['a common one with stray spaces', ' iloveyou ', common],
  ["the service's own name with digits and symbols", 'TwoFold2025!', common],
  ['too short before anything else', 'abc', 'a password must have at least 8 characters'],
  ['a passphrase', 'correct horse battery staple', undefined],
  ['a long uncommon password', 'twofold-demo', undefined],
])('%s: %j', (_name, password, problem) => {
  expect(checkPasswordRules(password)).toBe(problem);
});

test('the username is refused as a password, whatever its case', () => {
  expect(checkPasswordRules('Margaret.Hamilton', { username: 'margaret.hamilton' })).toBe('a password must not be the username');
  expect(checkPasswordRules('Margaret.Hamilton', { username: 'ada' })).toBeUndefined();
});

test('the list is a real one, shipped with a package, not a handful typed here', async () => {
  const { dictionary } = await import('@zxcvbn-ts/language-common');
  expect(dictionary['passwords-common'].length).toBeGreaterThan(30_000);
  const longEnough = dictionary['passwords-common'].filter((p) => p.length >= 8);
  // Every entry long enough to get past the length rule is refused.
  expect(longEnough.filter((p) => checkPasswordRules(p) === undefined)).toEqual([]);
});

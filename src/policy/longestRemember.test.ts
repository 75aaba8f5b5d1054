import { longestRemember } from './longestRemember.js';
import type { PolicySet } from './types.js';

const day = 86400;
const defaults: PolicySet['defaults'] = { require: 'mfa', methods: ['totp', 'sms'], strength: 'any', remember: 7 * day, enrollment: 'required', appPasswords: 'allowed', callPin: 'optional' };
const person = { username: 'Alice', groups: ['Finance'] };

test.each([
  ['the defaults remember for 7 days', { defaults, rules: [] }, 'totp', 7 * day],
  ['the defaults remember nothing', { defaults: { ...defaults, remember: 0 }, rules: [] }, 'totp', 0],
  ['the method is no longer accepted', { defaults: { ...defaults, methods: ['sms'] }, rules: [] }, 'totp', 0],
  ['phishing resistance is required', { defaults: { ...defaults, strength: 'phishing-resistant' }, rules: [] }, 'totp', 0],
  ['one application remembers longer', { defaults, rules: [{ name: 'wiki', when: { clients: ['wiki'] }, remember: 30 * day }] }, 'totp', 30 * day],
  ['her group, above the defaults, remembers for a day only', { defaults, rules: [{ name: 'finance', when: { groups: ['finance'] }, remember: day }] }, 'totp', day],
  ['another group remembers longer', { defaults, rules: [{ name: 'ops', when: { groups: ['ops'] }, remember: 30 * day }] }, 'totp', 7 * day],
  ['a rule for one network requires nothing', { defaults, rules: [{ name: 'office', when: { network: [] }, require: 'none' }] }, 'totp', 7 * day],
  ['a rule that asks for an acr never honours a cookie', { defaults: { ...defaults, remember: 0 }, rules: [{ name: 'strict', when: { acr: ['x'] }, remember: 30 * day }] }, 'totp', 0],
])('%s', (_, policy, method, expected) => {
  expect(longestRemember(policy as PolicySet, person, method)).toBe(expected);
});

import { demandsPhishingResistance } from './demandsPhishingResistance.js';
import type { PolicySet } from './types.js';

const defaults: PolicySet['defaults'] = { require: 'mfa', methods: ['totp', 'webauthn'], strength: 'any', remember: 0, enrollment: 'required', appPasswords: 'allowed', callPin: 'optional' };
const person = { username: 'Alice', groups: ['Finance'] };

test.each([
  ['the defaults demand it', { defaults: { ...defaults, strength: 'phishing-resistant' as const }, rules: [] }, 'defaults'],
  ['nothing demands it', { defaults, rules: [] }, undefined],
  ['a rule for an application demands it of everyone', { defaults, rules: [{ name: 'payroll', when: { clients: ['payroll'] }, strength: 'phishing-resistant' as const }] }, 'payroll'],
  ['a rule for her group demands it', { defaults, rules: [{ name: 'finance', when: { groups: ['finance'] }, strength: 'phishing-resistant' as const }] }, 'finance'],
  ['a rule for her by name demands it', { defaults, rules: [{ name: 'alice', when: { users: ['alice'] }, strength: 'phishing-resistant' as const }] }, 'alice'],
  ['a rule for another group', { defaults, rules: [{ name: 'ops', when: { groups: ['ops'] }, strength: 'phishing-resistant' as const }] }, undefined],
  ['a rule that requires nothing', { defaults, rules: [{ name: 'kiosk', when: {}, require: 'none' as const, strength: 'phishing-resistant' as const }] }, undefined],
])('%s', (_, policy, expected) => {
  expect(demandsPhishingResistance(policy as PolicySet, person)).toBe(expected);
});
